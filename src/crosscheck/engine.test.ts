import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCrosscheck, type RunCrosscheckInput } from './engine.ts';
import { makeId, pay, person, termBoundaryCases } from './testkit.ts';
import type { Finding, FindingCode } from './types.ts';

async function run(input: Partial<RunCrosscheckInput> & Pick<RunCrosscheckInput, 'roster' | 'payments'>) {
  return runCrosscheck({ checkDate: '2025-01-01', ...input });
}
const only = (fs: Finding[], code: FindingCode) => fs.filter((f) => f.code === code);
const codesOf = (fs: Finding[], id: string) =>
  fs
    .filter((f) => f.idNumber === id)
    .map((f) => f.code)
    .sort();

const A = makeId('19600101', 11),
  B = makeId('19610202', 21),
  C = makeId('19620303', 31);

describe('payment findings and their precedence', () => {
  it('a correct payment gives no finding; one finding per person and code with all periods', async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: [pay(A, '2022'), pay(A, '2023'), pay(B, '2022', 500), pay(B, '2023', 700)],
    });
    assert.deepEqual(codesOf(r.findings, A), []);
    const am = only(r.findings, 'AMOUNT_MISMATCH');
    assert.equal(am.length, 1);
    assert.deepEqual(am[0].periods, ['2022', '2023']);
    assert.equal(am[0].overFen, 10000);
    assert.equal(am[0].underFen, 10000);
    assert.match(am[0].explanation, /2022期间应发600\.00元，实发500\.00元/);
  });

  it('DECEASED_PAID for periods starting after the death; death on the first day keeps that period', async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: [pay(A, '2022'), pay(A, '2023'), pay(A, '2024'), pay(B, '2022'), pay(B, '2023'), pay(B, '2024')],
      deaths: [
        { idNumber: A, deathDate: '2022-05-01', source: '民政' },
        { idNumber: B, deathDate: '2024-01-01', source: '殡葬' },
      ],
    });
    const d = only(r.findings, 'DECEASED_PAID');
    assert.equal(d.length, 1);
    assert.equal(d[0].idNumber, A);
    assert.deepEqual(d[0].periods, ['2023', '2024']);
    assert.equal(d[0].overFen, 120000);
    assert.match(d[0].explanation, /死亡人员名单（民政）记载该人于2022-05-01死亡/);
    assert.deepEqual(codesOf(r.findings, B), []);
  });

  it('death date is the earliest of death records and a dated hukou 死亡注销; undated gives none', async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: [pay(A, '2023'), pay(A, '2024'), pay(B, '2023')],
      deaths: [{ idNumber: A, deathDate: '2023-06-01', source: '卫健' }],
      hukou: [
        { idNumber: A, name: '张三', status: '死亡注销', changeDate: '2022-03-01', regionCode: '430582' },
        { idNumber: B, name: '张三', status: '死亡注销', changeDate: null, regionCode: '430582' },
      ],
    });
    const d = only(r.findings, 'DECEASED_PAID');
    assert.equal(d.length, 1);
    assert.deepEqual(d[0].periods, ['2023', '2024']);
    assert.match(d[0].explanation, /户籍库死亡注销记载该人于2022-03-01死亡/);
    // both still HUKOU_CANCELLED (and DECEASED_PAID may hold together)
    assert.equal(only(r.findings, 'HUKOU_CANCELLED').length, 2);
  });

  it('a roster removal with reason 死亡 is a removal, not death evidence', async () => {
    const r = await run({
      roster: [person({ idNumber: A, status: '已核减', removalDate: '2022-03-01', removalReason: '死亡' })],
      payments: [pay(A, '2022'), pay(A, '2023')],
    });
    assert.deepEqual(codesOf(r.findings, A), ['NOT_ELIGIBLE_PAID']);
    const f = only(r.findings, 'NOT_ELIGIBLE_PAID')[0];
    assert.deepEqual(f.periods, ['2023']);
    assert.match(f.explanation, /2022-03-01核减（原因：死亡）/);
  });

  it('precedence: deceased before not-eligible before duplicate before amount', async () => {
    const D = makeId('19630404', 41);
    const r = await run({
      roster: [
        person({ idNumber: A, status: '已核减', removalDate: '2020-01-01', removalReason: '迁出' }), // removed and dead
        person({ idNumber: B, status: '已核减', removalDate: '2020-01-01', removalReason: '迁出' }), // removed, paid twice
        person({ idNumber: C }), // paid twice
        person({ idNumber: D }), // single wrong payment
      ],
      payments: [pay(A, '2023'), pay(A, '2023'), pay(B, '2023'), pay(B, '2023'), pay(C, '2023'), pay(C, '2023'), pay(D, '2023', 900)],
      deaths: [{ idNumber: A, deathDate: '2021-01-01' }],
    });
    assert.deepEqual(codesOf(r.findings, A), ['DECEASED_PAID']);
    assert.deepEqual(codesOf(r.findings, B), ['NOT_ELIGIBLE_PAID']);
    assert.deepEqual(codesOf(r.findings, C), ['DUPLICATE_PAID']);
    assert.deepEqual(codesOf(r.findings, D), ['AMOUNT_MISMATCH']);
    assert.equal(only(r.findings, 'DECEASED_PAID')[0].overFen, 120000);
    assert.equal(only(r.findings, 'NOT_ELIGIBLE_PAID')[0].overFen, 120000);
    assert.equal(only(r.findings, 'DUPLICATE_PAID')[0].overFen, 60000);
    assert.equal(only(r.findings, 'AMOUNT_MISMATCH')[0].overFen, 30000);
    assert.equal(r.summary.overFen, 120000 + 120000 + 60000 + 30000);
  });

  it('not on the roster: NOT_ELIGIBLE_PAID, or DECEASED_PAID when a death record says so', async () => {
    const r = await run({
      roster: [person({ idNumber: A })],
      payments: [pay(A, '2023'), pay(B, '2023', 600, true, '李四'), pay(B, '2023', 600, true, '李四'), pay(C, '2023'), pay(C, '2022', 600, false)],
      deaths: [{ idNumber: C, deathDate: '2020-01-01' }],
    });
    const ne = only(r.findings, 'NOT_ELIGIBLE_PAID');
    assert.equal(ne.length, 1);
    assert.equal(ne[0].idNumber, B);
    assert.equal(ne[0].name, '李四');
    assert.equal(ne[0].overFen, 120000);
    assert.equal(ne[0].householdNo, '');
    assert.match(ne[0].explanation, /花名册中无此身份证号/);
    assert.deepEqual(codesOf(r.findings, C), ['DECEASED_PAID']);
    // a failed payment still makes its period checked
    assert.deepEqual(r.summary.periods, ['2022', '2023']);
    assert.deepEqual(codesOf(r.findings, A), ['UNPAID']);
  });

  it('UNPAID when nothing succeeded, AMOUNT_MISMATCH when too little succeeded', async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: [pay(A, '2023', 600, false), pay(B, '2023', 200), pay(B, '2023', 300)],
    });
    const u = only(r.findings, 'UNPAID');
    assert.equal(u.length, 1);
    assert.equal(u[0].idNumber, A);
    assert.equal(u[0].underFen, 60000);
    assert.match(u[0].explanation, /1笔失败记录/);
    const am = only(r.findings, 'AMOUNT_MISMATCH');
    assert.equal(am[0].idNumber, B);
    assert.equal(am[0].underFen, 10000);
    assert.equal(only(r.findings, 'DUPLICATE_PAID').length, 0, 'two payments that do not exceed the entitlement are not a duplicate over-payment');
  });

  it('the same person paid into two accounts, once under a 15-digit and lower-case form, is DUPLICATE_PAID', async () => {
    const id15 = '430582600101115'; // valid 15-digit legacy number
    const r = await run({
      roster: [person({ idNumber: id15 })],
      payments: [
        { ...pay('430582196001011158', '2024H1', 300), account: '6217000000000001' },
        { ...pay(` ${id15} `, '2024H1', 300), account: '6217000000000002' },
        pay('430582196001011158', '2024H2', 300),
      ],
    });
    const d = only(r.findings, 'DUPLICATE_PAID');
    assert.equal(d.length, 1);
    assert.equal(d[0].idNumber, '430582196001011158');
    assert.deepEqual(d[0].periods, ['2024H1']);
    assert.equal(d[0].overFen, 30000);
    assert.equal(only(r.findings, 'INVALID_ID').length, 0);
  });

  it('lower-case x IDs join with upper-case ones', async () => {
    const X = (() => {
      for (let s = 1; s < 999; s++) {
        const id = makeId('19700101', s);
        if (id.endsWith('X')) return id;
      }
      throw new Error();
    })();
    const r = await run({ roster: [person({ idNumber: X.toLowerCase() })], payments: [pay(X, '2023')] });
    assert.equal(r.findings.length, 0);
  });
});

describe('entitlement edge cases', () => {
  it('term starting mid-period counts whole months only; paying the full standard is AMOUNT_MISMATCH', async () => {
    const r = await run({
      roster: [person({ idNumber: A, supportStart: '2023-03-15' }), person({ idNumber: B, supportStart: '2023-03-01' })],
      payments: [pay(A, '2023'), pay(B, '2023', 500)],
    });
    const a = r.findings.find((f) => f.idNumber === A)!;
    assert.equal(a.code, 'AMOUNT_MISMATCH');
    assert.equal(a.overFen, 60000 - 45000); // April–December = 9 months
    assert.deepEqual(codesOf(r.findings, B), []); // March–December = 10 months = 500
  });

  it('term ending mid-period: eligible for that period, NOT_ELIGIBLE_PAID after', async () => {
    const r = await run({
      roster: [person({ idNumber: A, supportStart: '2004-07-01', supportEnd: null })], // ends 2024-06-30
      payments: [pay(A, '2024H1', 300), pay(A, '2024H2', 300)],
    });
    assert.deepEqual(codesOf(r.findings, A), ['NOT_ELIGIBLE_PAID']);
    const f = r.findings[0];
    assert.deepEqual(f.periods, ['2024H2']);
    assert.match(f.explanation, /扶持期限为2004-07-01至2024-06-30/);
  });

  it('a period with no whole month inside the term is outside it: NOT_ELIGIBLE_PAID (FORMATS §6), and owes nothing', async () => {
    const r = await run({
      roster: [
        person({ idNumber: A, supportStart: '2004-07-01', supportEnd: '2024-01-15' }),
        person({ idNumber: B, supportStart: '2004-07-01', supportEnd: '2024-01-15' }),
      ],
      payments: [pay(A, '2024H1', 300), pay(C, '2024H1', 300)],
    });
    assert.deepEqual(codesOf(r.findings, A), ['NOT_ELIGIBLE_PAID']);
    assert.match(r.findings.find((f) => f.idNumber === A)!.explanation, /扶持期限为2004-07-01至2024-01-15/);
    assert.deepEqual(codesOf(r.findings, B), [], 'nothing is due, so nothing is unpaid');
  });

  it('month boundaries: the term ends on the last day, the day before, or the 11th of each month of a half-year', async () => {
    const cases = termBoundaryCases();
    const r = await run({
      roster: cases.map((x) => person({ idNumber: x.idNumber, supportStart: '2004-07-12', supportEnd: x.supportEnd })),
      payments: cases.map((x) => pay(x.idNumber, '2024H2', 300)),
    });
    for (const x of cases) {
      assert.deepEqual(codesOf(r.findings, x.idNumber), x.expect, x.supportEnd);
      for (const f of r.findings.filter((y) => y.idNumber === x.idNumber)) assert.equal(f.overFen, x.overFen, x.supportEnd);
    }
    // the case: the term ends on 11 July, the period is the second half-year
    assert.deepEqual(codesOf(r.findings, cases.find((x) => x.supportEnd === '2024-07-11')!.idNumber), ['NOT_ELIGIBLE_PAID']);
  });

  it('removal on the first day of a period: nothing due; removal after the first day: the period is due', async () => {
    const r = await run({
      roster: [
        person({ idNumber: A, status: '已核减', removalDate: '2024-07-01', removalReason: '迁出' }),
        person({ idNumber: B, status: '已核减', removalDate: '2024-07-02', removalReason: '迁出' }),
      ],
      payments: [pay(A, '2024H2', 300), pay(C, '2024H2', 300)],
    });
    assert.deepEqual(codesOf(r.findings, A), ['NOT_ELIGIBLE_PAID']);
    assert.deepEqual(codesOf(r.findings, B), ['UNPAID']);
    assert.equal(only(r.findings, 'UNPAID')[0].underFen, 30000);
  });

  it('named periods: a period without payments makes everyone eligible UNPAID; other periods are ignored', async () => {
    const r = await run({
      roster: [person({ idNumber: A })],
      payments: [pay(A, '2022', 900)],
      periods: ['2023H1'],
      settings: { standardFen: 72000 },
    });
    assert.deepEqual(r.summary.periods, ['2023H1']);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].code, 'UNPAID');
    assert.equal(r.findings[0].underFen, 36000);
  });

  it('several roster rows: active if any row is 正常, entitlement the largest; DUPLICATE_REGISTRY counts any status', async () => {
    const r = await run({
      roster: [
        person({ idNumber: A, status: '已核减', removalDate: '2020-01-01', removalReason: '重复登记', householdNo: '4305821302410900' }),
        person({ idNumber: A, householdNo: '4305821302410901' }),
      ],
      payments: [pay(A, '2023')],
      hukou: [{ idNumber: B, name: '某', status: '正常', regionCode: '430582' }],
    });
    assert.deepEqual(codesOf(r.findings, A), ['DUPLICATE_REGISTRY', 'NOT_IN_HUKOU']);
    const d = only(r.findings, 'DUPLICATE_REGISTRY')[0];
    assert.match(d.explanation, /登记2次.*4305821302410900.*已核减.*4305821302410901.*正常/);
  });
});

describe('register findings', () => {
  it('INVALID_ID names the reason; the ID is shown as written when it cannot be normalised', async () => {
    const bad = A.slice(0, 17) + (A[17] === '1' ? '2' : '1');
    const r = await run({ roster: [person({ idNumber: bad }), person({ idNumber: '43058271130330' })], payments: [] });
    const inv = only(r.findings, 'INVALID_ID');
    assert.equal(inv.length, 2);
    assert.match(inv.find((f) => f.idNumber === bad)!.explanation, /校验位错误/);
    assert.ok(inv.some((f) => f.idNumber === '43058271130330'));
  });

  it('ID_NAME_MISMATCH says homophone, one character, or clearly different; whitespace is ignored', async () => {
    const D = makeId('19630404', 41),
      E = makeId('19640505', 51);
    const r = await run({
      roster: [
        person({ idNumber: A, name: '潘锋' }),
        person({ idNumber: B, name: '王小明' }),
        person({ idNumber: C, name: '李四' }),
        person({ idNumber: D, name: '张 三' }),
        person({ idNumber: E, name: '赵六' }),
      ],
      payments: [],
      hukou: [
        { idNumber: A, name: '潘峰', status: '正常' },
        { idNumber: B, name: '王小名明', status: '正常' },
        { idNumber: C, name: '周建国', status: '正常' },
        { idNumber: D, name: '张三', status: '正常' },
        { idNumber: E, name: '赵六', status: '正常' },
        { idNumber: E, name: '赵陆', status: '迁出注销' },
      ],
    });
    const m = only(r.findings, 'ID_NAME_MISMATCH');
    assert.equal(m.length, 3);
    assert.match(m.find((f) => f.idNumber === A)!.explanation, /读音相同/);
    assert.match(m.find((f) => f.idNumber === B)!.explanation, /相差一个字/);
    assert.match(m.find((f) => f.idNumber === C)!.explanation, /明显不同/);
  });

  it('NOT_IN_HUKOU only for active persons in covered counties (valid or not); coverage can be stated', async () => {
    const other = makeId('19650606', 61, '430602');
    const bad = '430582196001019999';
    const roster = [
      person({ idNumber: A }),
      person({ idNumber: B, status: '已核减', removalDate: '2020-01-01', removalReason: '迁出' }),
      person({ idNumber: other, villageCode: '430602329376' }),
      person({ idNumber: bad }),
    ];
    const hukou = [{ idNumber: C, name: '某', status: '正常' as const, regionCode: '' }]; // coverage from the ID: 430582
    const r = await run({ roster, payments: [], hukou });
    assert.deepEqual(
      only(r.findings, 'NOT_IN_HUKOU')
        .map((f) => f.idNumber)
        .sort(),
      [A, bad].sort(),
    );
    assert.deepEqual(r.summary.coverage, ['430582']);
    const stated = await run({ roster, payments: [], hukou, coverage: ['430602'] });
    assert.deepEqual(
      only(stated.findings, 'NOT_IN_HUKOU').map((f) => f.idNumber),
      [other],
    );
    const none = await run({ roster, payments: [] });
    assert.equal(only(none.findings, 'NOT_IN_HUKOU').length, 0, 'no extract, no NOT_IN_HUKOU');
  });

  it('HUKOU_CANCELLED for an active person with only cancelled hukou rows', async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B }), person({ idNumber: C, status: '已核减', removalDate: '2020-01-01', removalReason: '迁出' })],
      payments: [],
      hukou: [
        { idNumber: A, name: '张三', status: '迁出注销', changeDate: '2019-09-02' },
        { idNumber: B, name: '张三', status: '迁出注销', changeDate: '2019-09-02' },
        { idNumber: B, name: '张三', status: '正常' },
        { idNumber: C, name: '张三', status: '死亡注销', changeDate: '2019-09-02' },
      ],
    });
    const h = only(r.findings, 'HUKOU_CANCELLED');
    assert.deepEqual(
      h.map((f) => f.idNumber),
      [A],
    );
    assert.match(h[0].explanation, /迁出注销（2019-09-02）/);
  });

  it("other counties' rosters: DUPLICATE_REGISTRY names the other roster", async () => {
    const r = await run({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: [pay(C, '2023')],
      otherRosters: [
        { source: '430602花名册', rows: [person({ idNumber: A, householdNo: '4306023293760001', villageCode: '430602329376' }), person({ idNumber: C })] },
      ],
    });
    const d = only(r.findings, 'DUPLICATE_REGISTRY');
    assert.deepEqual(
      d.map((f) => f.idNumber),
      [A],
    );
    assert.match(d[0].explanation, /430602花名册户编号4306023293760001/);
    assert.match(only(r.findings, 'NOT_ELIGIBLE_PAID')[0].explanation, /登记在430602花名册/);
  });
});

describe('runCrosscheck API', () => {
  it('takes async iterables (as a database cursor would give) and keeps only rows about known people', async () => {
    async function* gen<T>(xs: T[]) {
      for (const x of xs) yield x;
    }
    const unknown = makeId('19700707', 71);
    const r = await runCrosscheck({
      roster: [person({ idNumber: A }), person({ idNumber: B })],
      payments: gen([pay(A, '2023'), pay(B, '2023', 600, false)]),
      deaths: gen([{ idNumber: unknown, deathDate: '2020-01-01' }]),
      hukou: gen([
        { idNumber: A, name: '张三', status: '正常' as const },
        { idNumber: unknown, name: '某', status: '正常' as const },
      ]),
      checkDate: '2025-01-01',
    });
    assert.deepEqual(r.findings.map((f) => `${f.code}:${f.idNumber}`).sort(), [`NOT_IN_HUKOU:${B}`, `UNPAID:${B}`]);
    assert.equal(r.summary.hukouRows, 2);
    assert.equal(r.summary.deathRows, 1);
    assert.equal(r.unreadablePayments, 0);
    const u = r.findings.find((f) => f.code === 'UNPAID')!;
    assert.deepEqual(u.detail, [{ period: '2023', paidFen: 0, paidCount: 0, entitledFen: 60000, overFen: 0, underFen: 60000 }]);
  });
});
