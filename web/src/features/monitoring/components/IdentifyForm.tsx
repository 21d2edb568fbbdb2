// 识别纳入监测: village, category, how and when, risks, 帮扶责任人, income, members.
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Space, TreeSelect } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notify } from '../../../shared/notify.ts';
import { useRegionTree } from '../../../shared/layout.tsx';
import { todayIso } from '../../../shared/format.ts';
import { CATEGORIES, IDENTIFIED_HOW, RELATIONS, RISK_TYPES, monitoringApi, yuanToFen, type IdentifyBody } from '../api.ts';

/** a node of the region tree, as the shared layout reads it */
type RegionNode = NonNullable<ReturnType<typeof useRegionTree>['data']>[number];

const DATE = { pattern: /^\d{4}-\d{2}-\d{2}$/, message: '日期应为YYYY-MM-DD' };

/** Region tree → TreeSelect data where only villages can be chosen. */
interface VillageOption {
  title: string;
  value: string;
  selectable: boolean;
  children?: VillageOption[];
}
export function villageOptions(nodes: RegionNode[]): VillageOption[] {
  return nodes
    .filter((n) => n.level !== 'group')
    .map((n) => ({
      title: n.name || n.code,
      value: n.code,
      selectable: n.level === 'village',
      children: n.level === 'village' ? undefined : villageOptions(n.children ?? []),
    }));
}

export function VillagePicker(props: { value?: string; onChange?: (v: string) => void; multiple?: boolean; testId?: string }) {
  const tree = useRegionTree();
  const data = useMemo(() => villageOptions(tree.data ?? []), [tree.data]);
  return (
    <TreeSelect
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll={false}
      treeData={data}
      placeholder="选择村"
      allowClear
      multiple={props.multiple}
      value={props.value}
      onChange={props.onChange}
      style={{ width: '100%' }}
      data-testid={props.testId}
    />
  );
}

interface Values {
  villageCode: string;
  category: IdentifyBody['category'];
  identifiedHow: IdentifyBody['identifiedHow'];
  identifiedOn: string;
  responsibleName: string;
  responsiblePhone?: string;
  risks: string[];
  incomeYear?: number;
  incomeYuan?: string;
  members: IdentifyBody['members'];
}

export function IdentifyForm({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) => {
      const incomeFen = v.incomeYuan ? yuanToFen(v.incomeYuan) : null;
      const body: IdentifyBody = {
        villageCode: v.villageCode,
        category: v.category,
        identifiedHow: v.identifiedHow,
        identifiedOn: v.identifiedOn,
        responsibleName: v.responsibleName,
        responsiblePhone: v.responsiblePhone,
        risks: v.risks.map((riskType) => ({ riskType: riskType as IdentifyBody['risks'][number]['riskType'] })),
        members: v.members,
        ...(incomeFen !== null && v.incomeYear ? { incomeYear: v.incomeYear, incomeFen } : {}),
      };
      return monitoringApi.identify(body);
    },
    onSuccess: (r) => {
      notify.success('已纳入监测');
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
      onClose();
      navigate(`/monitoring/households/${r.id}`);
    },
  });
  return (
    <Modal
      open
      title="识别纳入监测"
      width={900}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="纳入监测"
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'identify-submit' } as never}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          identifiedOn: todayIso(),
          identifiedHow: 'screening',
          category: 'edge',
          members: [{ relation: '户主' }],
          risks: [],
          incomeYear: new Date().getFullYear() - 1,
        }}
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="villageCode" label="所在村" rules={[{ required: true, message: '请选择村' }]}>
              <VillagePicker testId="identify-village" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="category" label="监测对象类别" rules={[{ required: true }]}>
              <Select options={Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="identifiedHow" label="识别方式">
              <Select options={Object.entries(IDENTIFIED_HOW).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="identifiedOn" label="识别日期" rules={[{ required: true }, DATE]}>
              <Input placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="risks" label="风险类型" rules={[{ required: true, message: '请至少选择一项风险类型' }]}>
          <Checkbox.Group options={Object.entries(RISK_TYPES).map(([value, label]) => ({ value, label }))} data-testid="identify-risks" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="responsibleName" label="帮扶责任人" rules={[{ required: true, message: '请填写帮扶责任人' }]}>
              <Input data-testid="identify-responsible" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="responsiblePhone" label="责任人电话">
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="incomeYear" label="收入年度">
              <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="incomeYuan"
              label="人均纯收入（元）"
              rules={[{ validator: (_, v) => (!v || yuanToFen(v) !== null ? Promise.resolve() : Promise.reject(new Error('金额最多两位小数'))) }]}
            >
              <Input data-testid="identify-income" />
            </Form.Item>
          </Col>
        </Row>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <div>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: '姓名' }]}>
                    <Input placeholder="姓名" data-testid={`member-name-${i}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'idNumber']} rules={[{ required: true, message: '身份证号' }]}>
                    <Input placeholder="身份证号" style={{ width: 200 }} data-testid={`member-id-${i}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'relation']} rules={[{ required: true, message: '关系' }]}>
                    <Select style={{ width: 100 }} options={RELATIONS.map((r) => ({ value: r, label: r }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'phone']}>
                    <Input placeholder="电话" style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'healthNote']}>
                    <Input placeholder="健康状况" style={{ width: 160 }} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ relation: '子' })}>
                添加家庭成员
              </Button>
            </div>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
