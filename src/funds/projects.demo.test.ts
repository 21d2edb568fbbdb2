// The demo life cycles agree with the demo ledger: every 开工/完工/验收 date of the ledger is the
// date of the approved stage, every approved stage has its documents, entered and approved by
// different accounts, and the lists of pending, overdue and stalled projects are not empty.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { loadFundsDemo } from './index.ts';
import { loadProjectsDemo } from './projects.demo.ts';
import { alerts, getProject } from './projects.service.ts';
import { requiredDocs, type Stage } from './project-lifecycle.ts';
import type { SessionUser } from '../auth/index.ts';

const C = '430582',
  TODAY = '2026-11-30';

describe('project demo', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase('pglite');
    await loadFundsDemo({ database: t }, { countyCode: C, today: TODAY });
  });
  after(async () => {
    await t.drop();
  });

  it('gives every demo project a life cycle consistent with its ledger dates', async () => {
    const r = await loadProjectsDemo({ database: t }, { countyCode: C, today: TODAY });
    assert.ok(r && r.projects >= 50, JSON.stringify(r));
    assert.equal(await loadProjectsDemo({ database: t }, { countyCode: C, today: TODAY }), null);
    const mismatch = await sql<any>`SELECT p.project_no FROM fund_projects p WHERE p.county_code = ${C} AND (
      p.started_on IS DISTINCT FROM (SELECT stage_date FROM project_stages s WHERE s.project_no = p.project_no AND s.stage = 'started' AND s.status = 'approved') OR
      p.completed_on IS DISTINCT FROM (SELECT stage_date FROM project_stages s WHERE s.project_no = p.project_no AND s.stage = 'completed' AND s.status = 'approved') OR
      p.accepted_on IS DISTINCT FROM (SELECT stage_date FROM project_stages s WHERE s.project_no = p.project_no AND s.stage = 'accepted' AND s.status = 'approved'))`.execute(
      t.db,
    );
    assert.deepEqual(mismatch.rows, []);
    const selfApproved = await sql<any>`SELECT count(*)::int AS n FROM project_stages WHERE decided_by = entered_by`.execute(t.db);
    assert.equal(selfApproved.rows[0].n, 0);
    // every stage carries the documents it needs, and stage dates never go backwards
    const stages = await sql<any>`SELECT s.id, s.project_no, s.stage, s.stage_date::text AS d, s.data->>'mode' AS mode,
      (SELECT array_agg(kind) FROM project_documents d WHERE d.stage_id = s.id) AS kinds FROM project_stages s ORDER BY s.project_no, s.id`.execute(t.db);
    let prev: { no: string; d: string } | null = null;
    for (const s of stages.rows) {
      for (const k of requiredDocs(s.stage as Stage, s.mode ?? undefined)) assert.ok((s.kinds ?? []).includes(k), `${s.project_no} ${s.stage} 缺 ${k}`);
      if (prev && prev.no === s.project_no) assert.ok(s.d >= prev.d, `${s.project_no} ${s.stage} ${s.d} < ${prev.d}`);
      prev = { no: s.project_no, d: s.d };
    }
    const a = await alerts(t.db, C, C, TODAY);
    assert.ok(a.overdue.length > 0 && a.stalled.length > 0, `overdue ${a.overdue.length}, stalled ${a.stalled.length}`);
    const pending = await sql<any>`SELECT count(*)::int AS n FROM project_stages WHERE status = 'pending'`.execute(t.db);
    assert.ok(pending.rows[0].n > 0);
    // a project page reads back whole
    const county: SessionUser = { id: 999999, username: 'x', displayName: 'x', role: 'county', regionCode: C, countyCode: C, mustChangePassword: false };
    const started = await sql<any>`SELECT project_no FROM fund_projects WHERE started_on IS NOT NULL AND completed_on IS NULL LIMIT 1`.execute(t.db);
    const p = await getProject(t.db, county, started.rows[0].project_no, TODAY);
    assert.equal(p.stage, 'started');
    assert.ok(p.progress.length > 0 && p.progress.some((g) => g.photos.length > 0));
    assert.ok(p.profile && p.profile.supportFundFen! + p.profile.countyMatchFen! + p.profile.selfRaisedFen! === p.plannedFen);
  });
});
