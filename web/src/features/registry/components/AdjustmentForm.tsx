// 录入动态调整: one form, fields per kind (核增 / 核减 / 信息变更 / 分户 / 合户 / 变更户主 / 迁移),
// reason, effective date, evidence files, remarks. POST /api/registry/adjustments, then each
// evidence file to POST /api/registry/adjustments/:id/files.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Select, Space, Upload, Divider, Checkbox } from 'antd';
import type { UploadFile } from 'antd';
import { PlusOutlined, MinusCircleOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { errorMessage } from '../../../shared/api.ts';
import { notify } from '../../../shared/notify.ts';
import {
  ADD_REASONS,
  KIND_NAMES,
  RELATIONS,
  REMOVAL_REASONS,
  registryApi,
  type AdjustmentItemView,
  type AdjustmentKind,
  type AdjustmentPlanView,
} from '../api.ts';
import { PlanView } from './plan.tsx';
import { toRequest } from '../adjustment-request.ts';
import { MemberPicker, PersonPicker, VillagePicker } from './pickers.tsx';

const relationOptions = RELATIONS.map((r) => ({ value: r, label: r }));
const REASONS: Record<AdjustmentKind, readonly string[]> = {
  add: ADD_REASONS,
  remove: REMOVAL_REASONS,
  update: ['信息有误更正', '户籍信息变更', '账户变更', '联系电话变更', '其他'],
  split: ['子女成家分户', '其他'],
  merge: ['家庭合并', '其他'],
  change_head: ['户主死亡', '户主核减', '家庭协商', '其他'],
  move: ['村间迁移', '区划调整', '其他'],
};

export function AdjustmentForm({
  initialKind,
  personId,
  householdNo,
  onDone,
}: {
  initialKind?: AdjustmentKind;
  personId?: number;
  householdNo?: string;
  onDone?: (a: AdjustmentItemView) => void;
}) {
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [kind, setKind] = useState<AdjustmentKind>(initialKind ?? 'remove');
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [plan, setPlan] = useState<AdjustmentPlanView | null>(null);
  const hh: string | undefined = Form.useWatch('householdNo', form);
  const isNew: boolean = Form.useWatch('isNewHousehold', form);

  // arriving from a person page: that person is preselected
  const person = useQuery({
    queryKey: ['registry', 'person', String(personId), false],
    queryFn: ({ signal }) => registryApi.person(personId!, false, signal),
    enabled: !!personId,
  });
  useEffect(() => {
    const p = person.data?.person;
    if (!p) return;
    if (kind === 'remove') form.setFieldsValue({ personIds: [p.id] });
    if (kind === 'update') form.setFieldsValue({ personId: p.id });
    if (!form.getFieldValue('householdNo')) form.setFieldsValue({ householdNo: p.householdNo });
  }, [person.data, kind, form]);
  useEffect(() => {
    if (householdNo) form.setFieldsValue({ householdNo });
  }, [householdNo, form]);

  // Enter in a field submits the form: one request at a time, whatever is pressed while it runs
  const sending = useRef(false);
  const submit = useMutation({
    // biome-ignore lint/suspicious/noExplicitAny: antd Form hands over its values untyped; toRequest shapes them and the server's schema checks them
    mutationFn: async (values: Record<string, any>) => {
      const r = await registryApi.createAdjustment(toRequest(kind, values));
      const a = r.adjustment;
      const failed: string[] = [];
      for (const f of files) {
        if (!f.originFileObj) continue;
        try {
          await registryApi.addAdjustmentFile(a.id, f.originFileObj);
        } catch (e) {
          failed.push(`${f.name}：${errorMessage(e)}`);
        }
      }
      return { a, failed, warnings: r.warnings ?? [] };
    },
    meta: { silent: true },
    onMutate: () => setError(null),
    onSuccess: ({ a, failed, warnings }) => {
      if (warnings.length) notify.notice('请留意', warnings.join('；'));
      void qc.invalidateQueries({ queryKey: ['registry'] });
      void qc.invalidateQueries({ queryKey: ['adjustments'] });
      if (failed.length) notify.error(`调整单已提交，但部分佐证材料上传失败：${failed.join('；')}。可在“我的提交”中补传。`);
      else notify.success(`调整单 #${a.id} 已提交，等待县中心审批`);
      form.resetFields();
      setFiles([]);
      onDone?.(a);
    },
    onError: (e) => setError(errorMessage(e)),
  });

  // 提交前检查: the server's rules say what is wrong and what approval would write
  const check = useMutation({
    mutationFn: async () => registryApi.previewAdjustment(toRequest(kind, await form.validateFields())),
    meta: { silent: true },
    onMutate: () => {
      setError(null);
      setPlan(null);
    },
    onSuccess: (p) => setPlan(p),
    onError: (e) => {
      if (!(e && typeof e === 'object' && 'errorFields' in e)) setError(errorMessage(e));
    },
  });

  const reasons = REASONS[kind].map((r) => ({ value: r, label: r }));

  return (
    <Card size="small">
      <Form
        form={form}
        layout="vertical"
        onValuesChange={() => setPlan(null)}
        onFinish={(v) => {
          if (sending.current) return;
          sending.current = true;
          submit.mutate(v, {
            onSettled: () => {
              sending.current = false;
            },
          });
        }}
        initialValues={{ effectiveDate: dayjs(), persons: [{ relation: '子' }] }}
        data-testid="adjustment-form"
      >
        <Form.Item label="调整类型">
          <Radio.Group
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              form.setFieldsValue({ reason: undefined });
            }}
            optionType="button"
            buttonStyle="solid"
            options={(Object.keys(KIND_NAMES) as AdjustmentKind[]).map((k) => ({ value: k, label: KIND_NAMES[k] }))}
            data-testid="adjustment-kind"
          />
        </Form.Item>

        {kind === 'remove' && (
          <Form.Item name="personIds" label="核减人员" rules={[{ required: true, message: '请选择核减人员' }]}>
            <PersonPicker multiple onlyActive initial={person.data ? [person.data.person] : []} data-testid="remove-persons" />
          </Form.Item>
        )}

        {kind === 'update' && (
          <>
            <Form.Item name="personId" label="变更人员" rules={[{ required: true, message: '请选择人员' }]}>
              <PersonPicker initial={person.data ? [person.data.person] : []} />
            </Form.Item>
            <Alert type="info" showIcon title="只填写需要变更的项目，未填写的保持不变。状态变化（核减）请用“核减”。" style={{ marginBottom: 12 }} />
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name={['changes', 'name']} label="姓名">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'idNumber']} label="身份证号">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'relation']} label="与户主关系">
                  <Select allowClear options={relationOptions} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'phone']} label="联系电话">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'groupName']} label="组">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'category']} label="人口类别">
                  <Select
                    allowClear
                    options={[
                      { value: '现状人口', label: '现状人口' },
                      { value: '原迁人口', label: '原迁人口' },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'supportStart']} label="扶持开始日期">
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'supportEnd']} label="扶持截止日期">
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={8} />
              <Col span={8}>
                <Form.Item name={['changes', 'accountNo']} label="一卡通账号">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'bankName']} label="开户银行">
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['changes', 'holderName']} label="持卡人姓名">
                  <Input />
                </Form.Item>
              </Col>
            </Row>
          </>
        )}

        {kind !== 'remove' && kind !== 'update' && (
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item
                name="householdNo"
                label={kind === 'merge' ? '并出户编号（撤销的户）' : '户编号'}
                rules={[{ required: true, message: '请填写户编号' }]}
              >
                <Input placeholder="如 4305821302410001" />
              </Form.Item>
            </Col>
            {kind === 'add' && (
              <Col span={16}>
                <Form.Item name="isNewHousehold" valuePropName="checked" label=" ">
                  <Checkbox>新立户（户编号尚不存在）</Checkbox>
                </Form.Item>
              </Col>
            )}
            {kind === 'merge' && (
              <Col span={8}>
                <Form.Item name="intoHouseholdNo" label="并入户编号" rules={[{ required: true, message: '请填写并入的户编号' }]}>
                  <Input />
                </Form.Item>
              </Col>
            )}
          </Row>
        )}

        {kind === 'add' && (
          <>
            {isNew && (
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="villageCode" label="村" rules={[{ required: true, message: '请选择村' }]}>
                    <VillagePicker />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="groupName" label="组">
                    <Input />
                  </Form.Item>
                </Col>
              </Row>
            )}
            <Divider titlePlacement="start" plain>
              核增人员
            </Divider>
            <Form.List name="persons">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Card
                      key={f.key}
                      size="small"
                      style={{ marginBottom: 8 }}
                      extra={fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                    >
                      <Row gutter={12}>
                        <Col span={6}>
                          <Form.Item name={[f.name, 'name']} label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={8}>
                          <Form.Item name={[f.name, 'idNumber']} label="身份证号" rules={[{ required: true, message: '请填写身份证号' }]}>
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={5}>
                          <Form.Item name={[f.name, 'relation']} label="与户主关系" rules={[{ required: true, message: '请选择' }]}>
                            <Select options={relationOptions} />
                          </Form.Item>
                        </Col>
                        <Col span={5}>
                          <Form.Item name={[f.name, 'supportStart']} label="扶持开始日期" rules={[{ required: true, message: '请选择' }]}>
                            <DatePicker style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[f.name, 'category']} label="人口类别">
                            <Select
                              allowClear
                              options={[
                                { value: '现状人口', label: '现状人口' },
                                { value: '原迁人口', label: '原迁人口' },
                              ]}
                            />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[f.name, 'phone']} label="联系电话">
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[f.name, 'accountNo']} label="一卡通账号">
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[f.name, 'bankName']} label="开户银行">
                            <Input />
                          </Form.Item>
                        </Col>
                      </Row>
                    </Card>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ relation: '子' })} block style={{ marginBottom: 12 }}>
                    再加一人
                  </Button>
                </>
              )}
            </Form.List>
          </>
        )}

        {kind === 'split' && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="personIds" label="分出的人员" rules={[{ required: true, message: '请选择分出的人员' }]}>
                <MemberPicker householdNo={hh} multiple />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="newHouseholdNo" label="新户编号" rules={[{ required: true, message: '请填写新户编号' }]}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="newHeadId" label="新户户主" rules={[{ required: true, message: '请选择新户户主' }]}>
                <MemberPicker householdNo={hh} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="remainingHeadId" label="原户户主（原户主分出时选择）">
                <MemberPicker householdNo={hh} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="villageCode" label="新户所在村（不变可不填）">
                <VillagePicker />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="groupName" label="新户所在组">
                <Input />
              </Form.Item>
            </Col>
          </Row>
        )}

        {kind === 'change_head' && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="newHeadId" label="新户主" rules={[{ required: true, message: '请选择新户主' }]}>
                <MemberPicker householdNo={hh} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="oldHeadRelation" label="原户主改为（与新户主关系）" rules={[{ required: true, message: '请选择' }]}>
                <Select options={relationOptions} />
              </Form.Item>
            </Col>
          </Row>
        )}

        {kind === 'move' && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="villageCode" label="迁入村" rules={[{ required: true, message: '请选择迁入村' }]}>
                <VillagePicker />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="groupName" label="迁入组">
                <Input />
              </Form.Item>
            </Col>
          </Row>
        )}

        <Divider titlePlacement="start" plain>
          原因与佐证
        </Divider>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="reason"
              label={kind === 'remove' ? '核减原因' : '原因'}
              rules={[{ required: kind === 'remove' || kind === 'add', message: '请选择原因' }]}
            >
              <Select options={reasons} placeholder="请选择" data-testid="adjustment-reason" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="effectiveDate"
              label={kind === 'remove' ? '核减日期（生效日期）' : '生效日期'}
              rules={[{ required: kind === 'remove', message: '请选择日期' }]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label="佐证材料"
          extra={kind === 'remove' ? '核减须有佐证材料（死亡证明、户口注销证明等）：上传文件或在下方填写佐证说明' : '可上传照片、扫描件、PDF'}
        >
          <Upload multiple fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList)}>
            <Button icon={<UploadOutlined />}>选择文件</Button>
          </Upload>
        </Form.Item>
        <Form.Item
          name="evidenceNote"
          label="佐证说明"
          extra={kind === 'remove' ? '核减须有佐证材料：请写明证明材料（如死亡证明编号、户籍注销证明），并可上传文件' : undefined}
          rules={kind === 'remove' ? [{ required: true, whitespace: true, message: '核减须填写佐证说明（如死亡证明编号），提交后不能没有佐证' }] : []}
        >
          <Input placeholder="如：民政死亡名单第12行；村委会证明" data-testid="evidence-note" />
        </Form.Item>
        <Form.Item name="remarks" label="备注">
          <Input.TextArea rows={2} />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="adjustment-error" />}
        {plan && (
          <div style={{ marginBottom: 12 }}>
            {plan.errors.length === 0 && <Alert type="success" showIcon title="检查通过，可以提交审批" />}
            <PlanView plan={plan} title="审批通过后将写入花名册的变更" />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={submit.isPending} disabled={submit.isPending} data-testid="adjustment-submit">
            提交审批
          </Button>
          <Button onClick={() => check.mutate()} loading={check.isPending}>
            提交前检查
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setFiles([]);
              setError(null);
              setPlan(null);
            }}
          >
            清空
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
