// 用户管理: GET /api/users, POST /api/users (one-time password shown once),
// PATCH /api/users/:id (role, region, name, active), POST /api/users/:id/reset-password, /unlock.
import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Select, Space, Table, Tag, TreeSelect, Typography, Alert, Popconfirm } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { useAuth } from '../../../shared/auth.tsx';
import { useRegionTree } from '../../../shared/layout.tsx';
import { useDebounced } from '../../../shared/hooks.ts';
import { notify } from '../../../shared/notify.ts';
import { formatDateTime } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { ROLE_NAMES } from '../../../../../src/auth/auth.contract.ts';
import { createUser, listUsers, resetPassword, unlockUser, updateUser, type Role, type UserView as UserRow } from '../api.ts';

/** A node of the region tree the layout loads (its shape is the registry's). */
type RegionNode = NonNullable<ReturnType<typeof useRegionTree>['data']>[number];

const roleOptions = (Object.keys(ROLE_NAMES) as Role[]).map((r) => ({ value: r, label: ROLE_NAMES[r] }));

/** County and township nodes for choosing a user's region. */
interface RegionOption {
  value: string;
  title: string;
  children?: RegionOption[];
}
function regionOptions(nodes: RegionNode[] | undefined): RegionOption[] {
  return (nodes ?? [])
    .filter((n) => n.level === 'county' || n.level === 'township')
    .map((n) => ({
      value: n.code,
      title: `${n.name}（${n.code}）`,
      children: n.level === 'county' ? regionOptions(n.children) : undefined,
    }));
}

function OneTimePassword({ username, password }: { username: string; password: string }) {
  return (
    <div>
      <p>
        用户 <b>{username}</b> 的一次性密码如下（只显示这一次，请当面或电话告知本人；本人首次登录须修改密码）：
      </p>
      <Typography.Paragraph
        copyable={{ text: password }}
        style={{ fontSize: 20, fontFamily: 'monospace', background: '#fafafa', padding: 8, textAlign: 'center' }}
        data-testid="one-time-password"
      >
        {password}
      </Typography.Paragraph>
    </div>
  );
}

export default function UsersPage() {
  const qc = useQueryClient();
  const { me } = useAuth();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<UserRow | 'new' | null>(null);
  const [form] = Form.useForm();
  const tree = useRegionTree();
  const list = useQuery({
    queryKey: ['users', q, page],
    queryFn: ({ signal }) => listUsers({ q, page, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['users'] });
  const showPassword = (username: string, password: string) =>
    Modal.success({ title: '一次性密码', width: 480, content: <OneTimePassword username={username} password={password} />, okText: '我已记下' });

  const save = useMutation({
    mutationFn: async (v: { username?: string; displayName: string; role: Role; regionCode: string; unit?: string | null; active?: boolean }) => {
      if (editing === 'new') return { created: await createUser({ ...v, username: v.username ?? '' }) };
      const id = (editing as UserRow).id;
      await updateUser(id, { displayName: v.displayName, role: v.role, regionCode: v.regionCode, unit: v.unit || null, active: v.active });
      return { created: null };
    },
    onSuccess: (r) => {
      setEditing(null);
      void refresh();
      if (r.created) showPassword(r.created.user.username, r.created.password);
      else notify.success('已保存');
    },
  });
  const reset = useMutation({
    mutationFn: (u: UserRow) => resetPassword(u.id),
    onSuccess: (r) => {
      void refresh();
      showPassword(r.user.username, r.password);
    },
  });
  const unlock = useMutation({
    mutationFn: (u: UserRow) => unlockUser(u.id),
    onSuccess: () => {
      void refresh();
      notify.success('已解除锁定');
    },
  });

  const columns: TableColumnsType<UserRow> = [
    { title: '用户名', dataIndex: 'username' },
    { title: '姓名', dataIndex: 'displayName' },
    { title: '角色', dataIndex: 'role', render: (r: Role, u) => u.roleName ?? ROLE_NAMES[r] ?? r },
    { title: '辖区', dataIndex: 'regionCode', render: (c: string, u) => (u.regionName ? `${u.regionName}（${c}）` : c) },
    {
      title: '状态',
      key: 'state',
      render: (_: unknown, u) => (
        <Space size={4}>
          {u.active ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>}
          {(u.locked || (u.lockedUntil && new Date(u.lockedUntil) > new Date())) && <Tag color="red">已锁定</Tag>}
          {u.mustChangePassword && <Tag color="orange">待改密码</Tag>}
        </Space>
      ),
    },
    { title: '创建时间', dataIndex: 'createdAt', render: formatDateTime },
    {
      title: '操作',
      key: 'ops',
      render: (_: unknown, u) => (
        <Space size={0} wrap>
          <Button
            type="link"
            size="small"
            onClick={() => {
              setEditing(u);
              form.setFieldsValue(u);
            }}
          >
            修改
          </Button>
          <Popconfirm
            title={`重置 ${u.username} 的密码？`}
            description="旧密码立即失效，新密码只显示一次。"
            okText="重置"
            cancelText="取消"
            onConfirm={() => reset.mutate(u)}
          >
            <Button type="link" size="small" disabled={u.id === me?.user.id}>
              重置密码
            </Button>
          </Popconfirm>
          {(u.locked || u.lockedUntil) && (
            <Button type="link" size="small" onClick={() => unlock.mutate(u)}>
              解锁
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title="用户管理"
        sub="新建用户和重置密码时，系统生成一次性密码，只显示一次"
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setEditing('new');
              form.resetFields();
              form.setFieldsValue({ role: 'township', regionCode: me?.user.countyCode });
            }}
          >
            新建用户
          </Button>
        }
      />
      <Card size="small">
        <Input.Search
          placeholder="用户名或姓名"
          allowClear
          style={{ width: 280, marginBottom: 12 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setPage(1);
          }}
        />
        <Table<UserRow>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 个用户` }}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新建用户' : `修改用户 ${(editing as UserRow | null)?.username ?? ''}`}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText="保存"
        cancelText="取消"
        confirmLoading={save.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          {editing === 'new' && (
            <Form.Item
              name="username"
              label="用户名"
              rules={[
                { required: true, message: '请输入用户名' },
                { pattern: /^[\p{L}\p{N}_.-]{2,32}$/u, message: '用户名为2～32个字母、数字、汉字或 _ . -' },
              ]}
            >
              <Input />
            </Form.Item>
          )}
          <Form.Item name="displayName" label="姓名">
            <Input />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item
            name="regionCode"
            label="辖区"
            extra="乡镇移民专干选所在乡镇；其他角色一般选全县"
            dependencies={['role']}
            rules={[
              { required: true, message: '请选择辖区' },
              ({ getFieldValue }) => ({
                validator: (_r, v: string | undefined) =>
                  getFieldValue('role') === 'township' && v && v.length !== 9 ? Promise.reject(new Error('乡镇移民专干的辖区应选到乡镇')) : Promise.resolve(),
              }),
            ]}
          >
            <TreeSelect treeData={regionOptions(tree.data)} treeDefaultExpandAll showSearch={{ treeNodeFilterProp: 'title' }} data-testid="user-region" />
          </Form.Item>
          <Form.Item noStyle dependencies={['role']}>
            {({ getFieldValue }) =>
              getFieldValue('role') === 'unit' && (
                <Form.Item
                  name="unit"
                  label="所在单位"
                  extra="主管单位或实施单位的名称，与项目上填写的一致；只能看到本单位的项目"
                  rules={[{ required: true, message: '项目单位人员须填写所在单位' }]}
                >
                  <Input placeholder="如 县水利局" />
                </Form.Item>
              )
            }
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="active" label="状态">
              <Select
                options={[
                  { value: true, label: '启用' },
                  { value: false, label: '停用' },
                ]}
              />
            </Form.Item>
          )}
        </Form>
        {editing === 'new' && <Alert type="info" showIcon title="保存后显示一次性初始密码，用户首次登录须修改。" />}
      </Modal>
    </div>
  );
}
