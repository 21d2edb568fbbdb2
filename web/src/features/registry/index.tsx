// The registry feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { CloudUploadOutlined, DiffOutlined, TeamOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Adjustments = lazy(() => import('./pages/AdjustmentsPage.tsx'));
const Household = lazy(() => import('./pages/HouseholdPage.tsx'));
const Import = lazy(() => import('./pages/ImportPage.tsx'));
const Person = lazy(() => import('./pages/PersonPage.tsx'));
const Roster = lazy(() => import('./pages/RosterPage.tsx'));

export const pages: AppPage[] = [
  { path: '/roster', component: Roster, label: '花名册', icon: <TeamOutlined />, permission: 'registry.read', group: 'register' },
  { path: '/persons/:id', component: Person, permission: 'registry.read', menuKey: '/roster' },
  { path: '/households/:no', component: Household, permission: 'registry.read', menuKey: '/roster' },
  { path: '/adjustments', component: Adjustments, label: '动态调整', icon: <DiffOutlined />, permission: 'registry.read', group: 'register' },
  { path: '/import', component: Import, label: '导入花名册', icon: <CloudUploadOutlined />, permission: 'registry.import', group: 'register' },
];
