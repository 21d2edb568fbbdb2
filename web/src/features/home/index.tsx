// The home feature's pages: routes and menu entries (the app assembles them in app/routes.ts).
import { lazy } from 'react';
import { HomeOutlined } from '@ant-design/icons';
import type { AppPage } from '../../shared/pages.ts';

const Home = lazy(() => import('./pages/HomePage.tsx'));

export const pages: AppPage[] = [{ path: '/', component: Home, label: '首页', icon: <HomeOutlined />, group: 'main' }];
