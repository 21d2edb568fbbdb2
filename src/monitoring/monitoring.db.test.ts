// The monitoring workflow on both engines: identification, risks, measures, removal with its
// refusals, figures against the list, campaigns and department alerts, masking and audit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { todayIso } from '../shared/dates.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { loadDemoCounty, streamRosterForCheck } from '../registry/index.ts';
import type { SessionUser } from '../auth/index.ts';
import * as svc from './household.service.ts';
import { createCampaign, recordVisit, clearSurveyProblem } from './survey.service.ts';
import { importAlerts, decideAlert } from './alert.service.ts';
import { listView, householdPageView, figuresView, campaignBoardView, problemsView, targetsView, alertsView } from './views.ts';
import { REQUIRED_CONDITIONS } from './codes.ts';
import { synthId } from './synth.ts';

const C = '430582';
const u = (id: number, role: SessionUser['role'], regionCode: string): SessionUser => ({
  id,
  username: `u${id}`,
  displayName: `u${id}`,
  role,
  regionCode,
  countyCode: C,
  mustChangePassword: false,
});
const refusal = (code: string) => (e: { details?: { refusal?: string } }) => e.details?.refusal === code;
const TODAY = todayIso();
const YEAR = Number(TODAY.slice(0, 4));

for (const engine of await testEngines()) {
  describe(`防返贫监测（${engine}）`, () => {
    let t: TestDatabase;
    let village: string, township: string, otherTownship: string;
    let support: { idNumber: string; name: string; householdNo: string }[];
    let enterer: SessionUser, townReviewer: SessionUser, county: SessionUser, county2: SessionUser, leader: SessionUser, outsider: SessionUser;
    const member = (k: number, relation = '户主') => ({
      name: `成员${k}`,
      idNumber: synthId(C, 900_000 + k),
      relation,
      phone: '13800001234',
      healthNote: '高血压',
    });
    const base = () => ({
      villageCode: village,
      category: 'edge' as const,
      identifiedOn: `${YEAR}-01-05`,
      identifiedHow: 'screening' as const,
      responsibleName: '刘干部',
    });

    before(async () => {
      t = await createTestDatabase(engine);
      await loadDemoCounty({ database: t }, { persons: 120, seed: 5, countyCode: C });
      const rows: { idNumber: string; name: string; householdNo: string; villageCode: string; status: string }[] = [];
      for await (const chunk of streamRosterForCheck(t.db, C)) rows.push(...chunk);
      village = rows[0].villageCode;
      township = village.slice(0, 9);
      otherTownship = rows.find((r) => !r.villageCode.startsWith(township))?.villageCode.slice(0, 9) ?? C + '999';
      support = rows.filter((r) => r.villageCode === village && r.status === '正常');
      enterer = u(11, 'township', township);
      townReviewer = u(12, 'township', township);
      county = u(13, 'county', C);
      county2 = u(14, 'rural', C);
      leader = u(15, 'leader', C);
      outsider = u(16, 'township', otherTownship);
    });
    after(async () => {
      await t.drop();
    });

    it('identifies a household, refusing bad members and other townships', async () => {
      await assert.rejects(svc.identifyHousehold(t.db, outsider, { ...base(), members: [member(1)], risks: [{ riskType: 'illness' }] }), { code: 'FORBIDDEN' });
      await assert.rejects(svc.identifyHousehold(t.db, leader, { ...base(), members: [member(1)], risks: [{ riskType: 'illness' }] }), { code: 'FORBIDDEN' });
      await assert.rejects(
        svc.identifyHousehold(t.db, enterer, {
          ...base(),
          members: [member(1), { ...member(2), idNumber: '430582199901011234' }],
          risks: [{ riskType: 'illness' }],
        }),
        /身份证号无效/,
      );
      await assert.rejects(svc.identifyHousehold(t.db, enterer, { ...base(), members: [member(1), member(2)], risks: [{ riskType: 'illness' }] }), /多个户主/);
      const id = await svc.identifyHousehold(t.db, enterer, {
        ...base(),
        members: [member(1), member(2, '配偶'), { name: support[0].name, idNumber: support[0].idNumber, relation: '子' }],
        risks: [{ riskType: 'illness', note: '大病住院' }],
      });
      assert.ok(id > 0);
      await assert.rejects(svc.identifyHousehold(t.db, enterer, { ...base(), members: [member(1)], risks: [{ riskType: 'illness' }] }), /已是监测对象/);
      const page = await householdPageView(t.db, enterer, id, undefined);
      assert.equal(page.members.length, 3);
      assert.equal(page.masked, true);
      assert.match(page.members[0].idNumber, /\*{8}/);
      assert.equal(page.members[0].healthNote, '（已遮蔽）');
      assert.equal(page.members[2].support?.householdNo, support[0].householdNo, 'linked to the post-support register by ID');
      assert.equal(page.loans.available, false);
      await assert.rejects(householdPageView(t.db, leader, id, '1'), { code: 'FORBIDDEN' });
      await assert.rejects(householdPageView(t.db, outsider, id, undefined), { code: 'NOT_FOUND' });
      const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'monitored_household.view_unmasked'`.execute(t.db))
        .rows[0].n;
      const open = await householdPageView(t.db, county, id, '1');
      assert.equal(open.members[0].healthNote, '高血压');
      assert.equal(open.members[0].idNumber, member(1).idNumber);
      const after = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'monitored_household.view_unmasked'`.execute(t.db))
        .rows[0].n;
      assert.equal(after, before + 1);
    });

    it('removes a risk only with conditions, income over the line and township then county approval by different people', async () => {
      const hid = await svc.identifyHousehold(t.db, enterer, { ...base(), members: [member(10)], risks: [{ riskType: 'employment' }] });
      const risk = (await householdPageView(t.db, enterer, hid, undefined)).risks[0].id;
      await svc.addMeasure(t.db, enterer, hid, {
        riskId: risk,
        measureType: 'employment',
        description: '公益性岗位',
        startOn: `${YEAR}-01-10`,
        amountFen: 120_000,
      });
      const req = { removalDate: TODAY, conditions: [...REQUIRED_CONDITIONS], note: '入户核实务工稳定' };
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, { ...req, conditions: [] }), refusal('NO_CONDITIONS'));
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, { ...req, conditions: ['basics_secured'] }), refusal('MISSING_CONDITION'));
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, req), refusal('NO_INCOME'));
      await svc.recordIncome(t.db, enterer, hid, YEAR, 650_000);
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, req), refusal('NO_LINE'));
      await assert.rejects(svc.setMonitoringLine(t.db, enterer, YEAR, 700_000), { code: 'FORBIDDEN' });
      await svc.setMonitoringLine(t.db, county, YEAR, 700_000);
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, req), refusal('INCOME_BELOW_LINE'));
      await svc.recordIncome(t.db, enterer, hid, YEAR, 720_000);
      await assert.rejects(svc.approveRiskRemoval(t.db, townReviewer, risk, 'township'), refusal('NOT_PENDING_TOWNSHIP'));
      await svc.requestRiskRemoval(t.db, enterer, risk, req);
      await assert.rejects(svc.requestRiskRemoval(t.db, enterer, risk, req), refusal('NOT_ACTIVE'));
      await assert.rejects(svc.approveRiskRemoval(t.db, county, risk, 'county'), refusal('NOT_PENDING_COUNTY'));
      await assert.rejects(svc.approveRiskRemoval(t.db, enterer, risk, 'township'), refusal('SELF_APPROVAL'));
      await assert.rejects(svc.approveRiskRemoval(t.db, county, risk, 'township'), refusal('NOT_TOWNSHIP_USER'));
      await assert.rejects(svc.approveRiskRemoval(t.db, outsider, risk, 'township'), { code: 'NOT_FOUND' });
      // nor can the database be talked into it: the row checks refuse a removal without both approvals
      await assert.rejects(sql`UPDATE monitored_risks SET state = 'removed' WHERE county_code = ${C} AND id = ${risk}`.execute(t.db));
      await svc.approveRiskRemoval(t.db, townReviewer, risk, 'township');
      await assert.rejects(svc.approveRiskRemoval(t.db, townReviewer, risk, 'county'), refusal('NOT_COUNTY_USER'));
      await assert.rejects(svc.approveRiskRemoval(t.db, u(12, 'county', C), risk, 'county'), refusal('SAME_APPROVER'));
      await assert.rejects(svc.approveRiskRemoval(t.db, u(11, 'county', C), risk, 'county'), refusal('SELF_APPROVAL'));
      const r = await svc.approveRiskRemoval(t.db, county, risk, 'county');
      assert.equal(r.householdStatus, 'removed');
      const page = await householdPageView(t.db, enterer, hid, undefined);
      assert.equal(page.household.status, 'removed');
      assert.equal(page.household.removedOn, TODAY);
      assert.deepEqual([page.risks[0].requestedBy, page.risks[0].townshipBy, page.risks[0].countyBy], [11, 12, 13]);
      assert.ok(page.timeline.some((x) => x.kind === 'removed'));
      const actions = (
        await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity_type = 'monitored_risk' AND entity_id = ${String(risk)} ORDER BY seq`.execute(
          t.db,
        )
      ).rows.map((x) => x.action);
      assert.deepEqual(actions, ['monitored_risk.request_removal', 'monitored_risk.approve_township', 'monitored_risk.approve_county']);
      // a new risk brings it back under monitoring
      await svc.addRisk(t.db, enterer, hid, { riskType: 'illness', identifiedOn: TODAY });
      assert.equal((await householdPageView(t.db, enterer, hid, undefined)).household.status, 'monitoring');
    });

    it('a returned request goes back to active with its reason', async () => {
      const hid = await svc.identifyHousehold(t.db, enterer, {
        ...base(),
        members: [member(20)],
        risks: [{ riskType: 'housing' }],
        incomeYear: YEAR,
        incomeFen: 800_000,
      });
      const risk = (await householdPageView(t.db, enterer, hid, undefined)).risks[0].id;
      await svc.requestRiskRemoval(t.db, enterer, risk, { removalDate: TODAY, conditions: [...REQUIRED_CONDITIONS], note: '危房已改造' });
      await assert.rejects(svc.returnRiskRemoval(t.db, townReviewer, risk, ''), refusal('NO_RETURN_REASON'));
      await svc.returnRiskRemoval(t.db, townReviewer, risk, '缺少验收照片');
      const r = (await householdPageView(t.db, enterer, hid, undefined)).risks[0];
      assert.deepEqual([r.state, r.returnedNote, r.removalDate], ['active', '缺少验收照片', null]);
    });

    it('figures drill to the list', async () => {
      const f = await figuresView(t.db, county, `${YEAR}-01-01`, TODAY);
      for (const x of [f.monitoring, f.identified, f.removed, ...f.byCategory, ...f.byRisk, ...f.byTownship.flatMap((t) => [t.monitoring, t.removed])]) {
        const l = await listView(t.db, county, { ...x.drill, page: 1, pageSize: 500 });
        assert.deepEqual([l.total, l.people], [x.households, x.people], x.label);
      }
      assert.equal(f.removed.households, 0, 'the removed household came back with a new risk');
      assert.equal(f.identified.households, 3);
      assert.equal((await figuresView(t.db, outsider, `${YEAR}-01-01`, TODAY)).monitoring.households, 0);
    });

    it('a campaign lists monitored and post-support households, records visits, raises and clears problems', async () => {
      const id = await createCampaign(t.db, county, { name: `${YEAR}年全面排查`, startOn: `${YEAR}-01-01`, endOn: `${YEAR}-12-31`, villages: [village] });
      const targets = (await targetsView(t.db, county, id, village)).targets;
      assert.equal(targets.filter((x) => x.kind === 'monitored').length, 3);
      assert.ok(
        !targets.some((x) => x.kind === 'support' && x.supportHouseholdNo === support[0].householdNo),
        'a post-support household already monitored is listed once',
      );
      assert.ok(targets.some((x) => x.kind === 'support'));
      const ok = { ok: true };
      const findings = { food: ok, clothing: ok, schooling: ok, medical: ok, housing: { ok: false, note: '墙体开裂' }, water: ok };
      await assert.rejects(
        recordVisit(t.db, enterer, targets[0].id, { visitedOn: TODAY, visitor: '刘干部', findings: { ...findings, water: { ok: false } } }),
        /须说明情况/,
      );
      await assert.rejects(recordVisit(t.db, outsider, targets[0].id, { visitedOn: TODAY, visitor: '刘干部', findings }), { code: 'NOT_FOUND' });
      const v = await recordVisit(t.db, enterer, targets[0].id, { visitedOn: TODAY, visitor: '刘干部', findings, problemOwner: '住建站王站长' });
      assert.equal(v.problemIds.length, 1);
      let board = await campaignBoardView(t.db, county, id);
      assert.deepEqual([board.totals.targets, board.totals.visited, board.totals.problems, board.totals.openProblems], [targets.length, 1, 1, 1]);
      const p = (await problemsView(t.db, enterer, id, 'open')).problems[0];
      assert.deepEqual([p.owner, p.itemName], ['住建站王站长', '住房安全有保障']);
      await assert.rejects(clearSurveyProblem(t.db, enterer, p.id, { clearedOn: TODAY, note: '' }), /整改情况/);
      await clearSurveyProblem(t.db, enterer, p.id, { clearedOn: TODAY, note: '已维修加固' });
      await assert.rejects(clearSurveyProblem(t.db, enterer, p.id, { clearedOn: TODAY, note: '再次' }), { code: 'CONFLICT' });
      board = await campaignBoardView(t.db, county, id);
      assert.equal(board.totals.openProblems, 0);
      const page = await householdPageView(
        t.db,
        county,
        targets.find((x) => x.kind === 'monitored' && x.id === targets[0].id)?.monitoredHouseholdId ?? 1,
        undefined,
      );
      assert.ok(page.visits.length >= (targets[0].kind === 'monitored' ? 1 : 0));
    });

    it('imports an alert file once, matches it, and closes alerts by decisions', async () => {
      const monitoredId = member(1).idNumber;
      const fresh = synthId(C, 950_000);
      const other = support.find((p) => p.householdNo !== support[0].householdNo)!;
      const csv =
        '身份证号,姓名,预警类型,金额,日期,说明\n' +
        `${monitoredId},成员1,高额医疗费用,"23,000.00",${YEAR}-01-20,住院自付\n` +
        `${other.idNumber},${other.name},危房,,${YEAR}-01-21,D级\n` +
        `${fresh},新人,辍学,,${YEAR}-01-22,\n` +
        `123,坏人,辍学,,,\n`;
      await assert.rejects(importAlerts(t.db, enterer, { filename: 'a.csv', content: Buffer.from(csv), source: 'education' }), { code: 'FORBIDDEN' });
      const r = await importAlerts(t.db, county, { filename: 'a.csv', content: Buffer.from(csv), source: 'education' });
      assert.deepEqual([r.rows, r.accepted, r.rejected, r.matched], [4, 3, 1, { monitored: 1, support: 1, none: 1 }]);
      assert.deepEqual(
        r.problems.map((p) => [p.rowNumber, p.column]),
        [[5, '身份证号']],
      );
      const again = await importAlerts(t.db, county, { filename: 'a.csv', content: Buffer.from(csv), source: 'education' });
      assert.equal(again.duplicate, true);
      const list = await alertsView(t.db, county, { page: 1, pageSize: 50 });
      assert.equal(list.total, 3);
      assert.equal(list.masked, true);
      const byKind = Object.fromEntries(list.items.map((a) => [a.matchKind, a]));
      assert.match(byKind.monitored.evidence, /已有“因病”风险/);
      assert.equal((await alertsView(t.db, enterer, { page: 1, pageSize: 50 })).total, 2, 'the township sees the alerts of its villages only');
      await assert.rejects(decideAlert(t.db, enterer, byKind.none.id, { decision: 'exclude', reason: '' }), /理由/);
      await assert.rejects(decideAlert(t.db, enterer, byKind.none.id, { decision: 'exclude', reason: '非本县' }), { code: 'NOT_FOUND' });
      await decideAlert(t.db, county, byKind.none.id, { decision: 'exclude', reason: '非本县户籍' });
      await assert.rejects(decideAlert(t.db, county, byKind.none.id, { decision: 'exclude', reason: '再次' }), { code: 'CONFLICT' });
      const inc = await decideAlert(t.db, enterer, byKind.support.id, {
        decision: 'include',
        reason: '入户核实属实',
        category: 'sudden',
        responsibleName: '刘干部',
      });
      const page = await householdPageView(t.db, county, inc.householdId!, '1');
      assert.equal(page.household.identifiedHow, 'alert');
      assert.ok(
        page.members.some((m) => m.idNumber === other.idNumber),
        'members taken from the post-support household',
      );
      assert.deepEqual(
        page.risks.map((x) => x.riskType),
        ['housing'],
      );
      assert.equal(page.alerts.length, 1);
      const m = await decideAlert(t.db, enterer, byKind.monitored.id, { decision: 'include', reason: '已在帮扶' });
      assert.ok(m.householdId);
      const counts = (await alertsView(t.db, county, { page: 1, pageSize: 50, status: 'open' })).total;
      assert.equal(counts, 0);
    });
  });
}
