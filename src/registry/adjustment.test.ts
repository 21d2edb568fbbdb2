import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdjustmentInput, planAdjustment, describeAdjustment, type Plan } from './adjustment.ts';
import { household, makeId, person, state, VILLAGE_A1, VILLAGE_A2 } from './registry.fixtures.ts';

const TODAY = '2025-06-30';
const plan = (raw: unknown, st = base(), atApproval = false): Plan => planAdjustment(AdjustmentInput.parse(raw), st, TODAY, { atApproval });

function base() {
  const h1 = household('H1', [
    person({ id: 1, name: '张三', relation: '户主', householdNo: 'H1' }),
    person({ id: 2, name: '李四', relation: '配偶', householdNo: 'H1', sex: '女' }),
    person({ id: 3, name: '张小', relation: '子', householdNo: 'H1', birthDate: '1985-02-03' }),
  ]);
  const h2 = household(
    'H2',
    [
      person({ id: 11, name: '王五', relation: '户主', householdNo: 'H2' }),
      person({ id: 12, name: '赵六', relation: '配偶', householdNo: 'H2', status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' }),
    ],
    VILLAGE_A2,
  );
  return state([h1, h2]);
}
const newbie = (over: Record<string, unknown> = {}) => ({
  name: '张新',
  idNumber: makeId('2001-03-04', 555),
  relation: '孙子',
  supportStart: '2006-07-01',
  ...over,
});

describe('核增 (add)', () => {
  it('adds a person to an existing household, deriving sex and birth date from the ID', () => {
    const p = plan({ kind: 'add', householdNo: 'H1', persons: [newbie()], reason: '漏登补录' });
    assert.deepEqual(p.errors, []);
    assert.equal(p.townshipCode, '430582130');
    assert.equal(p.ops.length, 1);
    const op = p.ops[0];
    assert.equal(op.op, 'insertPerson');
    if (op.op === 'insertPerson') {
      assert.equal(op.after.birthDate, '2001-03-04');
      assert.equal(op.after.sex, '男');
      assert.equal(op.after.householdNo, 'H1');
      assert.equal(op.after.villageCode, VILLAGE_A1);
    }
  });

  it('rejects an invalid ID, naming the reason', () => {
    const good = makeId('2001-03-04', 555);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const p = plan({ kind: 'add', householdNo: 'H1', persons: [newbie({ idNumber: bad })], reason: '补录' });
    assert.match(p.errors.join(), /身份证号.*无效：校验位错误/);
    assert.deepEqual(p.ops, []);
  });

  it('rejects an ID already active in the county, warns on a removed one', () => {
    const id = makeId('2001-03-04', 555);
    const st = base();
    st.idHolders[id] = [{ personId: 99, householdNo: 'H9', name: '张新', status: '正常' }];
    assert.match(plan({ kind: 'add', householdNo: 'H1', persons: [newbie()], reason: '补录' }, st).errors.join(), /已在册（户编号H9/);
    st.idHolders[id] = [{ personId: 99, householdNo: 'H9', name: '张新', status: '已核减' }];
    const p = plan({ kind: 'add', householdNo: 'H1', persons: [newbie()], reason: '补录' }, st);
    assert.deepEqual(p.errors, []);
    assert.match(p.warnings.join(), /曾登记于户H9/);
  });

  it('restores a person removed from the same household (误减恢复) instead of adding a second row', () => {
    const st = base();
    const removed = st.households.H2!.members.find((m) => m.id === 12)!;
    const p = plan({ kind: 'add', householdNo: 'H2', persons: [newbie({ idNumber: removed.idNumber, relation: '配偶' })], reason: '误减恢复' }, st);
    assert.deepEqual(p.errors, []);
    assert.match(p.warnings.join(), /批准后恢复为正常/);
    assert.deepEqual(p.ops, [
      {
        op: 'updatePerson',
        personId: 12,
        before: { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' },
        after: { status: '正常', removalDate: null, removalReason: null },
      },
    ]);
  });

  it('keeps exactly one head', () => {
    assert.match(plan({ kind: 'add', householdNo: 'H1', persons: [newbie({ relation: '户主' })], reason: '补录' }).errors.join(), /有2名户主/);
  });

  it('a new household needs a village and exactly one head', () => {
    assert.match(plan({ kind: 'add', householdNo: 'H7', persons: [newbie()], reason: '补录' }).errors.join(), /不存在；核增新户请填写村代码/);
    assert.match(
      plan({ kind: 'add', householdNo: 'H7', newHousehold: { villageCode: VILLAGE_A2 }, persons: [newbie()], reason: '补录' }).errors.join(),
      /没有户主/,
    );
    const p = plan({
      kind: 'add',
      householdNo: 'H7',
      newHousehold: { villageCode: VILLAGE_A2, groupName: '2组' },
      persons: [newbie({ relation: '户主' })],
      reason: '补录',
    });
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.ops.map((o) => o.op),
      ['insertHousehold', 'insertPerson'],
    );
    assert.match(
      plan({ kind: 'add', householdNo: 'H1', newHousehold: { villageCode: VILLAGE_A2 }, persons: [newbie()], reason: '补录' }).errors.join(),
      /已存在/,
    );
  });

  it('checks the support term (end before start, more than 20 years) and needs a reason', () => {
    assert.match(plan({ kind: 'add', householdNo: 'H1', persons: [newbie({ supportEnd: '2005-01-01' })], reason: 'x' }).errors.join(), /早于扶持开始日期/);
    assert.match(
      plan({ kind: 'add', householdNo: 'H1', persons: [newbie({ supportEnd: '2026-07-01' })], reason: 'x' }).errors.join(),
      /超过扶持开始后20年（最晚2026-06-30）/,
    );
    assert.match(plan({ kind: 'add', householdNo: 'H1', persons: [newbie()] }).errors.join(), /请填写核增原因/);
  });
});

describe('核减 (remove)', () => {
  const rm = (over: Record<string, unknown> = {}) => ({
    kind: 'remove',
    personIds: [3],
    reason: '死亡',
    effectiveDate: '2025-03-01',
    evidenceNote: '死亡证明',
    ...over,
  });
  it('removes an active person with reason and date', () => {
    const p = plan(rm());
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.ops, [
      {
        op: 'updatePerson',
        personId: 3,
        before: { status: '正常', removalDate: null, removalReason: null },
        after: { status: '已核减', removalDate: '2025-03-01', removalReason: '死亡' },
      },
    ]);
    assert.deepEqual(p.personIds, [3]);
  });
  it('needs the date, a listed reason, and an active person', () => {
    assert.match(plan(rm({ effectiveDate: null })).errors.join(), /核减日期不能为空/);
    assert.match(plan(rm({ reason: '搬家' })).errors.join(), /核减原因“搬家”不正确/);
    assert.match(plan(rm({ personIds: [12] })).errors.join(), /已核减，不能重复核减/);
    assert.match(plan(rm({ personIds: [404] })).errors.join(), /不在花名册中/);
    assert.match(plan(rm({ personIds: [1, 11] })).errors.join(), /同一户/);
  });
  it('needs evidence before submitting: a note naming it (files may follow)', () => {
    assert.match(plan(rm({ evidenceNote: '' })).errors.join(), /核减须有佐证材料：请填写佐证说明/);
    assert.match(plan(rm({ evidenceNote: '   ' })).errors.join(), /须有佐证材料/);
    assert.deepEqual(plan(rm({ evidenceNote: '死亡证明编号123' })).errors, []);
  });
  it('needs evidence at approval (a file or a note)', () => {
    assert.match(plan(rm({ evidenceNote: '' }), base(), true).errors.join(), /须有佐证材料/);
    assert.deepEqual(plan(rm({ evidenceNote: '民政死亡名单第12行' }), base(), true).errors, []);
    const st = base();
    st.fileCount = 1;
    assert.deepEqual(plan(rm({ evidenceNote: '' }), st, true).errors, []);
  });
  it('warns when the head is removed', () => {
    assert.match(plan(rm({ personIds: [1] })).warnings.join(), /是户主/);
  });
});

describe('信息变更 (update)', () => {
  it('changes only the given fields, with before and after', () => {
    const p = plan({ kind: 'update', personId: 2, changes: { name: '李 四妹', phone: '13800000000' }, reason: '更正姓名' });
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.ops, [{ op: 'updatePerson', personId: 2, before: { name: '李四', phone: '' }, after: { name: '李四妹', phone: '13800000000' } }]);
  });
  it('validates a new ID and stores it normalised', () => {
    assert.match(plan({ kind: 'update', personId: 2, changes: { idNumber: '123' }, reason: 'x' }).errors.join(), /无效/);
    const id = makeId('1962-01-02', 124);
    const p = plan({ kind: 'update', personId: 2, changes: { idNumber: id.toLowerCase() }, reason: '更正' });
    assert.deepEqual(p.errors, []);
    const op = p.ops[0];
    assert.ok(op.op === 'updatePerson' && op.after.idNumber === id && op.after.idValid !== false);
    assert.ok(op.op === 'updatePerson' && op.before.idNumber !== id);
  });
  it('refuses a change that leaves the household with two heads, or no change at all', () => {
    assert.match(plan({ kind: 'update', personId: 3, changes: { relation: '户主' }, reason: 'x' }).errors.join(), /2名户主/);
    assert.match(plan({ kind: 'update', personId: 3, changes: { name: '张小' }, reason: 'x' }).errors.join(), /相同/);
    assert.match(plan({ kind: 'update', personId: 3, changes: { supportEnd: '2030-01-01' }, reason: 'x' }).errors.join(), /超过/);
  });
  it('changes the account', () => {
    const p = plan({
      kind: 'update',
      personId: 1,
      changes: { account: { accountNo: '6217000011112222', bankName: '农商银行', holderName: '张三' } },
      reason: '换卡',
    });
    assert.deepEqual(p.errors, []);
    assert.ok(p.ops[0].op === 'updatePerson' && (p.ops[0].after.account as { accountNo: string }).accountNo === '6217000011112222');
  });
});

describe('household changes', () => {
  it('split: members to a new household with its own head', () => {
    const p = plan({ kind: 'split', householdNo: 'H1', personIds: [3], newHouseholdNo: 'H1B', newHeadId: 3, reason: '分家' });
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.ops.map((o) => o.op),
      ['insertHousehold', 'updatePerson'],
    );
    const op = p.ops[1];
    assert.ok(op.op === 'updatePerson' && op.after.householdNo === 'H1B' && op.after.relation === '户主');
  });
  it('split: refused when the new number exists, the head does not move, or the old household loses its head', () => {
    assert.match(plan({ kind: 'split', householdNo: 'H1', personIds: [3], newHouseholdNo: 'H2', newHeadId: 3, reason: 'x' }).errors.join(), /已存在/);
    assert.match(
      plan({ kind: 'split', householdNo: 'H1', personIds: [3], newHouseholdNo: 'H1B', newHeadId: 2, reason: 'x' }).errors.join(),
      /新户户主须是分出的人员之一/,
    );
    assert.match(
      plan({ kind: 'split', householdNo: 'H1', personIds: [1, 3], newHouseholdNo: 'H1B', newHeadId: 3, reason: 'x' }).errors.join(),
      /(2名户主|没有户主)/,
    );
    const ok = plan({
      kind: 'split',
      householdNo: 'H1',
      personIds: [1],
      newHouseholdNo: 'H1B',
      newHeadId: 1,
      remainingHeadId: 2,
      relations: { 3: '子' },
      reason: 'x',
    });
    assert.deepEqual(ok.errors, []);
  });
  it('merge: the merged head takes a relation in the receiving household', () => {
    assert.match(plan({ kind: 'merge', householdNo: 'H2', intoHouseholdNo: 'H1', reason: '并户' }).errors.join(), /2名户主/);
    const p = plan({ kind: 'merge', householdNo: 'H2', intoHouseholdNo: 'H1', relations: { 11: '兄弟姐妹' }, reason: '并户' });
    assert.deepEqual(p.errors, []);
    assert.equal(p.ops.filter((o) => o.op === 'updatePerson').length, 2);
    assert.equal(p.ops.at(-1)!.op, 'deleteHousehold');
    assert.match(plan({ kind: 'merge', householdNo: 'H1', intoHouseholdNo: 'H1', reason: 'x' }).errors.join(), /本户/);
  });
  it('change of head: old head takes the given relation', () => {
    const p = plan({ kind: 'change_head', householdNo: 'H1', newHeadId: 3, oldHeadRelation: '父亲', relations: { 2: '母亲' }, reason: '户主年老' });
    assert.deepEqual(p.errors, []);
    const after = Object.fromEntries(p.ops.map((o) => (o.op === 'updatePerson' ? [o.personId, o.after.relation] : [0, ''])));
    assert.deepEqual(after, { 1: '父亲', 2: '母亲', 3: '户主' });
    assert.match(plan({ kind: 'change_head', householdNo: 'H2', newHeadId: 12, oldHeadRelation: '配偶', reason: 'x' }).errors.join(), /已核减，不能作为户主/);
    assert.match(plan({ kind: 'change_head', householdNo: 'H1', newHeadId: 1, oldHeadRelation: '父亲', reason: 'x' }).errors.join(), /已是户主/);
  });
  it('move: every member and the household go to the new village, inside the county', () => {
    const st = base();
    st.villages[VILLAGE_A2] = { villageCode: VILLAGE_A2, townshipName: '竹田镇', villageName: '新村' };
    const p = plan({ kind: 'move', householdNo: 'H1', villageCode: VILLAGE_A2, groupName: '1组', reason: '搬迁' }, st);
    assert.deepEqual(p.errors, []);
    assert.equal(p.ops.filter((o) => o.op === 'updatePerson').length, 3);
    assert.ok(p.ops.some((o) => o.op === 'updateHousehold' && o.after.villageCode === VILLAGE_A2));
    assert.match(plan({ kind: 'move', householdNo: 'H1', villageCode: '430581130241', reason: 'x' }).errors.join(), /不在本县/);
  });
  it('describes each kind in one Chinese line', () => {
    assert.equal(describeAdjustment(AdjustmentInput.parse({ kind: 'merge', householdNo: 'H2', intoHouseholdNo: 'H1', reason: 'x' })), '户H2并入户H1');
  });
});
