// One loan: its terms, balance, repayments as applied, what happened to it (展期, 续贷, handling
// notes) and its subsidy in each quarter; officers record how an overdue loan is followed up.
import { useState } from 'react';
import { Button, Card, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Table, Tag, Timeline } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatDateTime, formatFen, formatYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { EVENT_KINDS, microcreditApi } from '../api.ts';

export default function LoanPage() {
  const { loanNo = '' } = useParams();
  const { can } = useAuth();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const q = useQuery({ queryKey: ['microcredit', 'loan', loanNo], queryFn: ({ signal }) => microcreditApi.loan(loanNo, signal) });
  const add = useMutation({
    mutationFn: (v: Parameters<typeof microcreditApi.recordHandling>[1]) => microcreditApi.recordHandling(loanNo, v),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      notify.success('已登记');
      void qc.invalidateQueries({ queryKey: ['microcredit', 'loan', loanNo] });
    },
  });
  const d = q.data;
  const l = d?.loan;
  return (
    <>
      <PageHeader
        title={`贷款 ${loanNo}`}
        sub={<Link to="/microcredit">返回贷款列表</Link>}
        extra={
          can('microcredit.manage') && (
            <Button onClick={() => setOpen(true)} data-testid="add-handling">
              登记处理情况
            </Button>
          )
        }
      />
      {l && (
        <Card size="small" loading={q.isLoading}>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="借款人">{l.name}</Descriptions.Item>
            <Descriptions.Item label="身份证号">{l.idNumber}</Descriptions.Item>
            <Descriptions.Item label="村代码">{l.villageCode}</Descriptions.Item>
            <Descriptions.Item label="贷款银行">{l.bank}</Descriptions.Item>
            <Descriptions.Item label="类型">
              {l.kind}
              {d?.renewedFrom && (
                <>
                  {' '}
                  （续 <Link to={`/microcredit/loans/${d.renewedFrom}`}>{d.renewedFrom}</Link>）
                </>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="续贷为">{l.renewedBy ? <Link to={`/microcredit/loans/${l.renewedBy}`}>{l.renewedBy}</Link> : '—'}</Descriptions.Item>
            <Descriptions.Item label="发放日期">{l.issuedOn}</Descriptions.Item>
            <Descriptions.Item label="到期日期">
              {l.dueOn}
              {l.extendedTo && (
                <Tag color="purple" style={{ marginLeft: 8 }}>
                  展期至{l.extendedTo}
                </Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="状态">
              {l.overdue ? (
                <Tag color="error">逾期</Tag>
              ) : l.balanceFen === 0 ? (
                <Tag color="success">已还清{l.paidOffOn ? `（${l.paidOffOn}）` : ''}</Tag>
              ) : (
                <Tag color="processing">在贷</Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="贷款金额">{formatYuan(l.amountFen)}</Descriptions.Item>
            <Descriptions.Item label="已还本金">{formatYuan(l.repaidFen)}</Descriptions.Item>
            <Descriptions.Item label="余额">{formatYuan(l.balanceFen)}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Space direction="vertical" style={{ width: '100%', marginTop: 16 }} size={16}>
        <Card size="small" title="还款记录（按还款日期依次冲减余额）">
          <Table
            rowKey={(r) => `${r.on}-${r.row}`}
            size="small"
            dataSource={d?.repayments ?? []}
            pagination={{ pageSize: 12 }}
            columns={[
              { title: '还款日期', dataIndex: 'on' },
              { title: '还款本金', dataIndex: 'amountFen', align: 'right', render: formatYuan },
              { title: '还款后余额', dataIndex: 'balanceFen', align: 'right', render: formatYuan },
              { title: '银行文件行号', dataIndex: 'row', align: 'right' },
            ]}
          />
        </Card>
        <Card size="small" title="各季度贴息">
          <Table
            rowKey="quarter"
            size="small"
            dataSource={d?.subsidies ?? []}
            pagination={false}
            columns={[
              { title: '季度', dataIndex: 'quarter' },
              { title: '计息天数', dataIndex: 'days', align: 'right' },
              { title: '余额积数（元）', dataIndex: 'productFen', align: 'right', render: (v: number) => formatFen(v) },
              { title: '贴息利率（%）', dataIndex: 'rate', align: 'right' },
              { title: '贴息金额', dataIndex: 'subsidyFen', align: 'right', render: formatYuan },
              { title: '说明', dataIndex: 'note' },
            ]}
          />
        </Card>
        <Card size="small" title="处理记录">
          <Timeline
            items={(d?.events ?? []).map((e) => ({
              color: e.kind === '逾期' ? 'red' : e.kind === '还清' ? 'green' : 'blue',
              children: (
                <span>
                  <b>
                    {e.onDate} {e.kind}
                  </b>{' '}
                  {e.note}{' '}
                  <span style={{ color: '#999' }}>
                    （{e.createdName}，{formatDateTime(e.createdAt)}）
                  </span>
                </span>
              ),
            }))}
          />
          {!d?.events.length && <span style={{ color: '#999' }}>暂无</span>}
        </Card>
      </Space>
      <Modal title="登记处理情况" open={open} onCancel={() => setOpen(false)} okText="登记" confirmLoading={add.isPending} onOk={() => form.submit()}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: '逾期', onDate: dayjs() }}
          onFinish={(v) => add.mutate({ kind: v.kind, onDate: v.onDate.format('YYYY-MM-DD'), note: v.note })}
        >
          <Form.Item name="kind" label="处理方式">
            <Select options={EVENT_KINDS.map((k) => ({ value: k, label: k === '逾期' ? '逾期催收' : k }))} />
          </Form.Item>
          <Form.Item name="onDate" label="日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="note" label="情况说明" rules={[{ required: true, message: '请填写处理情况' }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
