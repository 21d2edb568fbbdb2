// The auth feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Audit = lazy(() => import('./pages/AuditPage.tsx'));
const Users = lazy(() => import('./pages/UsersPage.tsx'));

// outside the frame (no menu, no login needed): the app mounts them itself
export { default as LoginPage } from './pages/LoginPage.tsx';
export { default as ChangePasswordPage } from './pages/ChangePasswordPage.tsx';

export const pages: AppPage[] = [
  { path: '/users', component: Users, label: '用户管理', icon: <UserOutlined />, permission: 'users.manage', group: 'system' },
  { path: '/audit', component: Audit, label: '审计日志', icon: <SafetyCertificateOutlined />, permission: 'audit.read', group: 'system' },
];
