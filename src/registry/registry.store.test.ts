import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { COUNT_CAP } from './person.store.ts';
import type { Viewer } from './household.store.ts';
import { searchPersons, getPersonPage, getHousehold } from './registry.service.ts';
import { regionTree, headlineFigures } from './region.store.ts';
import {
  createAdjustment,
  approveAdjustment,
  returnAdjustment,
  updateAdjustment,
  withdrawAdjustment,
  listAdjustments,
  addAdjustmentFile,
  getAdjustmentFile,
  getAdjustment,
} from './adjustment.service.ts';
import { COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, insertHousehold, makeId } from './registry.fixtures.ts';

const county: Viewer = { id: 1, username: '县业务股', role: 'county', regionCode: COUNTY, countyCode: COUNTY };
const townA: Viewer = { id: 2, username: '竹田专干', role: 'township', regionCode: TOWN_A, countyCode: COUNTY };
const townB: Viewer = { id: 3, username: '大桥专干', role: 'township', regionCode: TOWN_B, countyCode: COUNTY };
const county2: Viewer = { id: 4, username: '县业务股二', role: 'county', regionCode: COUNTY, countyCode: COUNTY };
const leader: Viewer = { id: 4, username: '领导', role: 'leader', regionCode: COUNTY, countyCode: COUNTY };
const page = { page: 1, pageSize: 20 };
const code = (e: unknown) => (e instanceof AppError ? e.code : String(e));

for (const engine of await testEngines()) {
  describe(`registry store (${engine})`, () => {
    let t: TestDatabase;
    let h1: number[], h2: number[], hb: number[];
    const ID_HEAD = makeId('1955-07-29', 647);
    before(async () => {
      t = await createTestDatabase(engine);
      h1 = await insertHousehold(t.db, '4305821302410001', VILLAGE_A1, [
        { name: '李明根', relation: '户主', idNumber: ID_HEAD, birthDate: '1955-07-29', accountNo: '6217006880645182208', phone: '15614229180' },
        { name: '朱菊', relation: '配偶', sex: '女', birthDate: '1957-08-04' },
        { name: '李瑶月', relation: '女', sex: '女', birthDate: '1978-11-25' },
      ]);
      h2 = await insertHousehold(t.db, '4305821302420002', VILLAGE_A2, [
        { name: '王发', relation: '户主', birthDate: '1956-07-07' },
        { name: '王李氏', relation: '配偶', sex: '女', status: '已核减', removalDate: `${new Date().getUTCFullYear()}-02-01`, removalReason: '死亡' },
      ]);
      hb = await insertHousehold(t.db, '4305821012010003', VILLAGE_B1, [
        { name: '李明', relation: '户主', birthDate: '1970-01-01' },
        { name: '李小明', relation: '子', birthDate: '1995-01-01' },
      ]);
      await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES (${TOWN_A}, ${COUNTY}, 'township', ${COUNTY}, '竹田镇'), (${VILLAGE_A1}, ${COUNTY}, 'village', ${TOWN_A}, '茶雁村')`.execute(
        t.db,
      );
    });
    after(async () => {
      await t.drop();
    });

    it('searches by name: exact, prefix, contains', async () => {
      const exact = await searchPersons(t.db, COUNTY, { name: '李明', nameMatch: 'exact' }, county, page);
      assert.deepEqual(
        exact.items.map((i) => i.name),
        ['李明'],
      );
      const prefix = await searchPersons(t.db, COUNTY, { name: '李明' }, county, page);
      assert.deepEqual(prefix.items.map((i) => i.name).sort(), ['李明', '李明根']);
      const contains = await searchPersons(t.db, COUNTY, { name: '明', nameMatch: 'contains' }, county, page);
      assert.equal(contains.total, 3);
      const free = await searchPersons(t.db, COUNTY, { q: '王' }, county, page);
      assert.equal(free.interpretedAs, '姓名');
      assert.deepEqual(
        free.items.map((i) => i.name),
        ['王发', '王李氏'],
      );
    });

    it('searches by pinyin: full, initials, a prefix; a renamed person under the new name only', async () => {
      const full = await searchPersons(t.db, COUNTY, { q: 'liminggen' }, county, page);
      assert.equal(full.interpretedAs, '姓名拼音');
      assert.deepEqual(
        full.items.map((i) => i.name),
        ['李明根'],
      );
      assert.deepEqual(
        (await searchPersons(t.db, COUNTY, { q: 'lmg' }, county, page)).items.map((i) => i.name),
        ['李明根'],
      );
      assert.deepEqual((await searchPersons(t.db, COUNTY, { q: 'LiMing' }, county, page)).items.map((i) => i.name).sort(), ['李明', '李明根']);
      assert.deepEqual(
        (await searchPersons(t.db, COUNTY, { q: 'wang fa' }, county, page)).items.map((i) => i.name),
        ['王发'],
      );
      // the region still limits what a township officer finds
      assert.deepEqual(
        (await searchPersons(t.db, COUNTY, { q: 'lm' }, townB, page)).items.map((i) => i.name),
        ['李明'],
      );
      assert.equal((await searchPersons(t.db, COUNTY, { q: 'zj' }, county, page)).total, 1);
      await sql`UPDATE persons SET name = '汪菊' WHERE id = ${h1[1]}`.execute(t.db);
      try {
        assert.equal((await searchPersons(t.db, COUNTY, { q: 'wangju' }, county, page)).total, 1);
        assert.equal((await searchPersons(t.db, COUNTY, { q: 'zj' }, county, page)).total, 0);
      } finally {
        await sql`UPDATE persons SET name = '朱菊' WHERE id = ${h1[1]}`.execute(t.db);
      }
    });

    it('searches by full ID (normalised), last digits, household number, village, township, status, category', async () => {
      const full = await searchPersons(t.db, COUNTY, { q: ` ${ID_HEAD.toLowerCase()} ` }, county, page);
      assert.equal(full.interpretedAs, '身份证号');
      assert.deepEqual(
        full.items.map((i) => i.id),
        [h1[0]],
      );
      for (const n of [4, 5, 6]) {
        const r = await searchPersons(t.db, COUNTY, { q: ID_HEAD.slice(-n) }, county, page);
        assert.ok(
          r.items.some((i) => i.id === h1[0]),
          `last ${n} digits`,
        );
        assert.equal(r.interpretedAs, '身份证号后几位');
      }
      assert.equal((await searchPersons(t.db, COUNTY, { q: '4305821302420002' }, county, page)).total, 2);
      assert.equal((await searchPersons(t.db, COUNTY, { householdNo: '43058213024' }, county, page)).total, 5);
      assert.equal((await searchPersons(t.db, COUNTY, { villageCode: VILLAGE_A1 }, county, page)).total, 3);
      assert.equal((await searchPersons(t.db, COUNTY, { townshipCode: TOWN_B }, county, page)).total, 2);
      assert.equal((await searchPersons(t.db, COUNTY, { townshipName: '竹田镇' }, county, page)).total, 5);
      assert.equal((await searchPersons(t.db, COUNTY, { status: '已核减' }, county, page)).total, 1);
      assert.equal((await searchPersons(t.db, COUNTY, { category: '原迁人口' }, county, page)).total, 0);
      // LIKE wildcards in the query are text, not patterns
      assert.equal((await searchPersons(t.db, COUNTY, { name: '%' }, county, page)).total, 0);
    });

    it('pages on the server with the total, head first', async () => {
      const p1 = await searchPersons(t.db, COUNTY, {}, county, { page: 1, pageSize: 3 });
      const p2 = await searchPersons(t.db, COUNTY, {}, county, { page: 2, pageSize: 3 });
      const p3 = await searchPersons(t.db, COUNTY, {}, county, { page: 3, pageSize: 3 });
      assert.equal(p1.total, 7);
      assert.deepEqual([p1.items.length, p2.items.length, p3.items.length], [3, 3, 1]);
      assert.equal(new Set([...p1.items, ...p2.items, ...p3.items].map((i) => i.id)).size, 7);
      assert.equal(p1.items[0].relation, '户主');
    });

    it('an 18-digit search box entry finds a household number too; counts stop at the cap', async () => {
      await insertHousehold(t.db, '430582130241000077', VILLAGE_A1, [{ name: '长编号', relation: '户主', birthDate: '1966-06-06' }]);
      const r = await searchPersons(t.db, COUNTY, { q: '430582130241000077' }, county, page);
      assert.deepEqual(
        r.items.map((i) => i.name),
        ['长编号'],
      );
      await sql`DELETE FROM persons WHERE household_no = '430582130241000077'`.execute(t.db);
      await sql`DELETE FROM households WHERE household_no = '430582130241000077'`.execute(t.db);
      const other: Viewer = { ...county, regionCode: '430581', countyCode: '430581' };
      await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, status)
        SELECT '430581', 'X' || g, 'I' || g, 'I' || g, false, '某' || g, '户主', '430581100200', '正常' FROM generate_series(1, ${COUNT_CAP + 1}) g`.execute(
        t.db,
      );
      const big = await searchPersons(t.db, '430581', {}, other, page);
      assert.equal(big.total, COUNT_CAP);
      assert.equal(big.totalCapped, true);
      const small = await searchPersons(t.db, '430581', { name: '某1000', nameMatch: 'exact' }, other, page);
      assert.deepEqual([small.total, small.totalCapped], [1, false]);
    });

    it('masks ID, account and phone; unmasking is audited and refused to a leader', async () => {
      const r = await searchPersons(t.db, COUNTY, { q: ID_HEAD }, county, page);
      assert.equal(r.masked, true);
      assert.equal(r.items[0].idNumber, ID_HEAD.slice(0, 6) + '********' + ID_HEAD.slice(-4));
      assert.equal(r.items[0].accountNo, '***************2208');
      assert.equal(r.items[0].phone, '156****9180');
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.search_unmasked'`.execute(t.db);
      const u = await searchPersons(t.db, COUNTY, { q: ID_HEAD, unmask: true }, county, page);
      assert.equal(u.items[0].idNumber, ID_HEAD);
      const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.search_unmasked'`.execute(t.db);
      assert.equal(after.rows[0].n, before.rows[0].n + 1);
      await assert.rejects(searchPersons(t.db, COUNTY, { q: ID_HEAD, unmask: true }, leader, page), (e) => code(e) === 'FORBIDDEN');
    });

    it('a township officer finds only persons of their township', async () => {
      assert.equal((await searchPersons(t.db, COUNTY, {}, townA, page)).total, 5);
      assert.equal((await searchPersons(t.db, COUNTY, { name: '李明', nameMatch: 'exact' }, townA, page)).total, 0);
      assert.equal((await searchPersons(t.db, COUNTY, { townshipCode: TOWN_B }, townA, page)).total, 0);
      await assert.rejects(searchPersons(t.db, '430581', {}, townA, page), (e) => code(e) === 'FORBIDDEN');
    });

    it('person page: household, account, default support end, unmasked view audited, scope enforced', async () => {
      const p = await getPersonPage(t.db, county, h1[0]);
      assert.equal(p.household.members.length, 3);
      assert.equal(p.support.end, '2026-06-30');
      assert.equal(p.support.endIsDefault, true);
      assert.equal(p.account!.accountNo, '***************2208');
      const u = await getPersonPage(t.db, townA, h1[0], { unmask: true });
      assert.equal(u.person.idNumber, ID_HEAD);
      const a = await sql<{ username: string }>`SELECT username FROM audit_log WHERE action = 'person.view_unmasked' AND entity_id = ${String(h1[0])}`.execute(
        t.db,
      );
      assert.deepEqual(
        a.rows.map((r) => r.username),
        ['竹田专干'],
      );
      await assert.rejects(getPersonPage(t.db, townB, h1[0]), (e) => code(e) === 'NOT_FOUND', 'outside the region: as if it did not exist');
      await assert.rejects(getPersonPage(t.db, county, 999999), (e) => code(e) === 'NOT_FOUND');
    });

    it('household page and region tree and figures, scoped', async () => {
      const h = await getHousehold(t.db, county, '4305821302410001');
      assert.equal(h.head!.name, '李明根');
      assert.equal(h.members.length, 3);
      await assert.rejects(getHousehold(t.db, townB, '4305821302410001'), (e) => code(e) === 'NOT_FOUND');
      const tree = await regionTree(t.db, county);
      assert.equal(tree.active, 6);
      assert.equal(tree.removed, 1);
      assert.deepEqual(
        tree.children.map((c) => c.code),
        [TOWN_B, TOWN_A],
      );
      const a = tree.children.find((c) => c.code === TOWN_A)!;
      assert.equal(a.name, '竹田镇');
      assert.equal(a.children.find((v) => v.code === VILLAGE_A1)!.name, '茶雁村');
      assert.equal(a.children.find((v) => v.code === VILLAGE_A2)!.removed, 1);
      const ta = await regionTree(t.db, townA);
      assert.deepEqual(
        ta.children.map((c) => c.code),
        [TOWN_A],
      );
      assert.equal(ta.active, 4);
      const f = await headlineFigures(t.db, county);
      assert.deepEqual([f.households, f.persons, f.active, f.removedThisYear], [3, 7, 6, 1]);
      const fb = await headlineFigures(t.db, townB);
      assert.deepEqual([fb.households, fb.persons, fb.active, fb.removedThisYear], [1, 2, 2, 0]);
    });

    it('核减: township enters for its own township only; county approves; applied and audited with before/after', async () => {
      await assert.rejects(
        createAdjustment(t.db, townB, { kind: 'remove', personIds: [h1[2]], reason: '死亡', effectiveDate: '2025-03-01', evidenceNote: '证明' }),
        (e) => code(e) === 'NOT_FOUND',
      );
      await assert.rejects(
        createAdjustment(t.db, townA, { kind: 'remove', personIds: [h1[2]], reason: '死亡' }),
        (e) => code(e) === 'VALIDATION' && /核减日期不能为空/.test((e as Error).message),
      );
      await assert.rejects(
        createAdjustment(t.db, townA, { kind: 'remove', personIds: [h1[2]], reason: '死亡', effectiveDate: '2025-03-01' }),
        (e) => code(e) === 'VALIDATION' && /核减须有佐证材料/.test((e as Error).message),
        'evidence before submitting',
      );
      const { adjustment: a } = await createAdjustment(t.db, townA, {
        kind: 'remove',
        personIds: [h1[2]],
        reason: '死亡',
        effectiveDate: '2025-03-01',
        evidenceNote: '死亡证明',
      });
      assert.equal(a.status, 'pending');
      // the same removal again (Enter twice, or a second officer): refused, and at the same moment only one passes
      await assert.rejects(
        createAdjustment(t.db, townA, { kind: 'remove', personIds: [h1[2]], reason: '死亡', effectiveDate: '2025-03-01', evidenceNote: '死亡证明' }),
        (e) => code(e) === 'CONFLICT' && /已有一项待审批的核减（调整\d+）/.test((e as Error).message),
      );
      await assert.rejects(
        createAdjustment(t.db, county, { kind: 'remove', personIds: [h1[2], h1[1]], reason: '死亡', effectiveDate: '2025-03-01', evidenceNote: '证明' }),
        (e) => code(e) === 'CONFLICT',
      );
      assert.equal(a.townshipCode, TOWN_A);
      await assert.rejects(approveAdjustment(t.db, townA, a.id), (e) => code(e) === 'FORBIDDEN');
      const f = await addAdjustmentFile(t.db, townA, a.id, { filename: '死亡证明.pdf', mime: 'application/pdf', content: Buffer.from('%PDF-1.4 test') });
      assert.match(f.sha256, /^[0-9a-f]{64}$/);
      await assert.rejects(getAdjustmentFile(t.db, townB, a.id, f.id), (e) => code(e) === 'NOT_FOUND');
      assert.equal((await getAdjustmentFile(t.db, county, a.id, f.id)).content.toString(), '%PDF-1.4 test');
      const r = await approveAdjustment(t.db, county, a.id, '同意');
      assert.equal(r.adjustment.status, 'approved');
      const p = await sql<{
        status: string;
        removal_date: string;
        removal_reason: string;
        version: number;
      }>`SELECT status, removal_date::text, removal_reason, version FROM persons WHERE id = ${h1[2]}`.execute(t.db);
      assert.deepEqual(p.rows[0], { status: '已核减', removal_date: '2025-03-01', removal_reason: '死亡', version: 2 });
      const audit = await sql<{
        before: any;
        after: any;
        detail: any;
        username: string;
      }>`SELECT before, after, detail, username FROM audit_log WHERE action = 'person.adjust' AND entity_id = ${String(h1[2])}`.execute(t.db);
      assert.equal(audit.rows.length, 1);
      assert.equal(audit.rows[0].before.status, '正常');
      assert.equal(audit.rows[0].after.status, '已核减');
      assert.equal(audit.rows[0].detail.adjustmentId, a.id);
      assert.equal(audit.rows[0].username, '县业务股');
      // the person's history tells who, when, what, why
      const page1 = await getPersonPage(t.db, county, h1[2]);
      const item = page1.history.find((x) => x.adjustmentId === a.id)!;
      assert.equal(item.who, '县业务股');
      assert.equal(item.why, '死亡');
      assert.match(item.what, /状态：正常 → 已核减/);
      await assert.rejects(approveAdjustment(t.db, county, a.id), (e) => code(e) === 'CONFLICT');
      assert.deepEqual((await verifyAuditChain(t.db)).ok, true);
    });

    it('return, edit and resubmit, then approve; withdraw', async () => {
      const { adjustment: a } = await createAdjustment(t.db, townA, { kind: 'update', personId: h1[1], changes: { name: '朱菊花' }, reason: '更正' });
      await assert.rejects(returnAdjustment(t.db, county, a.id, ' '), (e) => code(e) === 'VALIDATION');
      const ret = await returnAdjustment(t.db, county, a.id, '请附户口簿');
      assert.equal(ret.status, 'returned');
      assert.equal(ret.decisionNote, '请附户口簿');
      await assert.rejects(approveAdjustment(t.db, county, a.id), (e) => code(e) === 'CONFLICT');
      await assert.rejects(
        updateAdjustment(t.db, townB, a.id, { kind: 'update', personId: h1[1], changes: { name: '朱菊华' }, reason: '更正' }),
        (e) => code(e) === 'NOT_FOUND',
      );
      const { adjustment: b } = await updateAdjustment(t.db, townA, a.id, {
        kind: 'update',
        personId: h1[1],
        changes: { name: '朱菊华' },
        reason: '更正，附户口簿',
      });
      assert.equal(b.status, 'pending');
      await approveAdjustment(t.db, county, a.id);
      const n = await sql<{ name: string }>`SELECT name FROM persons WHERE id = ${h1[1]}`.execute(t.db);
      assert.equal(n.rows[0].name, '朱菊华');
      const { adjustment: c } = await createAdjustment(t.db, townA, { kind: 'update', personId: h1[1], changes: { phone: '13900000000' }, reason: '新号码' });
      assert.equal((await withdrawAdjustment(t.db, townA, c.id)).status, 'withdrawn');
      await assert.rejects(approveAdjustment(t.db, county, c.id), (e) => code(e) === 'CONFLICT');
    });

    it('concurrent approval of the same adjustment applies once', async () => {
      const { adjustment: a } = await createAdjustment(t.db, county2, {
        kind: 'update',
        personId: h2[0],
        changes: { phone: '13700000000' },
        reason: '更新电话',
      });
      const results = await Promise.allSettled([1, 2, 3].map(() => approveAdjustment(t.db, county, a.id)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal(code(r.reason), 'CONFLICT');
      const v = await sql<{ version: number }>`SELECT version FROM persons WHERE id = ${h2[0]}`.execute(t.db);
      assert.equal(v.rows[0].version, 2);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'adjustment.approve' AND entity_id = ${String(a.id)}`.execute(
        t.db,
      );
      assert.equal(n.rows[0].n, 1);
    });

    it('household changes apply: add a new household, split, change of head, move, merge', async () => {
      const newId = makeId('1990-10-10', 321);
      const { adjustment: add } = await createAdjustment(t.db, townA, {
        kind: 'add',
        householdNo: '4305821302420009',
        newHousehold: { villageCode: VILLAGE_A2, groupName: '3组' },
        persons: [
          {
            name: '周新',
            idNumber: newId,
            relation: '户主',
            supportStart: '2006-07-01',
            account: { accountNo: '6217000000000001', bankName: '农商银行', holderName: '周新' },
          },
        ],
        reason: '漏登',
      });
      const ra = await approveAdjustment(t.db, county, add.id);
      assert.equal(ra.personIds.length, 1);
      await assert.rejects(
        createAdjustment(t.db, townA, {
          kind: 'add',
          householdNo: '4305821302410001',
          persons: [{ name: '周新', idNumber: newId, relation: '其他', supportStart: '2006-07-01' }],
          reason: '再登',
        }),
        (e) => code(e) === 'VALIDATION' && /已在册/.test((e as Error).message),
      );

      const { adjustment: split } = await createAdjustment(t.db, townA, {
        kind: 'split',
        householdNo: '4305821302410001',
        personIds: [h1[2]],
        newHouseholdNo: '4305821302410011',
        newHeadId: h1[2],
        reason: '分户',
      });
      await approveAdjustment(t.db, county, split.id);
      const s = await getHousehold(t.db, county, '4305821302410011');
      assert.deepEqual(
        s.members.map((m) => [m.id, m.relation]),
        [[h1[2], '户主']],
      );

      const { adjustment: ch } = await createAdjustment(t.db, townA, {
        kind: 'change_head',
        householdNo: '4305821302410001',
        newHeadId: h1[1],
        oldHeadRelation: '配偶',
        reason: '户主年老',
      });
      await approveAdjustment(t.db, county, ch.id);
      assert.equal((await getHousehold(t.db, county, '4305821302410001')).head!.id, h1[1]);

      const { adjustment: mv } = await createAdjustment(t.db, townA, {
        kind: 'move',
        householdNo: '4305821302410011',
        villageCode: VILLAGE_A2,
        groupName: '5组',
        reason: '搬迁',
      });
      await approveAdjustment(t.db, county, mv.id);
      const moved = await getHousehold(t.db, county, '4305821302410011');
      assert.equal(moved.villageCode, VILLAGE_A2);
      assert.equal(moved.members[0].villageCode, VILLAGE_A2);
      assert.equal(moved.members[0].groupName, '5组');
      // a township officer cannot move a household into another township
      await assert.rejects(
        createAdjustment(t.db, townA, { kind: 'move', householdNo: '4305821302410011', villageCode: VILLAGE_B1, reason: '搬迁' }),
        (e) => code(e) === 'FORBIDDEN',
      );

      const { adjustment: mg } = await createAdjustment(t.db, townA, {
        kind: 'merge',
        householdNo: '4305821302410011',
        intoHouseholdNo: '4305821302420002',
        relations: { [h1[2]]: '其他' },
        reason: '并户',
      });
      await approveAdjustment(t.db, county, mg.id);
      await assert.rejects(getHousehold(t.db, county, '4305821302410011'), (e) => code(e) === 'NOT_FOUND');
      assert.equal((await getHousehold(t.db, county, '4305821302420002')).members.length, 3);
      const hh = await getHousehold(t.db, county, '4305821302420002');
      const mergeLine = hh.history.find((x) => x.adjustmentId === mg.id)!;
      assert.match(mergeLine.what, /户4305821302410011并入户4305821302420002/);
      assert.match(mergeLine.who, /竹田专干录入，县业务股批准/);
      assert.deepEqual((await verifyAuditChain(t.db)).ok, true);
    });

    it('create and approve in one caller transaction (as the cross-check does); a failure rolls both back', async () => {
      const before = (await listAdjustments(t.db, county, {})).total;
      const id = await t.db.transaction().execute(async (trx) => {
        const { adjustment } = await createAdjustment(trx, county2, {
          kind: 'remove',
          personIds: [hb[1]],
          reason: '重复登记',
          effectiveDate: '2024-12-31',
          evidenceNote: '交叉核对：重复登记',
        });
        await approveAdjustment(trx, county, adjustment.id);
        return adjustment.id;
      });
      assert.equal((await getAdjustment(t.db, county, id)).adjustment.status, 'approved');
      await assert.rejects(
        t.db.transaction().execute(async (trx) => {
          const { adjustment } = await createAdjustment(trx, county2, { kind: 'update', personId: hb[0], changes: { phone: '13100000000' }, reason: '新号码' });
          await approveAdjustment(trx, county2, adjustment.id); // the one who entered it: refused
        }),
        (e) => code(e) === 'FORBIDDEN',
      );
      assert.equal((await listAdjustments(t.db, county, {})).total, before + 1);
      const p = await sql<{ status: string }>`SELECT status FROM persons WHERE id = ${hb[0]}`.execute(t.db);
      assert.equal(p.rows[0].status, '正常');
    });

    it('核增 of a person removed from the same household restores them', async () => {
      const row = await sql<{ id_number: string }>`SELECT id_number FROM persons WHERE id = ${hb[1]}`.execute(t.db);
      const { adjustment, warnings } = await createAdjustment(t.db, townB, {
        kind: 'add',
        householdNo: '4305821012010003',
        persons: [{ name: '李小明', idNumber: row.rows[0].id_number, relation: '子', supportStart: '2006-07-01' }],
        reason: '误减恢复',
      });
      assert.match(warnings.join(), /恢复为正常/);
      await approveAdjustment(t.db, county, adjustment.id);
      const p = await sql<{
        status: string;
        removal_reason: string | null;
        n: number;
      }>`SELECT status, removal_reason, (SELECT count(*)::int FROM persons WHERE household_no = '4305821012010003') AS n FROM persons WHERE id = ${hb[1]}`.execute(
        t.db,
      );
      assert.deepEqual(p.rows[0], { status: '正常', removal_reason: null, n: 2 });
    });

    it('lists adjustments by filter, scoped to the township; detail is hidden from another township', async () => {
      const all = await listAdjustments(t.db, county, {});
      assert.ok(all.total >= 8);
      const approved = await listAdjustments(t.db, county, { status: 'approved', kind: 'remove' });
      assert.ok(approved.items.every((a) => a.status === 'approved' && a.kind === 'remove'));
      const seenByB = await listAdjustments(t.db, townB, {});
      assert.equal(seenByB.total, 2);
      assert.deepEqual(
        seenByB.items.map((a) => a.townshipCode),
        [TOWN_B, TOWN_B],
      );
      assert.equal((await listAdjustments(t.db, townA, { townshipCode: TOWN_A })).total, (await listAdjustments(t.db, townA, {})).total);
      const one = all.items.find((a) => a.townshipCode === TOWN_A)!;
      await assert.rejects(getAdjustment(t.db, townB, one.id), (e) => code(e) === 'NOT_FOUND');
      const d = await getAdjustment(t.db, county, one.id);
      assert.equal(d.adjustment.id, one.id);
    });
  });
}
