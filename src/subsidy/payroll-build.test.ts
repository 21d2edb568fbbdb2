// The roll's SQL must give what entitlementFor gives (FORMATS.md §5), person by person,
// plus the edge cases of a roll: term starting/ending mid-period, death/removal on the first day,
// half-year periods, duplicates, account fallback; and a built roll must hold exactly those persons.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { entitlementFor } from '../shared/entitlement.ts';
import { parsePeriod } from '../shared/periods.ts';
import { addDays } from '../shared/dates.ts';
import { entitledPersonsQuery } from './payroll-build.sql.ts';
import { SUBSIDY_DEFAULTS, type SubsidySettings } from './settings.ts';
import { insertPersons, makeId, type FixturePerson } from './testing-fixtures.ts';
import { buildPayroll, getPayroll, listExclusions, listLines } from './subsidy.service.ts';
import type { PaymentLine } from './subsidy.contract.ts';

const C = '430582';
const V = '430582101001';

const dateArb = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2000-01-01', n));

for (const engine of await testEngines()) {
  describe(`roll entitlement in SQL equals entitlementFor (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('random people, several periods and settings', async () => {
      const people = fc.sample(
        fc.record({
          start: fc.option(dateArb, { nil: null, freq: 15 }),
          end: fc.option(dateArb, { nil: null, freq: 2 }),
          removed: fc.boolean(),
          removal: fc.option(dateArb, { nil: null, freq: 10 }),
        }),
        { numRuns: 400, seed: 42 },
      );
      const fixtures: FixturePerson[] = people.map((p, i) => ({
        idNumber: makeId('430582', '19600101', i + 1),
        name: `人${i}`,
        householdNo: `H${i}`,
        villageCode: V,
        supportStart: p.start,
        supportEnd: p.end,
        status: p.removed ? '已核减' : '正常',
        removalDate: p.removal,
      }));
      // a few hand-picked boundaries too
      const edges: [string | null, string | null][] = [
        ['2024-01-01', '2024-12-31'],
        ['2024-01-02', null],
        ['2024-07-01', '2025-06-30'],
        ['2004-02-29', null],
        ['2024-06-30', '2024-07-31'],
        ['2004-07-12', '2024-07-11'],
        ['2024-12-02', null],
        ['2024-12-01', null],
      ];
      edges.forEach(([s, e], i) => {
        fixtures.push({ idNumber: makeId('430582', '19700101', i + 1), name: `边${i}`, householdNo: `E${i}`, villageCode: V, supportStart: s, supportEnd: e });
      });
      await insertPersons(t.db, C, fixtures);
      const byId = new Map(fixtures.map((f) => [f.idNumber, f]));
      const settingsList: SubsidySettings[] = [SUBSIDY_DEFAULTS, { ...SUBSIDY_DEFAULTS, standardFen: 70050, termYears: 15 }];
      let compared = 0;
      for (const s of settingsList) {
        for (const code of ['2010', '2024', '2024H1', '2024H2', '2026H2']) {
          const period = parsePeriod(code)!;
          const r = await sql<any>`SELECT * FROM (${entitledPersonsQuery(C, period, s)}) q`.execute(t.db);
          assert.equal(r.rows.length, fixtures.length);
          for (const row of r.rows) {
            const f = byId.get(row.id_number)!;
            const removalDate = f.status === '已核减' ? (f.removalDate ?? null) : null;
            const e = entitlementFor(period, { supportStart: f.supportStart ?? null, supportEnd: f.supportEnd ?? null, removalDate }, s);
            if (f.status === '已核减' && !f.removalDate && f.supportStart) {
              // stricter than the rule: a removal without a date is never paid until the date is filled in
              assert.equal(Number(row.amount_fen), 0);
              continue;
            }
            const ctx = `${code} ${JSON.stringify(f)}`;
            assert.equal(Number(row.amount_fen), e.fen, ctx);
            assert.equal(Number(row.months), e.months, ctx);
            assert.equal(row.eligible, e.eligible, ctx);
            assert.equal(row.reason, e.reason, ctx);
            compared++;
          }
        }
      }
      assert.ok(compared > 2000);
    });
  });
}

// The roll is built in one statement (register rows kept in memory, duplicates resolved, lines
// and exclusions inserted, sums returned): its lines and exclusions must be, person for person
// and field for field, the persons of entitledPersonsQuery, in line order; a supplementary roll
// the failed ones only.
for (const engine of await testEngines()) {
  describe(`a built roll holds exactly the entitled persons (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('lines, exclusions, sums and counts of a regular and a supplementary roll', async () => {
      const people = fc.sample(
        fc.record({
          start: fc.option(dateArb, { nil: null, freq: 15 }),
          end: fc.option(dateArb, { nil: null, freq: 3 }),
          removed: fc.boolean(),
          removal: fc.option(dateArb, { nil: null, freq: 10 }),
          head: fc.boolean(),
          account: fc.integer({ min: 0, max: 3 }),
          village: fc.integer({ min: 0, max: 2 }),
          dupOf: fc.option(fc.integer({ min: 0, max: 299 }), { nil: null, freq: 8 }),
        }),
        { numRuns: 300, seed: 7 },
      );
      const fixtures: FixturePerson[] = people.map((p, i) => ({
        // some IDs on two register rows (the larger entitlement is the person)
        idNumber: makeId('430582', '19600101', (p.dupOf !== null && p.dupOf < i ? p.dupOf : i) + 1),
        name: `人${i}`,
        householdNo: p.dupOf !== null && p.dupOf < i ? `D${i}` : `H${Math.floor(i / 3)}`,
        villageCode: `430582${101 + p.village}00${p.village + 1}`,
        villageName: `村${p.village}`,
        relation: p.head || i % 3 === 0 ? '户主' : '子女',
        supportStart: p.start,
        supportEnd: p.end,
        status: p.removed ? '已核减' : '正常',
        removalDate: p.removal,
        // one in four without an account: the household head's, else none
        accountNo: p.account === 0 ? undefined : `62300${i}`,
        holderName: `持卡${i}`,
      }));
      await insertPersons(t.db, C, fixtures);
      await sql`INSERT INTO settings (county_code, key, effective_from, value) VALUES (${C}, 'subsidy.account_fallback', '2000-01-01', '"head"')`.execute(t.db);
      const s: SubsidySettings = { ...SUBSIDY_DEFAULTS, accountFallback: 'head' };
      const period = parsePeriod('2024')!;
      const ref = (await sql<any>`SELECT * FROM (${entitledPersonsQuery(C, period, s)}) q`.execute(t.db)).rows;
      // line order: the normalised ID (digits and X sort alike in every collation)
      const cmp = (a: any, b: any) => (a.id_number === b.id_number ? 0 : a.id_number < b.id_number ? -1 : 1);
      const paid = ref.filter((r) => r.eligible).sort(cmp);
      const unpaid = ref.filter((r) => !r.eligible);
      assert.ok(ref.some((r) => r.dup_count > 1) && paid.some((r) => r.account_source === 'head') && paid.some((r) => r.account_source === 'none'));

      const actor = { userId: 1, username: '测试员' };
      const roll = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' });
      const lineView = (l: PaymentLine) => [
        l.lineNo,
        l.personId,
        l.idNumber,
        l.idValid,
        l.name,
        l.householdNo,
        l.villageCode,
        l.townshipCode,
        l.townshipName,
        l.villageName,
        l.supportStart,
        l.supportEnd,
        l.months,
        l.standardFen,
        l.amountFen,
        l.reason,
        l.accountSource,
        l.accountNo,
        l.bankName,
        l.holderName,
        l.flags.join(),
        l.result,
      ];
      const refView = (r: any, i: number) => [
        i + 1,
        Number(r.person_id),
        r.id_number,
        r.id_valid,
        r.name,
        r.household_no,
        r.village_code,
        r.village_code.slice(0, 9),
        r.township_name,
        r.village_name,
        r.support_start,
        r.end_used,
        Number(r.months),
        s.standardFen,
        Number(r.amount_fen),
        r.reason,
        r.account_source,
        r.account_no,
        r.bank_name,
        r.holder_name,
        r.flags.join(),
        'pending',
      ];
      const { lines } = await listLines(t.db, C, roll.id, { limit: 1000 });
      assert.deepEqual(lines.map(lineView), paid.map(refView));
      const ex = await listExclusions(t.db, C, roll.id, 0, 1000);
      const exView = (e: { idNumber: string; personId: number | null; name: string; villageCode: string; reason: string }) =>
        [e.idNumber, e.personId, e.name, e.villageCode, e.reason].join('|');
      assert.deepEqual(
        ex.map(exView).sort(),
        unpaid.map((r) => exView({ idNumber: r.id_number, personId: Number(r.person_id), name: r.name, villageCode: r.village_code, reason: r.reason })).sort(),
      );
      assert.deepEqual([roll.persons, roll.totalFen, roll.excluded], [paid.length, paid.reduce((a, r) => a + Number(r.amount_fen), 0), unpaid.length]);
      // the counts a just-built roll reports are those counted over its lines
      assert.deepEqual(roll.counts, (await getPayroll(t.db, C, roll.id))!.counts);
      assert.equal(roll.counts!.noAccount, paid.filter((r) => r.account_source === 'none').length);

      // the bank fails some: a supplementary roll takes exactly them, in line order, with no exclusions
      const failedIds = paid.filter((_, i) => i % 7 === 3).map((r) => r.id_number);
      await sql`UPDATE payment_lines SET result = 'failure' WHERE county_code = ${C} AND payroll_id = ${roll.id} AND id_number IN (${sql.join(failedIds)})`.execute(
        t.db,
      );
      const sup = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'supplementary' });
      const supLines = await listLines(t.db, C, sup.id, { limit: 1000 });
      assert.deepEqual(supLines.lines.map(lineView), paid.filter((r) => failedIds.includes(r.id_number)).map(refView));
      assert.equal(sup.excluded, 0);
      assert.equal((await listExclusions(t.db, C, sup.id, 0, 1000)).length, 0);
    });
  });
}
