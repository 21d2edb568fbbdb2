// What a feature hands the app for each of its pages: the route, and (with a label) its
// side-menu entry. Features export `pages: AppPage[]`; app/routes.ts puts them in menu order.
import type { ComponentType, ReactNode } from 'react';

export interface AppPage {
  path: string;
  /** the page component, loaded when first visited */
  component: ComponentType;
  /** menu label; pages without one (details) are reachable by links only */
  label?: string;
  icon?: ReactNode;
  /** permission from /api/auth/me needed to see the menu item and open the page */
  permission?: string;
  /** menu group: see MENU_GROUPS */
  group?: 'main' | 'register' | 'money' | 'rural' | 'system';
  /** menu key to highlight when this (detail) page is open */
  menuKey?: string;
}

export const MENU_GROUPS: Record<NonNullable<AppPage['group']>, string> = {
  main: '',
  register: '后扶人口管理',
  money: '资金与核查',
  rural: '乡村振兴',
  system: '系统管理',
};
