// 登录: username + password → POST /api/auth/login; then where the user was going (or 修改密码).
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api, setCsrfToken, errorMessage } from '../../../shared/api.ts';
import { MeResponse } from '../../../../../src/auth/auth.contract.ts';
import { useAuth } from '../../../shared/auth.tsx';

export function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: 'linear-gradient(160deg,#e6f4ff 0%,#f5f5f5 60%)' }}>
      <Card style={{ width: 400, boxShadow: '0 6px 24px rgba(0,0,0,.08)' }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          安居
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          水库移民后期扶持业务系统
        </Typography.Paragraph>
        <Typography.Title level={5} style={{ marginTop: 8 }}>
          {title}
        </Typography.Title>
        {children}
      </Card>
    </div>
  );
}

export default function LoginPage() {
  const { me, refresh } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next') || '/';

  if (me && !busy) return <Navigate to={me.user.mustChangePassword ? '/change-password' : next} replace />;

  async function onFinish(v: { username: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const r = await api.request(MeResponse, '/auth/login', { method: 'POST', body: v, quietAuth: true });
      setCsrfToken(r.csrfToken);
      await refresh();
      navigate(r.user.mustChangePassword ? '/change-password' : next, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="登录">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
      <Form layout="vertical" onFinish={onFinish} autoComplete="off" requiredMark={false}>
        <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input prefix={<UserOutlined />} placeholder="用户名" autoFocus autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password prefix={<LockOutlined />} placeholder="密码" autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          登录
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
        连续多次输错密码后账号将被暂时锁定，请联系系统管理员解锁。
      </Typography.Paragraph>
    </AuthFrame>
  );
}
