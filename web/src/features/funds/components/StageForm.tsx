// 录入下一阶段: the stage's own facts, its date, and one upload per document the stage needs
// (a stage cannot be submitted without them). Submitting sends it to the county for approval.
import { useState } from 'react';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Radio, Select, Space, Upload } from 'antd';
import { UploadOutlined, CheckCircleTwoTone } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../../shared/notify.ts';
import { todayIso } from '../../../shared/format.ts';
import {
  ACCEPTANCE_CONCLUSIONS,
  EVALUATION_GRADES,
  MAX_DOCUMENT_BYTES,
  PROCUREMENT_MODE_NAMES,
  PROJECT_CATEGORIES,
  projectsApi,
  STAGE_DATE_NAMES,
  STAGE_NAMES,
  type Doc,
  type Project,
  type ProjectCategory,
  type StageCode,
  type StageData,
  type StageDataInput,
} from '../projects-api.ts';

const yuanToFen = (v: unknown) => Math.round(Number(v ?? 0) * 100);

type Of<S extends StageCode> = Extract<StageData, { stage: S }>;
/** the stage form's fields as the form holds them (amounts in yuan); the rules of the form make the needed ones present */
interface StageFields {
  date: string;
  note?: string;
  villageCode?: string;
  category?: ProjectCategory;
  keyVillage?: boolean;
  households?: number;
  persons?: number;
  supportPersons?: number;
  supportFund?: number;
  countyMatch?: number;
  selfRaised?: number;
  docNo?: string;
  summary?: string;
  mode?: Of<'procurement'>['mode'];
  contractor?: string;
  contractYuan?: number;
  group?: string;
  conclusion?: Of<'accepted'>['conclusion'];
  rectifications?: Array<{ item?: string; deadline?: string } | undefined>;
  keeper?: string;
  grade?: Of<'evaluated'>['grade'];
  score?: number | null;
}

/** The facts of the stage from the form, in the contract's shape. */
function stageData(stage: StageCode, v: StageFields): StageDataInput {
  switch (stage) {
    case 'library':
      return {
        stage,
        library: {
          villageCode: v.villageCode!,
          category: v.category!,
          keyVillage: !!v.keyVillage,
          households: v.households!,
          persons: v.persons!,
          supportPersons: v.supportPersons!,
          supportFundFen: yuanToFen(v.supportFund),
          countyMatchFen: yuanToFen(v.countyMatch),
          selfRaisedFen: yuanToFen(v.selfRaised),
        },
      };
    case 'approval':
      return { stage, docNo: v.docNo! };
    case 'design':
      return { stage, summary: v.summary };
    case 'procurement':
      return { stage, mode: v.mode!, contractor: v.contractor || undefined, contractFen: v.contractYuan ? yuanToFen(v.contractYuan) : undefined };
    case 'accepted':
      return {
        stage,
        group: v.group!,
        conclusion: v.conclusion!,
        rectifications: (v.rectifications ?? []).filter((r): r is { item: string; deadline: string } => !!r?.item),
      };
    case 'handover':
      return { stage, keeper: v.keeper! };
    case 'evaluated':
      return { stage, grade: v.grade!, score: v.score ?? undefined };
    default:
      return { stage };
  }
}

/** One upload button for a document kind; shows the file once stored. */
export function DocUpload({
  projectNo,
  kind,
  value,
  onChange,
  testId,
}: {
  projectNo: string;
  kind: string;
  value?: Doc;
  onChange: (d: Doc) => void;
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Space data-testid={testId}>
      <Upload
        showUploadList={false}
        accept="image/*,.pdf,.doc,.docx,.xls,.xlsx"
        beforeUpload={(file) => {
          if (file.size > MAX_DOCUMENT_BYTES) {
            notify.error(`“${file.name}”超过${MAX_DOCUMENT_BYTES / 1024 / 1024}MB`);
            return Upload.LIST_IGNORE;
          }
          setBusy(true);
          projectsApi
            .uploadDocument(projectNo, kind, file)
            .then((d) => onChange(d))
            .catch((e: Error) => notify.error(e.message))
            .finally(() => setBusy(false));
          return false;
        }}
      >
        <Button size="small" icon={<UploadOutlined />} loading={busy}>
          {value ? '重新选择' : '上传'}
        </Button>
      </Upload>
      {value && (
        <span>
          <CheckCircleTwoTone twoToneColor="#52c41a" /> {value.filename}
        </span>
      )}
    </Space>
  );
}

export function StageForm({ project, onDone }: { project: Project; onDone: (p: Project) => void }) {
  const stage = project.nextStage as StageCode;
  const [form] = Form.useForm<StageFields>();
  const [docs, setDocs] = useState<Record<string, Doc>>({});
  const mode = Form.useWatch('mode', form) as 'tender' | 'self_build' | undefined;
  const conclusion = Form.useWatch('conclusion', form) as string | undefined;
  const needed = project.nextDocs[stage === 'procurement' ? (mode ?? 'tender') : 'default'] ?? [];
  const submit = useMutation({
    mutationFn: (v: StageFields) => {
      const documentIds = needed.map((k) => docs[k]?.id).filter((id): id is number => !!id);
      return projectsApi.submitStage(project.projectNo, { data: stageData(stage, v), date: v.date, note: v.note ?? '', documentIds });
    },
    onSuccess: (p) => {
      notify.success(`“${STAGE_NAMES[stage]}”已提交，等待县中心审批`);
      onDone(p);
    },
  });
  const missing = needed.filter((k) => !docs[k]);
  const sum = yuanToFen(Form.useWatch('supportFund', form)) + yuanToFen(Form.useWatch('countyMatch', form)) + yuanToFen(Form.useWatch('selfRaised', form));
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid="stage-form"
      onFinish={(v) => submit.mutate(v)}
      initialValues={{
        date: todayIso(),
        villageCode: project.villageCode,
        category: project.category,
        mode: 'tender',
        conclusion: '合格',
        grade: '良',
        keyVillage: false,
      }}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message={`录入“${STAGE_NAMES[stage]}”`}
        description={`须附：${needed.join('、')}。提交后由县中心另一名人员审批，通过前不能录入下一阶段。`}
      />
      <Form.Item name="date" label={STAGE_DATE_NAMES[stage]} rules={[{ required: true, message: '请填写日期' }]}>
        <Input type="date" style={{ width: 180 }} data-testid="stage-date" max={todayIso()} />
      </Form.Item>
      {stage === 'library' && (
        <>
          <Space wrap align="start">
            <Form.Item name="villageCode" label="村代码" rules={[{ required: true, pattern: /^\d{12}$/, message: '12位数字' }]}>
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="category" label="项目类别">
              <Select style={{ width: 120 }} options={PROJECT_CATEGORIES.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
            <Form.Item name="keyVillage" label=" " valuePropName="checked">
              <Checkbox>重点移民村</Checkbox>
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="households" label="受益户数" rules={[{ required: true, message: '必填' }]}>
              <InputNumber min={0} data-testid="lib-households" />
            </Form.Item>
            <Form.Item name="persons" label="受益人数" rules={[{ required: true, message: '必填' }]}>
              <InputNumber min={0} data-testid="lib-persons" />
            </Form.Item>
            <Form.Item name="supportPersons" label="其中后扶人数" rules={[{ required: true, message: '必填' }]}>
              <InputNumber min={0} data-testid="lib-support" />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="supportFund" label="后扶资金（元）" rules={[{ required: true, message: '必填' }]}>
              <InputNumber min={0} precision={2} style={{ width: 160 }} data-testid="lib-fund" />
            </Form.Item>
            <Form.Item name="countyMatch" label="县级配套（元）" initialValue={0}>
              <InputNumber min={0} precision={2} style={{ width: 160 }} data-testid="lib-county" />
            </Form.Item>
            <Form.Item name="selfRaised" label="自筹（元）" initialValue={0}>
              <InputNumber min={0} precision={2} style={{ width: 160 }} data-testid="lib-self" />
            </Form.Item>
          </Space>
          <div style={{ marginTop: -8, marginBottom: 12, color: sum === project.plannedFen ? '#389e0d' : '#cf1322' }}>
            资金来源合计 {(sum / 100).toFixed(2)} 元，计划投资 {(project.plannedFen / 100).toFixed(2)} 元{sum === project.plannedFen ? '，相符' : '，须相等'}
          </div>
        </>
      )}
      {stage === 'approval' && (
        <Form.Item name="docNo" label="立项批复文号" rules={[{ required: true, message: '请填写文号' }]}>
          <Input style={{ width: 300 }} data-testid="approval-docno" placeholder="如 县移发〔2026〕12号" />
        </Form.Item>
      )}
      {stage === 'design' && (
        <Form.Item name="summary" label="方案要点">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      )}
      {stage === 'procurement' && (
        <>
          <Form.Item name="mode" label="实施方式">
            <Radio.Group data-testid="proc-mode" options={Object.entries(PROCUREMENT_MODE_NAMES).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          {mode !== 'self_build' && (
            <Space wrap>
              <Form.Item name="contractor" label="中标单位" rules={[{ required: true, message: '请填写中标单位' }]}>
                <Input style={{ width: 260 }} />
              </Form.Item>
              <Form.Item name="contractYuan" label="合同金额（元）">
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
            </Space>
          )}
        </>
      )}
      {stage === 'accepted' && (
        <>
          <Form.Item name="group" label="验收组成员" rules={[{ required: true, message: '请填写验收组成员' }]}>
            <Input data-testid="acc-group" placeholder="单位和姓名" />
          </Form.Item>
          <Form.Item name="conclusion" label="验收结论">
            <Radio.Group options={ACCEPTANCE_CONCLUSIONS.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          {conclusion === '限期整改' && (
            <Form.List name="rectifications" initialValue={[{}]}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="start">
                      <Form.Item name={[f.name, 'item']} rules={[{ required: true, message: '整改内容' }]}>
                        <Input placeholder="整改事项" style={{ width: 300 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'deadline']} rules={[{ required: true, message: '期限' }]}>
                        <Input type="date" />
                      </Form.Item>
                      <Button onClick={() => remove(f.name)}>删除</Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({})} style={{ marginBottom: 12 }}>
                    增加整改事项
                  </Button>
                </>
              )}
            </Form.List>
          )}
        </>
      )}
      {stage === 'handover' && (
        <Form.Item name="keeper" label="管护主体" rules={[{ required: true, message: '请填写管护主体' }]}>
          <Input style={{ width: 260 }} placeholder="如 某村民委员会" />
        </Form.Item>
      )}
      {stage === 'evaluated' && (
        <Space>
          <Form.Item name="grade" label="评价等次">
            <Select style={{ width: 100 }} options={EVALUATION_GRADES.map((g) => ({ value: g, label: g }))} />
          </Form.Item>
          <Form.Item name="score" label="得分">
            <InputNumber min={0} max={100} />
          </Form.Item>
        </Space>
      )}
      <div style={{ marginBottom: 12 }}>
        <div style={{ marginBottom: 6 }}>所需材料（图片、PDF或Office文件，单个不超过{MAX_DOCUMENT_BYTES / 1024 / 1024}MB）：</div>
        {needed.map((k) => (
          <div key={k} style={{ display: 'flex', gap: 12, alignItems: 'center', marginBottom: 6 }}>
            <span style={{ width: 120 }}>{k}</span>
            <DocUpload projectNo={project.projectNo} kind={k} value={docs[k]} testId={`doc-${k}`} onChange={(d) => setDocs((x) => ({ ...x, [k]: d }))} />
          </div>
        ))}
      </div>
      <Form.Item name="note" label="说明">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={submit.isPending} disabled={missing.length > 0} data-testid="stage-submit">
        {missing.length ? `还缺 ${missing.length} 份材料` : '提交审批'}
      </Button>
    </Form>
  );
}
