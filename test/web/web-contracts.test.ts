// The web app's pure pieces against the server's contracts: every kind of adjustment the form
// can send parses with the server's AdjustmentInput schema; money and dates display as agreed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dayjs from 'dayjs';
import { AdjustmentInput } from '../../src/registry/adjustment.ts';
import { toRequest } from '../../web/src/features/registry/adjustment-request.ts';
import { formatFen, formatYuan, formatDate, formatDateTime } from '../../web/src/shared/format.ts';
import { withQuery } from '../../web/src/shared/api.ts';

const day = dayjs('2024-03-05');
const common = { reason: '其他', effectiveDate: day, remarks: '备注', evidenceNote: '村委会证明' };

describe('动态调整表单 → 服务器的 AdjustmentInput', () => {
  const cases: [string, Parameters<typeof toRequest>[0], Record<string, unknown>][] = [
    ['核减', 'remove', { ...common, reason: '死亡', personIds: [3, 4] }],
    [
      '核增（已有户）',
      'add',
      {
        ...common,
        householdNo: ' 4305821302410001 ',
        persons: [{ name: '李小明', idNumber: '430582201001011234', relation: '孙子', supportStart: day, phone: '', accountNo: '' }],
      },
    ],
    [
      '核增（新立户）',
      'add',
      {
        ...common,
        householdNo: '4305821302419999',
        isNewHousehold: true,
        villageCode: '430582130241',
        groupName: '4组',
        persons: [
          {
            name: '王五',
            idNumber: '430582198001011234',
            relation: '户主',
            supportStart: day,
            category: '原迁人口',
            accountNo: '6217000011112222',
            bankName: '农行',
          },
        ],
      },
    ],
    ['信息变更', 'update', { ...common, personId: 7, changes: { phone: '13800000000', supportEnd: day, accountNo: '6217000011112222', name: '' } }],
    ['分户', 'split', { ...common, householdNo: 'A1', personIds: [5, 6], newHouseholdNo: 'A2', newHeadId: 5 }],
    ['并户', 'merge', { ...common, householdNo: 'A2', intoHouseholdNo: 'A1' }],
    ['户主变更', 'change_head', { ...common, householdNo: 'A1', newHeadId: 6, oldHeadRelation: '父亲' }],
    ['迁移', 'move', { ...common, householdNo: 'A1', villageCode: '430582130242', groupName: '1组' }],
  ];
  for (const [label, kind, values] of cases) {
    it(`${label}：表单内容符合服务器的格式`, () => {
      const body = toRequest(kind, values);
      const parsed = AdjustmentInput.safeParse(body);
      assert.ok(parsed.success, `${label}：${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
      assert.equal(parsed.data.kind, kind);
      assert.equal(parsed.data.effectiveDate, '2024-03-05');
    });
  }

  it('核增：户编号去掉空格，空的账号不发送', () => {
    const body = toRequest('add', cases[1][2]) as { householdNo: string; persons: { account: unknown; phone?: string }[] };
    assert.equal(body.householdNo, '4305821302410001');
    assert.equal(body.persons[0].account, null);
    assert.equal('phone' in body.persons[0], false);
  });

  it('信息变更：只发送填写了的项目', () => {
    const body = toRequest('update', cases[3][2]) as { changes: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.changes).sort(), ['account', 'phone', 'supportEnd']);
    assert.equal(body.changes.supportEnd, '2024-03-05');
  });

  it('核减：没有选人时服务器会拒绝（中文提示）', () => {
    const parsed = AdjustmentInput.safeParse(toRequest('remove', { reason: '死亡' }));
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /请选择核减人员/);
  });
});

describe('显示格式', () => {
  it('金额：分 → 元，两位小数，千分位', () => {
    assert.equal(formatFen(60000), '600.00');
    assert.equal(formatFen(5), '0.05');
    assert.equal(formatFen(-120050), '-1,200.50');
    assert.equal(formatFen(123456789), '1,234,567.89');
    assert.equal(formatFen(null), '—');
    assert.equal(formatYuan(60000), '600.00 元');
  });
  it('日期与北京时间', () => {
    assert.equal(formatDate('2024-03-05'), '2024-03-05');
    assert.equal(formatDate('2024-03-05T16:30:00.000Z'), '2024-03-05');
    assert.equal(formatDate(null), '—');
    // 16:30 UTC is 00:30 the next day in Beijing
    assert.equal(formatDateTime('2024-03-05T16:30:00.000Z'), '2024-03-06 00:30:00');
  });
  it('查询参数：空值不发送，中文编码', () => {
    assert.equal(withQuery('/registry/persons', { q: '朱菊', status: '', page: 2, x: undefined }), '/registry/persons?q=%E6%9C%B1%E8%8F%8A&page=2');
    assert.equal(withQuery('/a', {}), '/a');
  });
});
