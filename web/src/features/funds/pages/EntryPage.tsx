// 录入资金: 资金安排, 拨付 or 报账 against a batch and a project, showing what is left to
// allocate, disburse or reimburse; the server checks the same limits under its batch lock.
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Radio, Select, Upload } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { errorMessage } from '../../../shared/api.ts';
import { useDebounced } from '../../../shared/hooks.ts';
import { notify } from '../../../shared/notify.ts';
import { formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { ENTRY_KINDS, entriesLink, fundsApi, KIND_LABELS, yuanToFen, type EntryKind, type FundEntryView } from '../api.ts';

export default function EntryPage() {
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [kind, setKind] = useState<EntryKind>('disbursement');
  const [batchNo, setBatchNo] = useState<string>();
  const [projectNo, setProjectNo] = useState<string>();
  const [search, setSearch] = useState('');
  const [attachmentId, setAttachmentId] = useState<number | null>(null);
  const [last, setLast] = useState<FundEntryView | null>(null);
  const q = useDebounced(search);
  const batches = useQuery({ queryKey: ['funds', 'batches', null], queryFn: ({ signal }) => fundsApi.batches(undefined, signal) });
  const projects = useQuery({ queryKey: ['funds', 'project-options', q], queryFn: ({ signal }) => fundsApi.projectOptions(q, signal) });
  const left = useQuery({
    queryKey: ['funds', 'remaining', batchNo, projectNo],
    enabled: !!batchNo,
    queryFn: ({ signal }) => fundsApi.remaining({ batchNo: batchNo!, projectNo }, signal),
  });
  const save = useMutation({
    mutationFn: (v: { date: dayjs.Dayjs; amount: string; voucherNo?: string; note?: string }) =>
      fundsApi.enter({
        // the button stays disabled until a batch and a project are chosen; the form checks the amount
        kind,
        batchNo: batchNo!,
        projectNo: projectNo!,
        date: v.date.format('YYYY-MM-DD'),
        amountFen: yuanToFen(v.amount)!,
        voucherNo: v.voucherNo || null,
        note: v.note,
        attachmentId,
      }),
    onSuccess: (e) => {
      setLast(e);
      notify.success(`已录入${e.kindName} ${formatFen(e.amountFen)} 元`);
      form.resetFields(['amount', 'voucherNo', 'note']);
      setAttachmentId(null);
      void qc.invalidateQueries({ queryKey: ['funds'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const r = left.data;
  const limit = !r ? null : kind === 'allocation' ? r.unallocatedFen : kind === 'disbursement' ? r.toDisburseFen : r.toReimburseFen;
  return (
    <>
      <PageHeader title="录入资金" sub="资金安排、拨付、报账：超出批次或安排的金额会被拒绝；更正请在资金明细中申请冲销" />
      <Card size="small" style={{ maxWidth: 860 }}>
        <Form form={form} layout="vertical" initialValues={{ date: dayjs() }} onFinish={(v) => save.mutate(v)}>
          <Form.Item label="类型">
            <Radio.Group
              value={kind}
              onChange={(e) => setKind(e.target.value)}
              optionType="button"
              data-testid="entry-kind"
              options={ENTRY_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
            />
          </Form.Item>
          <Form.Item label="资金批次" required>
            <Select
              showSearch
              value={batchNo}
              onChange={setBatchNo}
              placeholder="选择批次"
              data-testid="entry-batch"
              options={(batches.data?.batches ?? []).map((b) => ({
                value: b.batchNo,
                label: `${b.batchNo}　${b.level}${b.category}　${formatFen(b.amountFen)}元`,
              }))}
            />
          </Form.Item>
          <Form.Item label="项目" required>
            <Select
              showSearch
              value={projectNo}
              onChange={setProjectNo}
              filterOption={false}
              onSearch={setSearch}
              placeholder="输入项目编号或名称"
              data-testid="entry-project"
              options={(projects.data?.rows ?? []).map((p) => ({ value: p.projectNo, label: `${p.projectNo}　${p.name}` }))}
            />
          </Form.Item>
          {r && (
            <Descriptions size="small" bordered column={3} style={{ marginBottom: 16 }} data-testid="entry-remaining">
              <Descriptions.Item label="批次金额">{formatFen(r.batchFen)}</Descriptions.Item>
              <Descriptions.Item label="批次已安排">{formatFen(r.batchAllocatedFen)}</Descriptions.Item>
              <Descriptions.Item label="批次尚可安排">
                <b>{formatFen(r.unallocatedFen)}</b>
              </Descriptions.Item>
              {projectNo && (
                <>
                  <Descriptions.Item label="对本项目安排">
                    <Link to={entriesLink({ batchNo, projectNo, kind: 'allocation' })}>{formatFen(r.allocatedFen)}</Link>
                  </Descriptions.Item>
                  <Descriptions.Item label="已拨付 / 尚可拨付">
                    <Link to={entriesLink({ batchNo, projectNo, kind: 'disbursement' })}>{formatFen(r.disbursedFen)}</Link> /{' '}
                    <b>{formatFen(r.toDisburseFen)}</b>
                  </Descriptions.Item>
                  <Descriptions.Item label="已报账 / 尚可报账">
                    <Link to={entriesLink({ batchNo, projectNo, kind: 'reimbursement' })}>{formatFen(r.reimbursedFen)}</Link> /{' '}
                    <b>{formatFen(r.toReimburseFen)}</b>
                  </Descriptions.Item>
                </>
              )}
            </Descriptions>
          )}
          <Form.Item name="date" label="日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item
            name="amount"
            label={`金额（元）${limit !== null && projectNo ? `，本次最多 ${formatFen(limit)} 元` : ''}`}
            rules={[
              {
                required: true,
                validator: (_, v) => {
                  const f = yuanToFen(String(v ?? ''));
                  return f && f > 0 ? Promise.resolve() : Promise.reject(new Error('金额为元，最多两位小数，且大于0'));
                },
              },
            ]}
          >
            <Input style={{ width: 200 }} data-testid="entry-amount" />
          </Form.Item>
          <Form.Item name="voucherNo" label="凭证号">
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item label="凭证附件">
            <Upload
              maxCount={1}
              customRequest={async ({ file, onSuccess, onError }) => {
                try {
                  const x = await fundsApi.uploadFile(file as File);
                  setAttachmentId(x.id);
                  onSuccess?.(x);
                } catch (e) {
                  notify.error(errorMessage(e));
                  onError?.(e as Error);
                }
              }}
            >
              <Button>上传</Button>
            </Upload>
          </Form.Item>
          <Form.Item name="note" label="摘要">
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!batchNo || !projectNo} data-testid="entry-save">
            录入{KIND_LABELS[kind]}
          </Button>
        </Form>
        {last && (
          <Alert
            style={{ marginTop: 12 }}
            type="success"
            showIcon
            message={
              <>
                已录入记录 {last.id}：{last.kindName} {formatFen(last.amountFen)} 元。
                <Link to={entriesLink({ batchNo: last.batchNo, projectNo: last.projectNo })}>查看该项目的资金明细</Link>
              </>
            }
          />
        )}
      </Card>
    </>
  );
}
