// One payment roll: figures, lines with the rule behind each amount, review, bank file export,
// result (回盘) import, notice list.
import { useState } from 'react';
import { Alert, Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Tabs, Tag, Upload, Popconfirm } from 'antd';
import { UploadOutlined, DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatCount, formatYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { RegionSelect, regionFilter } from '../../../shared/RegionSelect.tsx';
import { Exclusions, Subtotals } from '../components/PayrollSections.tsx';
import { subsidyApi, LINE_RESULTS, RESULT_NAMES, type ImportSummary, type Line, type LineResult, type PayrollAction } from '../api.ts';

const RESULT_COLORS: Record<LineResult, string> = { pending: 'default', success: 'success', failure: 'error' };

export default function PayrollPage() {
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<{ townshipCode?: string; villageCode?: string; result?: string; flag?: string; q?: string }>({});
  const [template, setTemplate] = useState('generic');
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const roll = useQuery({ queryKey: ['subsidy', 'payroll', id], queryFn: ({ signal }) => subsidyApi.payroll(id, signal) });
  const lines = useQuery({
    queryKey: ['subsidy', 'payroll', id, 'lines', page, filter],
    queryFn: ({ signal }) => subsidyApi.lines(id, { page, pageSize: 20, ...filter }, signal),
    placeholderData: keepPreviousData,
  });
  const templates = useQuery({ queryKey: ['subsidy', 'templates'], queryFn: ({ signal }) => subsidyApi.templates(signal) });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['subsidy'] });
  const act = useMutation({ mutationFn: (a: PayrollAction) => subsidyApi.act(id, a), onSuccess: refresh });
  const exportFile = useMutation({
    mutationFn: () => subsidyApi.bankFile(id, template),
    onSuccess: (r) => {
      notify.success(`已导出 ${r.rows ?? ''} 行`);
      refresh();
    },
  });
  const p = roll.data;
  const manage = can('subsidy.manage');
  return (
    <>
      <PageHeader
        title={p ? `发放批次 ${p.batchNo}` : '发放批次'}
        sub={p && `${p.period} ${p.kindName} · ${p.statusName} · 按 ${p.asOf} 的花名册，标准 ${(p.rules.standardFen / 100).toFixed(2)} 元/年`}
        extra={
          p &&
          manage && (
            <>
              {p.status === 'draft' && (
                <Button onClick={() => act.mutate('rebuild')} loading={act.isPending}>
                  重新生成
                </Button>
              )}
              {p.status === 'draft' && (
                <Popconfirm
                  title="审核通过该批次？"
                  description={`共 ${formatCount(p.persons)} 人，合计 ${formatYuan(p.totalFen)}。审核后即可导出银行文件，审核人须不是编制人。`}
                  okText="审核通过"
                  cancelText="取消"
                  onConfirm={() => act.mutateAsync('review')}
                >
                  <Button type="primary" data-testid="review" loading={act.isPending}>
                    审核通过
                  </Button>
                </Popconfirm>
              )}
              {['reviewed', 'exported', 'results_imported'].includes(p.status) && (
                <Space.Compact>
                  <Select
                    style={{ width: 200 }}
                    value={template}
                    onChange={setTemplate}
                    options={(templates.data?.templates ?? []).map((t) => ({ value: t.code, label: t.name }))}
                  />
                  <Popconfirm title="导出后，无银行账号的人员记为失败待补发。继续？" onConfirm={() => exportFile.mutate()}>
                    <Button type="primary" data-testid="export-bank-file" icon={<DownloadOutlined />} loading={exportFile.isPending}>
                      导出银行文件
                    </Button>
                  </Popconfirm>
                </Space.Compact>
              )}
              {['exported', 'results_imported'].includes(p.status) && (
                <Upload
                  accept=".csv,.xlsx"
                  showUploadList={false}
                  customRequest={async ({ file, onSuccess, onError }) => {
                    try {
                      const s = await subsidyApi.importResults(id, file as File);
                      setSummary(s);
                      refresh();
                      onSuccess?.(s);
                    } catch (e) {
                      notify.error(errorMessage(e));
                      onError?.(e as Error);
                    }
                  }}
                >
                  <Button data-testid="import-results" icon={<UploadOutlined />}>
                    导入回盘
                  </Button>
                </Upload>
              )}
              {p.status === 'results_imported' && <Button onClick={() => act.mutate('close')}>关闭批次</Button>}
            </>
          )
        }
      />
      {p && (
        <Row gutter={16} style={{ marginBottom: 16 }} data-testid="roll-figures">
          <Col span={4}>
            <Card size="small">
              <Statistic title="人数" value={p.persons} />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title="金额（元）" value={p.totalFen / 100} precision={2} />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title={`成功（${formatYuan(p.counts?.successFen ?? 0)}）`} value={p.counts?.success ?? 0} suffix="人" />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title="失败" value={p.counts?.failure ?? 0} suffix="人" valueStyle={{ color: p.counts?.failure ? '#cf1322' : undefined }} />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title={`无银行账号（另有未列入 ${p.excluded} 人）`} value={p.counts?.noAccount ?? 0} suffix="人" />
            </Card>
          </Col>
        </Row>
      )}
      {summary && (
        <Alert
          data-testid="import-summary"
          closable
          onClose={() => setSummary(null)}
          style={{ marginBottom: 12 }}
          type={summary.problems.length ? 'warning' : 'success'}
          message={
            summary.alreadyImported
              ? '该回盘文件已导入过，本次未改变任何数据'
              : `回盘已导入：成功 ${summary.succeeded} 人，失败 ${summary.failed} 人，未变 ${summary.unchanged} 人；回盘中缺少 ${summary.missing} 人；不在批次中 ${summary.unknown.length} 人`
          }
          description={[...summary.problems.slice(0, 10).map((x) => `第${x.rowNumber}行 ${x.column}：${x.reason}`), ...summary.warnings.slice(0, 10)].map(
            (t) => <div key={t}>{t}</div>,
          )}
        />
      )}
      <Tabs
        items={[
          {
            key: 'lines',
            label: '发放明细',
            children: (
              <>
                <Space style={{ marginBottom: 12 }} wrap>
                  <RegionSelect
                    testId="line-region"
                    onChange={(code) => {
                      setPage(1);
                      setFilter((f) => ({ ...f, ...regionFilter(code) }));
                    }}
                  />
                  <Select
                    allowClear
                    placeholder="结果"
                    style={{ width: 110 }}
                    onChange={(v) => {
                      setPage(1);
                      setFilter((f) => ({ ...f, result: v }));
                    }}
                    options={LINE_RESULTS.map((r) => ({ value: r, label: RESULT_NAMES[r] }))}
                  />
                  <Select
                    allowClear
                    placeholder="标记"
                    style={{ width: 150 }}
                    onChange={(v) => {
                      setPage(1);
                      setFilter((f) => ({ ...f, flag: v }));
                    }}
                    options={[
                      { value: 'no_account', label: '无银行账号' },
                      { value: 'head_account', label: '使用户主账户' },
                      { value: 'invalid_id', label: '身份证号无效' },
                      { value: 'duplicate_registry', label: '重复登记' },
                    ]}
                  />
                  <Input.Search
                    allowClear
                    placeholder="姓名、身份证号或户编号"
                    style={{ width: 240 }}
                    onSearch={(q) => {
                      setPage(1);
                      setFilter((f) => ({ ...f, q }));
                    }}
                  />
                  <Button onClick={() => window.open(`/api/subsidy/payrolls/${id}/notice?format=html`, '_blank')}>公示名单（打印）</Button>
                  <Button onClick={() => subsidyApi.noticeXlsx(id).catch((e) => notify.error(errorMessage(e)))}>公示名单（Excel）</Button>
                </Space>
                <Table<Line>
                  data-testid="lines-table"
                  rowKey="lineNo"
                  size="small"
                  loading={lines.isLoading}
                  dataSource={lines.data?.lines ?? []}
                  pagination={{
                    current: page,
                    pageSize: 20,
                    total: lines.data?.total ?? 0,
                    onChange: setPage,
                    showSizeChanger: false,
                    showTotal: (t) => `共 ${formatCount(t)} 人`,
                  }}
                  expandable={{ expandedRowRender: (r) => <span>金额依据：{r.reason}</span> }}
                  columns={[
                    { title: '序号', dataIndex: 'lineNo', width: 70 },
                    { title: '姓名', dataIndex: 'name' },
                    { title: '身份证号', dataIndex: 'idNumber' },
                    {
                      title: '乡镇 · 村',
                      key: 'place',
                      render: (_, r) => (
                        <span title={`村代码 ${r.villageCode}`}>
                          {r.townshipName} {r.villageName}
                        </span>
                      ),
                    },
                    { title: '月数', dataIndex: 'months', align: 'right' },
                    { title: '金额', dataIndex: 'amountFen', align: 'right', render: formatYuan },
                    { title: '账号', dataIndex: 'accountNo' },
                    {
                      title: '标记',
                      dataIndex: 'flagNames',
                      render: (v: string[]) =>
                        v.map((x) => (
                          <Tag key={x} color="orange">
                            {x}
                          </Tag>
                        )),
                    },
                    { title: '结果', dataIndex: 'resultName', render: (v, r) => <Tag color={RESULT_COLORS[r.result]}>{v}</Tag> },
                    { title: '失败原因', dataIndex: 'resultReason' },
                  ]}
                />
              </>
            ),
          },
          { key: 'subtotals', label: '乡镇、村小计', children: <Subtotals payrollId={id} /> },
          { key: 'excluded', label: `未列入（${p?.excluded ?? 0}人）`, children: <Exclusions payrollId={id} count={p?.excluded ?? 0} /> },
        ]}
      />
    </>
  );
}
