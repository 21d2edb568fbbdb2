// The subsidy feature's pages: routes and menu entries (the app assembles them in app/routes.ts),
// and the calls other features may use (the person page's payments).
import { lazy } from 'react';
import { PayCircleOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Payroll = lazy(() => import('./pages/PayrollPage.tsx'));
const Subsidy = lazy(() => import('./pages/SubsidyPage.tsx'));

export const pages: AppPage[] = [
  { path: '/subsidy', component: Subsidy, label: '直补发放', icon: <PayCircleOutlined />, permission: 'subsidy.read', group: 'money' },
  { path: '/subsidy/payrolls/:id', component: Payroll, permission: 'subsidy.read', menuKey: '/subsidy' },
];

export { subsidyApi, type PersonPayment } from './api.ts';
