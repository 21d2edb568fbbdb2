// The quality feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { ClearOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Quality = lazy(() => import('./pages/QualityPage.tsx'));

export const pages: AppPage[] = [
  { path: '/quality', component: Quality, label: '数据清洗', icon: <ClearOutlined />, permission: 'quality.work', group: 'money' },
];
export { ImportPrecheck } from './components/ImportPrecheck.tsx';
export { qualityApi } from './api.ts';
