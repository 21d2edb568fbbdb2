// 修改密码: forced at first login (mustChangePassword), also reachable from the user menu.
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { Alert, Button, Form, Input, Space } from 'antd';
import { api, errorMessage } from '../../../shared/api.ts';
import { MeResponse } from '../../../../../src/auth/auth.contract.ts';
import { useAuth, FullPageSpin } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { AuthFrame } from './LoginPage.tsx';

export default function ChangePasswordPage() {
  const { me, loading, refresh, logout } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (loading) return <FullPageSpin />;
  if (!me) return <Navigate to="/login" replace />;
  const forced = me.user.mustChangePassword;
  // the server's rule (src/auth/password.ts): administrators 10, others 8; common passwords refused there
  const min = me.user.role === 'admin' ? 10 : 8;

  async function onFinish(v: { oldPassword: string; newPassword: string }) {
    setBusy(true);
    setError(null);
    try {
      await api.post(MeResponse, '/auth/change-password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
      await refresh();
      notify.success('密码已修改');
      navigate('/', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={forced ? '首次登录，请先修改密码' : '修改密码'}>
      {forced && <Alert type="info" showIcon title="为保护群众个人信息，首次登录或密码被重置后必须设置新密码。" style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item name="oldPassword" label="当前密码" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label="新密码"
          extra={`至少 ${min} 位，须包含字母和数字，不能是常见密码或键盘顺序（如 Password123、qwer1234）`}
          rules={[
            { required: true, message: '请输入新密码' },
            { min, message: `新密码至少 ${min} 位` },
            { pattern: /^(?=.*[A-Za-z])(?=.*\d).+$/, message: '新密码须同时包含字母和数字' },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="再次输入新密码"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_r, v) => (!v || v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Button onClick={() => (forced ? void logout() : navigate(-1))}>{forced ? '退出登录' : '返回'}</Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            确认修改
          </Button>
        </Space>
      </Form>
    </AuthFrame>
  );
}
