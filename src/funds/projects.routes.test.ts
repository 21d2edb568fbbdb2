// The project life cycle over HTTP on both engines: a township officer enters every stage with
// its documents, the county approves (never the enterer), the ledger dates follow, documents are
// stored once per hash and previewed, progress and 整改 work, and region and unit scope hold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEngines } from '../shared/db/testing.ts';
import { startTestApp, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { todayIso, addDays } from '../shared/dates.ts';
import { submit, approvePending, upload, PNG_1x1 } from './projects.testkit.ts';
import { alerts, lifecycleForDispatch } from './projects.service.ts';
import { ratesFromDb } from './rates-db.ts';

const C = '430582',
  TA = '430582101',
  TB = '430582102';
const VA = TA + '201';
const today = todayIso();
const day = (n: number) => addDays(today, n - 200);

const newProject = (projectNo: string, villageCode = VA, extra: Record<string, unknown> = {}) => ({
  projectNo,
  name: `${projectNo}村道硬化`,
  year: 2026,
  villageCode,
  category: '基础设施',
  plannedFen: 1_000_000_00,
  unit: '县交通运输局',
  supervisingUnit: '县移民中心',
  leader: '王副县长',
  ...extra,
});
const library = {
  stage: 'library' as const,
  library: {
    villageCode: VA,
    category: '基础设施',
    keyVillage: true,
    households: 40,
    persons: 150,
    supportPersons: 120,
    supportFundFen: 800_000_00,
    countyMatchFen: 150_000_00,
    selfRaisedFen: 50_000_00,
  },
};

for (const engine of await testEngines()) {
  describe(`project routes (${engine})`, () => {
    let h: TestApp;
    let county: Headers, county2: Headers, townA: Headers, townB: Headers, unitT: Headers, unitX: Headers, leader: Headers;
    let countyId = 0;
    const urlOf = (no: string) => `/api/funds/projects/${encodeURIComponent(no)}`;

    before(async () => {
      h = await startTestApp(engine);
      const { app, ctx } = h;
      await sql`INSERT INTO counties (code, name) VALUES (${C}, '安化县') ON CONFLICT DO NOTHING`.execute(h.t.db);
      await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES (${TA}, ${C}, 'township', ${C}, '东坪镇'), (${VA}, ${C}, 'village', ${TA}, '黄沙坪村')`.execute(
        h.t.db,
      );
      const c = await loginAs(app, ctx, { role: 'county', regionCode: C });
      county = c.headers;
      countyId = c.user.id;
      county2 = (await loginAs(app, ctx, { role: 'county', regionCode: C })).headers;
      townA = (await loginAs(app, ctx, { role: 'township', regionCode: TA })).headers;
      townB = (await loginAs(app, ctx, { role: 'township', regionCode: TB })).headers;
      unitT = (await loginAs(app, ctx, { role: 'unit', regionCode: C, unit: '县交通运输局' })).headers;
      unitX = (await loginAs(app, ctx, { role: 'unit', regionCode: C, unit: '县水利局' })).headers;
      leader = (await loginAs(app, ctx, { role: 'leader', regionCode: C })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('walks a project from 新建 through 入库 to 绩效评价, entered by the township, approved by the county', async () => {
      const c = await h.call('POST', '/api/funds/projects', townA, newProject('XM-1'));
      assert.equal(c.statusCode, 201, c.body);
      assert.equal(c.json().stage, null);
      assert.equal(c.json().townshipName, '东坪镇');
      assert.deepEqual(c.json().nextDocs, { default: ['项目申报书', '村民代表会议决议'] });
      // not in the library: no 立项 yet
      const early = await h.call('POST', `${urlOf('XM-1')}/stages`, townA, {
        data: { stage: 'approval', docNo: 'x' },
        date: day(1),
        documentIds: [await upload(h, townA, 'XM-1', '立项批复文件')],
      });
      assert.equal(early.statusCode, 400);
      assert.match(early.json().error.message, /未入库，不能立项批复/);
      // documents are required
      const nodocs = await h.call('POST', `${urlOf('XM-1')}/stages`, townA, { data: library, date: day(1), documentIds: [] });
      assert.match(nodocs.json().error.message, /缺少材料：项目申报书、村民代表会议决议/);
      // the sources must sum to the plan
      const badSum = await h.call('POST', `${urlOf('XM-1')}/stages`, townA, {
        data: { ...library, library: { ...library.library, selfRaisedFen: 1 } },
        date: day(1),
        documentIds: [],
      });
      assert.match(badSum.json().error.message, /资金来源合计/);

      await submit(h, townA, 'XM-1', library, day(1));
      // the enterer cannot approve (a township cannot at all; a county enterer neither)
      assert.equal((await approvePending(h, townA, 'XM-1', 403)).error.code, 'FORBIDDEN');
      const p1 = await approvePending(h, county, 'XM-1');
      assert.equal(p1.stage, 'library');
      assert.equal(p1.profile.supportPersons, 120);

      await submit(h, county, 'XM-1', { stage: 'approval', docNo: '安移发〔2026〕8号' }, day(5));
      assert.match((await approvePending(h, county, 'XM-1', 403)).error.message, /录入人不能审批/);
      await approvePending(h, county2, 'XM-1');
      const before = await ratesFromDb(h.t.db, C, 'project', null); // fills the in-memory ledger
      assert.equal(before.rows.find((r) => r[0] === 'XM-1')?.[before.headers.indexOf('开工数')], '0');
      for (const [i, data] of ([{ stage: 'design' }, { stage: 'procurement', mode: 'self_build' }, { stage: 'started' }] as const).entries()) {
        await submit(h, townA, 'XM-1', data, day(10 + i * 10));
        await approvePending(h, county, 'XM-1');
      }
      let ledger =
        await sql<any>`SELECT started_on::text AS s, completed_on::text AS c, accepted_on::text AS a FROM fund_projects WHERE project_no = 'XM-1'`.execute(
          h.t.db,
        );
      assert.deepEqual(ledger.rows[0], { s: day(30), c: null, a: null });

      // the rate tables (cached in memory by the ledger's change counter) count the 开工 at once
      const rates = await ratesFromDb(h.t.db, C, 'project', null);
      const col = rates.headers.indexOf('开工数');
      assert.equal(rates.rows.find((r) => r[0] === 'XM-1')?.[col], '1');
      // progress by month, with a photo
      const photo = await upload(h, unitT, 'XM-1', '进度照片', PNG_1x1, '现场.png', 'image/png');
      const month = today.slice(0, 7);
      const g1 = await h.call('POST', `${urlOf('XM-1')}/progress`, unitT, { month, percent: 60, problems: '雨季影响', documentIds: [photo] });
      assert.equal(g1.statusCode, 201, g1.body);
      assert.equal(g1.json().progress[0].photos[0].previewable, true);
      assert.equal((await h.call('POST', `${urlOf('XM-1')}/progress`, unitT, { month, percent: 100 })).statusCode, 409);
      const img = await h.call('GET', `${urlOf('XM-1')}/documents/${photo}`, leader);
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/png');
      assert.match(String(img.headers['content-disposition']), /^inline/);
      assert.deepEqual(img.rawPayload, PNG_1x1);
      // 完工 needs 100%
      const notDone = await h.call('POST', `${urlOf('XM-1')}/stages`, townA, { data: { stage: 'completed' }, date: day(150), documentIds: [] });
      assert.match(notDone.json().error.message, /进度100%/);
      await h.t.db.executeQuery(sql`UPDATE project_progress SET percent = 100 WHERE project_no = 'XM-1'`.compile(h.t.db));
      await submit(h, townA, 'XM-1', { stage: 'completed' }, day(150));
      await approvePending(h, county, 'XM-1');
      await submit(
        h,
        townA,
        'XM-1',
        { stage: 'accepted', group: '县移民中心、县财政局、县交通局', conclusion: '限期整改', rectifications: [{ item: '排水沟补砌', deadline: day(190) }] },
        day(160),
      );
      const acc = await approvePending(h, county, 'XM-1');
      assert.equal(acc.rectifications.length, 1);
      ledger =
        await sql<any>`SELECT started_on::text AS s, completed_on::text AS c, accepted_on::text AS a FROM fund_projects WHERE project_no = 'XM-1'`.execute(
          h.t.db,
        );
      assert.deepEqual(ledger.rows[0], { s: day(30), c: day(150), a: day(160) });

      // handover waits for the 整改 item, which is closed with its material
      const blocked = await h.call('POST', `${urlOf('XM-1')}/stages`, townA, {
        data: { stage: 'handover', keeper: '黄沙坪村委会' },
        date: day(170),
        documentIds: [await upload(h, townA, 'XM-1', '资产移交书')],
      });
      assert.match(blocked.json().error.message, /整改未完成/);
      const rid = acc.rectifications[0].id;
      const noDoc = await h.call('POST', `${urlOf('XM-1')}/rectifications/${rid}/close`, county, { closedOn: day(165), note: '已补砌', documentIds: [] });
      assert.match(noDoc.json().error.message, /整改材料/);
      const closed = await h.call('POST', `${urlOf('XM-1')}/rectifications/${rid}/close`, county, {
        closedOn: day(165),
        note: '已补砌',
        documentIds: [await upload(h, townA, 'XM-1', '整改材料')],
      });
      assert.equal(closed.statusCode, 200, closed.body);
      await submit(h, townA, 'XM-1', { stage: 'handover', keeper: '黄沙坪村委会' }, day(170));
      await approvePending(h, county, 'XM-1');
      await submit(h, townA, 'XM-1', { stage: 'evaluated', grade: '良', score: 86 }, day(180));
      const done = await approvePending(h, county, 'XM-1');
      assert.equal(done.stage, 'evaluated');
      assert.equal(done.nextStage, null);
      assert.equal(done.stages.filter((s: { status: string }) => s.status === 'approved').length, 9);
      assert.ok(done.stages.every((s: { documents: unknown[] }) => s.documents.length > 0));
      // the audit log has every transition and its chain holds
      const audit =
        await sql<any>`SELECT action, count(*)::int AS n FROM audit_log WHERE entity_type = 'project' AND entity_id = 'XM-1' GROUP BY action`.execute(h.t.db);
      const n = Object.fromEntries(audit.rows.map((r) => [r.action, r.n]));
      assert.equal(n['project.stage_submit'], 9);
      assert.equal(n['project.stage_approve'], 9);
      assert.equal(n['project.create'], 1);
      assert.ok((await verifyAuditChain(h.t.db)).ok);
      // the dispatch reads the life cycle as of a day, the same later as then
      assert.deepEqual((await lifecycleForDispatch(h.t.db, C, today)).get('XM-1'), { progressPct: 100, stage: '绩效评价', problems: '', nextStep: '后续管护' });
      assert.deepEqual((await lifecycleForDispatch(h.t.db, C, day(100))).get('XM-1'), {
        progressPct: 0,
        stage: '开工',
        problems: '',
        nextStep: '加快施工进度',
      });
      assert.equal((await lifecycleForDispatch(h.t.db, C, day(0))).get('XM-1')?.stage, '未入库');
    });

    it('a returned stage is re-entered with the same documents; the database refuses an enterer approving', async () => {
      await h.call('POST', '/api/funds/projects', county, newProject('XM-2'));
      const s = await submit(h, townA, 'XM-2', library, day(1));
      const pending = s.stages.at(-1);
      assert.equal((await h.call('POST', `${urlOf('XM-2')}/stages/${pending.id}/return`, county, { note: '' })).statusCode, 400);
      const back = await h.call('POST', `${urlOf('XM-2')}/stages/${pending.id}/return`, county, { note: '受益人数有误' });
      assert.equal(back.json().stages.at(-1).status, 'returned');
      const again = await h.call('POST', `${urlOf('XM-2')}/stages`, townA, {
        data: library,
        date: day(2),
        documentIds: pending.documents.map((d: { id: number }) => d.id),
      });
      assert.equal(again.statusCode, 201, again.body);
      // beneath the service: a row approved by its enterer is refused by the table itself
      const row = again.json().stages.at(-1);
      await assert.rejects(
        sql`UPDATE project_stages SET status = 'approved', decided_by = entered_by, decided_at = now() WHERE id = ${row.id}`.execute(h.t.db),
      );
      // the same bytes are stored once
      const a = await upload(h, townA, 'XM-2', '其他', Buffer.from('same bytes'));
      const b = await upload(h, townA, 'XM-2', '其他', Buffer.from('same bytes'));
      assert.notEqual(a, b);
      const files = await sql<any>`SELECT count(DISTINCT file_id)::int AS n FROM project_documents WHERE id IN (${a}, ${b})`.execute(h.t.db);
      assert.equal(files.rows[0].n, 1);
    });

    it('scopes by region and by unit', async () => {
      await h.call('POST', '/api/funds/projects', county, newProject('XM-B', TB + '201', { unit: '县水利局', supervisingUnit: '县水利局' }));
      const noA = (await h.call('GET', '/api/funds/projects', townA)).json().items.map((i: { projectNo: string }) => i.projectNo);
      assert.ok(!noA.includes('XM-B') && noA.includes('XM-1'));
      assert.equal((await h.call('GET', urlOf('XM-B'), townA)).statusCode, 404);
      assert.equal((await h.call('GET', urlOf('XM-1'), townB)).statusCode, 404);
      assert.equal((await h.call('POST', '/api/funds/projects', townB, newProject('XM-Z', VA))).statusCode, 403);
      const mine = (await h.call('GET', '/api/funds/projects', unitT)).json().items.map((i: { projectNo: string }) => i.projectNo);
      assert.deepEqual(mine.sort(), ['XM-1', 'XM-2']);
      assert.deepEqual(
        (await h.call('GET', '/api/funds/projects', unitX)).json().items.map((i: { projectNo: string }) => i.projectNo),
        ['XM-B'],
      );
      assert.equal((await h.call('GET', urlOf('XM-1'), unitX)).statusCode, 404);
      assert.equal((await h.call('GET', '/api/funds/projects?township=' + TB, county)).json().total, 1);
      assert.deepEqual(
        (await h.call('GET', '/api/funds/projects?stage=none', county)).json().items.map((i: { projectNo: string }) => i.projectNo),
        ['XM-2', 'XM-B'],
      );
      assert.equal((await h.call('GET', '/api/funds/projects?flag=pending', county)).json().items[0].projectNo, 'XM-2');
      // unit staff report but do not approve or plan
      assert.equal((await h.call('PUT', `${urlOf('XM-1')}/plans`, unitT, { plans: [] })).statusCode, 403);
    });

    it('lists overdue and stalled projects', async () => {
      const started = await sql<any>`SELECT 1 FROM project_stages WHERE project_no = 'XM-2' AND status = 'pending'`.execute(h.t.db);
      assert.equal(started.rows.length, 1);
      await approvePending(h, county, 'XM-2');
      const bad = await h.call('PUT', `${urlOf('XM-2')}/plans`, county, {
        plans: [
          { stage: 'approval', plannedOn: day(50) },
          { stage: 'design', plannedOn: day(40) },
        ],
      });
      assert.match(bad.json().error.message, /实施方案计划.*早于立项批复计划/);
      const ok = await h.call('PUT', `${urlOf('XM-2')}/plans`, county, {
        plans: [
          { stage: 'approval', plannedOn: day(50) },
          { stage: 'completed', plannedOn: day(300) },
        ],
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json().overdue, { stage: 'approval', plannedOn: day(50), days: 150 });
      const list = (await h.call('GET', '/api/funds/projects?flag=overdue', county)).json();
      assert.deepEqual(
        list.items.map((i: { projectNo: string }) => i.projectNo),
        ['XM-2'],
      );
      const a = await alerts(h.t.db, C, C, addDays(today, 40));
      assert.deepEqual(
        a.overdue.map((i) => i.projectNo),
        ['XM-2'],
      );
      assert.deepEqual(a.stalled, []);
      const task = await h.call('PUT', `${urlOf('XM-2')}/task`, county, { leader: '李副县长', supervisingUnit: '县移民中心', unit: '县水利局' });
      assert.equal(task.json().unit, '县水利局');
      assert.equal(task.json().leader, '李副县长');
      assert.ok(countyId > 0);
    });
  });
}
