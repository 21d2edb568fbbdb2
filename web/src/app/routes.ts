// Every page of the app, in menu order: each feature (web/src/features/<capability>) lists
// its own pages in its index.tsx. To add a capability's pages, add its feature here.
import type { AppPage } from '../shared/pages.ts';
import { pages as home } from '../features/home/index.tsx';
import { pages as registry } from '../features/registry/index.tsx';
import { pages as subsidy } from '../features/subsidy/index.tsx';
import { pages as cases } from '../features/cases/index.tsx';
import { pages as funds } from '../features/funds/index.tsx';
import { pages as quality } from '../features/quality/index.tsx';
import { pages as microcredit } from '../features/microcredit/index.tsx';
import { pages as monitoring } from '../features/monitoring/index.tsx';
import { pages as auth } from '../features/auth/index.tsx';

export const PAGES: AppPage[] = [...home, ...registry, ...subsidy, ...cases, ...funds, ...quality, ...microcredit, ...monitoring, ...auth];
