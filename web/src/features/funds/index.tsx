// The funds feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { BankOutlined, EditOutlined, FundOutlined, ImportOutlined, ProjectOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const FundBatch = lazy(() => import('./pages/BatchPage.tsx'));
const FundBatches = lazy(() => import('./pages/BatchesPage.tsx'));
const FundEntries = lazy(() => import('./pages/EntriesPage.tsx'));
const FundEntry = lazy(() => import('./pages/EntryPage.tsx'));
const FundsDispatch = lazy(() => import('./pages/DispatchPage.tsx'));
const FundsImport = lazy(() => import('./pages/FundsImportPage.tsx'));
const FundsOverview = lazy(() => import('./pages/FundsOverviewPage.tsx'));
const Project = lazy(() => import('./pages/ProjectPage.tsx'));
const Projects = lazy(() => import('./pages/ProjectsPage.tsx'));

export const pages: AppPage[] = [
  { path: '/funds', component: FundsOverview, label: '资金总览', icon: <FundOutlined />, permission: 'funds.read', group: 'money' },
  { path: '/funds/batches', component: FundBatches, label: '资金批次', icon: <BankOutlined />, permission: 'funds.read', group: 'money' },
  { path: '/funds/batches/:batchNo', component: FundBatch, permission: 'funds.read', menuKey: '/funds/batches' },
  { path: '/funds/projects', component: Projects, label: '后扶项目', icon: <ProjectOutlined />, permission: 'projects.read', group: 'money' },
  { path: '/funds/projects/:projectNo', component: Project, permission: 'projects.read', menuKey: '/funds/projects' },
  { path: '/funds/entries', component: FundEntries, permission: 'funds.read', menuKey: '/funds' },
  { path: '/funds/entry', component: FundEntry, label: '录入资金', icon: <EditOutlined />, permission: 'funds.manage', group: 'money' },
  { path: '/funds/import', component: FundsImport, label: '导入资金台账', icon: <ImportOutlined />, permission: 'funds.manage', group: 'money' },
  { path: '/funds/dispatch', component: FundsDispatch, label: '资金调度', icon: <ScheduleOutlined />, permission: 'funds.read', group: 'money' },
];
