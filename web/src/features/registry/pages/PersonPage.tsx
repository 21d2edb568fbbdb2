// 人员详情: GET /api/registry/persons/:id (masked); 查看完整信息 → ?unmask=1 (audited).
// Shows the person, the household members, the account, the support term and the history.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Modal, Row, Skeleton, Table, Space, Result } from 'antd';
import { EyeOutlined, EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import type { ApiError } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { formatDate } from '../../../shared/format.ts';
import { PageHeader, PersonStatusTag } from '../../../shared/ui.tsx';
import { HistoryTimeline } from '../../../shared/History.tsx';
import { RegionName } from '../../../shared/names.tsx';
import { PersonRecords } from '../components/PersonRecords.tsx';
import { registryApi, type PersonListItemView } from '../api.ts';

export function MembersTable({ members, currentId }: { members: PersonListItemView[]; currentId?: number }) {
  return (
    <Table<PersonListItemView>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={members}
      rowClassName={(r) => (r.id === currentId ? 'ant-table-row-selected' : '')}
      columns={[
        { title: '姓名', dataIndex: 'name', render: (v: string, r) => <Link to={`/persons/${r.id}`}>{v}</Link> },
        { title: '与户主关系', dataIndex: 'relation' },
        { title: '身份证号', dataIndex: 'idNumber', render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
        { title: '性别', dataIndex: 'sex' },
        { title: '出生日期', dataIndex: 'birthDate', render: formatDate },
        { title: '状态', dataIndex: 'status', render: (v: string) => <PersonStatusTag status={v} /> },
      ]}
    />
  );
}

export default function PersonPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { me, can } = useAuth();
  const [unmask, setUnmask] = useState(false);
  const q = useQuery({
    queryKey: ['registry', 'person', id, unmask],
    queryFn: ({ signal }) => registryApi.person(id ?? '', unmask, signal),
    staleTime: unmask ? 0 : 15_000,
    gcTime: unmask ? 0 : undefined,
  });

  if (q.isPending) return <Skeleton active />;
  if (q.isError) {
    const e = q.error as ApiError;
    return (
      <Result
        status={e.status === 404 ? '404' : e.status === 403 ? '403' : 'error'}
        title={e.message}
        extra={<Button onClick={() => navigate(-1)}>返回</Button>}
      />
    );
  }
  const { person: p, history, account, support } = q.data;
  const members = q.data.household.members;
  const mayUnmask = !!me?.canUnmask;

  function askUnmask() {
    Modal.confirm({
      title: '查看完整信息',
      content: '将显示完整的身份证号、银行账号和联系电话。此次查看会记入审计日志（查看人、时间、对象）。确定查看吗？',
      okText: '确定查看',
      cancelText: '取消',
      onOk: () => setUnmask(true),
    });
  }

  return (
    <div>
      <PageHeader
        title={
          <span data-testid="person-name">
            {p.name} <PersonStatusTag status={p.status} />
          </span>
        }
        sub={`户编号 ${p.householdNo} · ${p.townshipName}${p.villageName}${p.groupName}`}
        extra={
          <Space>
            {mayUnmask && !unmask && (
              <Button icon={<EyeOutlined />} onClick={askUnmask} data-testid="unmask">
                查看完整信息
              </Button>
            )}
            {can('adjustment.enter') && p.status === '正常' && (
              <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/adjustments?new=remove&person=${p.id}`)} data-testid="enter-removal">
                录入核减
              </Button>
            )}
            {can('adjustment.enter') && <Button onClick={() => navigate(`/adjustments?new=update&person=${p.id}`)}>信息变更</Button>}
          </Space>
        }
      />
      {unmask && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="正在显示完整个人信息，本次查看已记入审计日志。请勿截图、外传。"
          action={
            <Button size="small" onClick={() => setUnmask(false)}>
              隐藏
            </Button>
          }
        />
      )}
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title="基本信息" size="small" style={{ marginBottom: 16 }}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="person-details">
              <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
              <Descriptions.Item label="身份证号">
                <span style={{ fontFamily: 'monospace' }}>{p.idNumber}</span>
                {p.idValid === false && <span style={{ color: '#cf1322' }}>（号码校验不通过）</span>}
              </Descriptions.Item>
              <Descriptions.Item label="性别">{p.sex ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="出生日期">{formatDate(p.birthDate)}</Descriptions.Item>
              <Descriptions.Item label="与户主关系">{p.relation}</Descriptions.Item>
              <Descriptions.Item label="户编号">
                <Link to={`/households/${encodeURIComponent(p.householdNo)}`}>{p.householdNo}</Link>
              </Descriptions.Item>
              <Descriptions.Item label="乡镇 · 村 · 组">
                <RegionName code={p.villageCode} withTownship />
                {p.groupName ? ` ${p.groupName}` : ''}
              </Descriptions.Item>
              <Descriptions.Item label="联系电话">
                <span style={{ fontFamily: 'monospace' }}>{p.phone || '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label="人口类别">{p.category ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="所属水库">{p.reservoir || '—'}</Descriptions.Item>
              <Descriptions.Item label="搬迁日期">{formatDate(p.moveDate)}</Descriptions.Item>
              <Descriptions.Item label="状态">
                <span data-testid="person-status">
                  <PersonStatusTag status={p.status} />
                </span>
              </Descriptions.Item>
              {p.status === '已核减' && <Descriptions.Item label="核减日期">{formatDate(p.removalDate)}</Descriptions.Item>}
              {p.status === '已核减' && <Descriptions.Item label="核减原因">{p.removalReason ?? '—'}</Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card title="扶持期限与一卡通账户" size="small" style={{ marginBottom: 16 }}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small">
              <Descriptions.Item label="扶持开始日期">{formatDate(support.start)}</Descriptions.Item>
              <Descriptions.Item label="扶持截止日期">
                {formatDate(support.end)}
                {support.endIsDefault && support.end ? '（默认 20 年）' : ''}
              </Descriptions.Item>
              <Descriptions.Item label="银行账号">
                <span style={{ fontFamily: 'monospace' }}>{account?.accountNo || '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label="开户银行">{account?.bankName || '—'}</Descriptions.Item>
              <Descriptions.Item label="持卡人姓名">{account?.holderName || '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={`同户成员（${members.length} 人）`} size="small" style={{ marginBottom: 16 }}>
            <MembersTable members={members} currentId={p.id} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <PersonRecords personId={p.id} householdNo={p.householdNo} />
          <Card title="变更历史" size="small">
            <HistoryTimeline entries={history} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
