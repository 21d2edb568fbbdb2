// The cases feature's pages: routes and menu entries (the app assembles them in app/routes.ts),
// and the calls other features may use (a person's cases, the home page's figures).
import { lazy } from 'react';
import { FileSearchOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Cases = lazy(() => import('./pages/CasesPage.tsx'));

export const pages: AppPage[] = [
  { path: '/crosscheck', component: Cases, label: '交叉核对与追缴', icon: <FileSearchOutlined />, permission: 'subsidy.read', group: 'money' },
];

export { casesApi, type Case, type Dashboard } from './api.ts';
