// 花名册: server-paged roster (GET /api/registry/persons) with a debounced search box
// (name, full ID, last digits, household number), status filter, region tree, export.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Card, Col, Input, Row, Select, Table, Button, Space, Typography, Dropdown } from 'antd';
import type { TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { download, errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { useDebounced } from '../../../shared/hooks.ts';
import { notify } from '../../../shared/notify.ts';
import { formatDate, formatCount } from '../../../shared/format.ts';
import { PageHeader, PersonStatusTag } from '../../../shared/ui.tsx';
import { registryApi, type PersonListItemView } from '../api.ts';
import { RegionTree } from '../../../shared/RegionTree.tsx';

/** Region code → the roster filter the server understands. */
export function regionFilter(code: string): Record<string, string> {
  // a group: 12-digit village code / group name
  const slash = code.indexOf('/');
  if (slash === 12) return { villageCode: code.slice(0, 12), groupName: code.slice(13) };
  if (code.length === 12) return { villageCode: code };
  if (code.length === 9) return { townshipCode: code };
  return {}; // the county: everything the user may see
}

// fits the page beside the region tree without a horizontal scroll: sex and birth in one column,
// the place in one (乡镇 村), the removal date and reason on the status tag
const columns: TableColumnsType<PersonListItemView> = [
  { title: '姓名', dataIndex: 'name', width: 80, ellipsis: true, render: (v: string, r) => <Link to={`/persons/${r.id}`}>{v}</Link> },
  { title: '身份证号', dataIndex: 'idNumber', width: 168, render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
  { title: '性别 · 出生', key: 'born', width: 118, render: (_: unknown, r) => `${r.sex ?? ''} ${formatDate(r.birthDate)}` },
  { title: '户编号', dataIndex: 'householdNo', width: 146, render: (v: string) => <Link to={`/households/${encodeURIComponent(v)}`}>{v}</Link> },
  { title: '关系', dataIndex: 'relation', width: 56, ellipsis: true },
  {
    title: '乡镇 · 村',
    key: 'place',
    ellipsis: true,
    render: (_: unknown, r) => (
      <span title={`村代码 ${r.villageCode}`}>
        {r.townshipName} {r.villageName}
      </span>
    ),
  },
  { title: '组', dataIndex: 'groupName', width: 52 },
  { title: '人口类别', dataIndex: 'category', width: 80 },
  {
    title: '状态',
    dataIndex: 'status',
    width: 76,
    render: (v: string, r) => (
      <span title={r.removalDate ? `核减日期 ${formatDate(r.removalDate)}，${r.removalReason ?? ''}` : undefined}>
        <PersonStatusTag status={v} />
      </span>
    ),
  },
];

export default function RosterPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const status = params.get('status') ?? '';
  const region = params.get('region') ?? '';
  const page = Number(params.get('page') ?? 1) || 1;
  const pageSize = Number(params.get('pageSize') ?? 20) || 20;

  const set = (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  // the debounced search text goes into the address (so back / reload keep it) and resets paging
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new search text writes the address; a changed address (back, reload) must not be overwritten by the old text
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) set({ q, page: null });
  }, [q]);

  const filters = { q, status, ...regionFilter(region) };
  const list = useQuery({
    queryKey: ['registry', 'persons', filters, page, pageSize],
    queryFn: ({ signal }) => registryApi.searchPersons({ ...filters, page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });

  const [exporting, setExporting] = useState(false);
  async function exportAs(format: 'xlsx' | 'csv') {
    setExporting(true);
    try {
      // the export takes its own filter names
      const place = region.slice(0, 12); // a group exports its village
      const scope = place.length === 12 ? { village: place } : place.length === 9 ? { township: place } : {};
      await download('/registry/export', { format, q, status, ...scope }, `花名册.${format}`);
      notify.success('导出完成，导出操作已记入审计日志');
    } catch (e) {
      notify.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  }

  return (
    <div>
      <PageHeader
        title="花名册"
        sub="按姓名、身份证号（完整或末几位）、户编号查找；点击区划树筛选乡镇或村"
        extra={
          can('registry.export') && (
            <Dropdown
              menu={{
                items: [
                  { key: 'xlsx', label: '导出 Excel（xlsx）', onClick: () => void exportAs('xlsx') },
                  { key: 'csv', label: '导出 CSV', onClick: () => void exportAs('csv') },
                ],
              }}
            >
              <Button icon={<DownloadOutlined />} loading={exporting}>
                {exporting ? '正在导出…' : '导出当前筛选结果'}
              </Button>
            </Dropdown>
          )
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={6} xl={5}>
          <Card size="small" title="区划">
            <RegionTree value={region} onChange={(code) => set({ region: code, page: null })} />
          </Card>
        </Col>
        <Col xs={24} lg={18} xl={19}>
          <Card size="small">
            <Space wrap style={{ marginBottom: 12 }}>
              <Input.Search
                placeholder="姓名 / 身份证号 / 末几位 / 户编号"
                allowClear
                value={text}
                onChange={(e) => setText(e.target.value)}
                onSearch={(v) => setText(v)}
                style={{ width: 320 }}
                data-testid="roster-search"
                loading={list.isFetching && !!q}
              />
              <Select
                value={status}
                onChange={(v) => set({ status: v, page: null })}
                style={{ width: 140 }}
                options={[
                  { value: '', label: '全部状态' },
                  { value: '正常', label: '正常' },
                  { value: '已核减', label: '已核减' },
                ]}
              />
              {region && (
                <Button size="small" onClick={() => set({ region: null, page: null })}>
                  清除区划筛选
                </Button>
              )}
              <Typography.Text type="secondary" data-testid="roster-total">
                {q && list.data?.interpretedAs ? `按${list.data.interpretedAs}查找，` : ''}共 {formatCount(list.data?.total ?? 0)}
                {list.data?.totalCapped ? '+' : ''} 人
              </Typography.Text>
            </Space>
            <Table<PersonListItemView>
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={list.data?.items ?? []}
              loading={list.isFetching}
              tableLayout="fixed"
              pagination={{
                current: page,
                pageSize,
                total: list.data?.total ?? 0,
                showSizeChanger: true,
                pageSizeOptions: [20, 50, 100],
                showTotal: (t) => `共 ${formatCount(t)}${list.data?.totalCapped ? '+' : ''} 条`,
                onChange: (p, s) => set({ page: p === 1 ? null : p, pageSize: s === 20 ? null : s }),
              }}
              data-testid="roster-table"
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
