// The frame around every page after login: side menu (from the app's pages, filtered by the user's
// permissions), header with the county, the user and 退出.
import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, matchPath, useLocation } from 'react-router-dom';
import { Layout, Menu, Button, Space, Typography, Tag, Dropdown } from 'antd';
import type { MenuProps } from 'antd';
import { LogoutOutlined, KeyOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useAuth, FullPageSpin } from './auth.tsx';
import { api } from './api.ts';
import { RegionTreeResponse, type RegionNodeView as RegionNode } from '../../../src/registry/registry.contract.ts';
import { ROLE_NAMES } from '../../../src/auth/auth.contract.ts';
import { MENU_GROUPS, type AppPage } from './pages.ts';
import { useNavigate } from 'react-router-dom';

const { Sider, Header, Content } = Layout;

export function useRegionTree(enabled = true) {
  return useQuery({
    queryKey: ['registry', 'regions', 'tree'],
    // one root: the county, cut by the server to what the user may see
    queryFn: ({ signal }) => api.get(RegionTreeResponse, '/registry/regions/tree', undefined, signal),
    select: (root): RegionNode[] => [root],
    staleTime: 5 * 60_000,
    enabled,
    meta: { silent: true },
  });
}

export function AppLayout({ pages }: { pages: AppPage[] }) {
  const { me, can, logout } = useAuth();
  const loc = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const tree = useRegionTree(can('registry.read'));
  const countyName = tree.data?.[0]?.name ?? '';

  const items = useMemo<MenuProps['items']>(() => {
    const visible = pages.filter((p) => p.label && can(p.permission));
    const groups = new Map<string, AppPage[]>();
    for (const p of visible) {
      const g = p.group ?? 'main';
      groups.set(g, [...(groups.get(g) ?? []), p]);
    }
    const out: NonNullable<MenuProps['items']> = [];
    for (const [g, inGroup] of groups) {
      const children = inGroup.map((p) => ({ key: p.path, icon: p.icon, label: <Link to={p.path}>{p.label}</Link> }));
      const title = MENU_GROUPS[g as keyof typeof MENU_GROUPS];
      if (title && !collapsed) out.push({ type: 'group', key: 'g-' + g, label: title, children });
      else out.push(...children);
    }
    return out;
  }, [pages, can, collapsed]);

  const current = pages.find((p) => matchPath({ path: p.path, end: true }, loc.pathname));
  const selected = current ? [current.menuKey ?? current.path] : [];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        theme="light"
        width={208}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        style={{ borderRight: '1px solid #f0f0f0', position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <div
          style={{
            height: 56,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            fontWeight: 600,
            fontSize: collapsed ? 16 : 18,
            color: '#1677ff',
          }}
        >
          {collapsed ? '安居' : '安居 · 后扶业务系统'}
        </div>
        <Menu mode="inline" selectedKeys={selected} items={items} style={{ borderInlineEnd: 'none' }} />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Typography.Title level={5} style={{ margin: 0 }} data-testid="county-name">
            {countyName ? `${countyName}移民后期扶持` : '移民后期扶持'}
          </Typography.Title>
          <Space>
            {me && <Tag color="blue">{ROLE_NAMES[me.user.role] ?? me.user.role}</Tag>}
            <Dropdown
              menu={{
                items: [
                  { key: 'pw', icon: <KeyOutlined />, label: '修改密码', onClick: () => navigate('/change-password') },
                  { key: 'out', icon: <LogoutOutlined />, label: '退出登录', onClick: () => void logout() },
                ],
              }}
            >
              <Button type="text" icon={<UserOutlined />}>
                {me?.user.displayName || me?.user.username}
              </Button>
            </Dropdown>
            <Button icon={<LogoutOutlined />} onClick={() => void logout()}>
              退出
            </Button>
          </Space>
        </Header>
        <Content style={{ margin: 16 }}>
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
