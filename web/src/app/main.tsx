// The web app: providers (antd zh_CN, TanStack Query, auth) and the routes from routes.tsx.
import { StrictMode, Suspense, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Result, Button } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../shared/query.ts';
import { setNotifyHandles } from '../shared/notify.ts';
import { AuthProvider, RequireAuth, FullPageSpin, useAuth } from '../shared/auth.tsx';
import { AppLayout } from '../shared/layout.tsx';
import { PAGES } from './routes.ts';
import { LoginPage, ChangePasswordPage } from '../features/auth/index.tsx';

dayjs.locale('zh-cn');
const queryClient = createQueryClient();

function NotifyBridge() {
  const { message, notification } = AntApp.useApp();
  useEffect(() => setNotifyHandles(message, notification), [message, notification]);
  return null;
}

function Forbidden() {
  return <Result status="403" title="没有权限" subTitle="您的角色不能打开这个页面，如需使用请联系系统管理员。" />;
}

function Guarded({ permission, children }: { permission?: string; children: React.ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? children : <Forbidden />;
}

function NotFound() {
  return (
    <Result
      status="404"
      title="页面不存在"
      extra={
        <Button type="primary" href="/">
          回到首页
        </Button>
      }
    />
  );
}

function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/change-password" element={<ChangePasswordPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout pages={PAGES} />
          </RequireAuth>
        }
      >
        {PAGES.map((p) => (
          <Route
            key={p.path}
            path={p.path}
            element={
              <Guarded permission={p.permission}>
                <p.component />
              </Guarded>
            }
          />
        ))}
        <Route path="/index.html" element={<Navigate to="/" replace />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <NotifyBridge />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthProvider>
              <Suspense fallback={<FullPageSpin />}>
                <App />
              </Suspense>
            </AuthProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
