// The microcredit feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { BankOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Loan = lazy(() => import('./pages/LoanPage.tsx'));
const LoanImport = lazy(() => import('./pages/ImportPage.tsx'));
const LoanSubsidies = lazy(() => import('./pages/SubsidyPage.tsx'));
const LoanSubsidyRun = lazy(() => import('./pages/SubsidyRunPage.tsx'));
const Loans = lazy(() => import('./pages/LoansPage.tsx'));

export const pages: AppPage[] = [
  { path: '/microcredit', component: Loans, label: '小额信贷', icon: <BankOutlined />, permission: 'microcredit.read', group: 'rural' },
  { path: '/microcredit/loans/:loanNo', component: Loan, permission: 'microcredit.read', menuKey: '/microcredit' },
  { path: '/microcredit/import', component: LoanImport, permission: 'microcredit.manage', menuKey: '/microcredit' },
  { path: '/microcredit/subsidy', component: LoanSubsidies, permission: 'microcredit.read', menuKey: '/microcredit' },
  { path: '/microcredit/subsidy/:id', component: LoanSubsidyRun, permission: 'microcredit.read', menuKey: '/microcredit' },
];
