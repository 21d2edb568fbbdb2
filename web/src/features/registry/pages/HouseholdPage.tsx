// 户详情: GET /api/registry/households/:no — members and the household's history.
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Button, Card, Col, Descriptions, Result, Row, Skeleton, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { ApiError } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { RegionName } from '../../../shared/names.tsx';
import { PageHeader } from '../../../shared/ui.tsx';
import { HistoryTimeline } from '../../../shared/History.tsx';
import { registryApi } from '../api.ts';
import { MembersTable } from './PersonPage.tsx';

export default function HouseholdPage() {
  const { no = '' } = useParams();
  const navigate = useNavigate();
  const { can } = useAuth();
  const q = useQuery({
    queryKey: ['registry', 'household', no],
    queryFn: ({ signal }) => registryApi.household(no, signal),
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
  const h = q.data;
  const head = h.head;
  const active = h.members.filter((m) => m.status === '正常').length;
  const go = (kind: string) => navigate(`/adjustments?new=${kind}&household=${encodeURIComponent(h.householdNo)}`);
  return (
    <div>
      <PageHeader
        title={`户编号 ${h.householdNo}`}
        sub={`${h.townshipName}${h.villageName}${h.groupName}`}
        extra={
          can('adjustment.enter') && (
            <Space>
              <Button onClick={() => go('add')}>核增成员</Button>
              <Button onClick={() => go('change_head')}>户主变更</Button>
              <Button onClick={() => go('split')}>分户</Button>
              <Button onClick={() => go('merge')}>并户</Button>
              <Button onClick={() => go('move')}>迁移（村间）</Button>
            </Space>
          )
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label="户主">{head ? <Link to={`/persons/${head.id}`}>{head.name}</Link> : '（无户主）'}</Descriptions.Item>
              <Descriptions.Item label="人数">
                {h.members.length} 人（正常 {active} 人）
              </Descriptions.Item>
              <Descriptions.Item label="乡镇 · 村">
                <RegionName code={h.villageCode} withTownship />
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title="家庭成员" size="small" style={{ marginBottom: 16 }}>
            <MembersTable members={h.members} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title="变更历史" size="small">
            <HistoryTimeline entries={h.history} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
