// The monitoring feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { AlertOutlined, BarChartOutlined, HeartOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const MonitoredHousehold = lazy(() => import('./pages/HouseholdPage.tsx'));
const Monitoring = lazy(() => import('./pages/MonitoringPage.tsx'));
const MonitoringAlerts = lazy(() => import('./pages/AlertsPage.tsx'));
const MonitoringCampaigns = lazy(() => import('./pages/CampaignPage.tsx'));
const MonitoringFigures = lazy(() => import('./pages/FiguresPage.tsx'));

export const pages: AppPage[] = [
  { path: '/monitoring', component: Monitoring, label: '防返贫监测', icon: <HeartOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/monitoring/households/:id', component: MonitoredHousehold, permission: 'monitoring.read', menuKey: '/monitoring' },
  {
    path: '/monitoring/campaigns',
    component: MonitoringCampaigns,
    label: '全面排查',
    icon: <ScheduleOutlined />,
    permission: 'monitoring.read',
    group: 'rural',
  },
  { path: '/monitoring/alerts', component: MonitoringAlerts, label: '部门预警', icon: <AlertOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/monitoring/figures', component: MonitoringFigures, label: '监测统计', icon: <BarChartOutlined />, permission: 'monitoring.read', group: 'rural' },
];
