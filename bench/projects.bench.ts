// The project pages at county scale: 2 000 projects with their stage histories, plan dates and
// monthly progress (PGlite, and the PostgreSQL server when reachable). Prints p50 / p95 of the
// project list (whole county, a township, the overdue filter), of one project's page, and of the
// dispatch's life-cycle reading as of a date. Figures only, no assertions.
// Usage: npm run bench projects [-- --projects=2000 --runs=30]
import { sql } from 'kysely';
import { createTestDatabase, testEngines } from '../src/shared/db/testing.ts';
import { listProjects, getProject, lifecycleForDispatch } from '../src/funds/projects.service.ts';
import type { SessionUser } from '../src/auth/index.ts';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const C = '430582',
  TODAY = '2026-11-30';
const PROJECTS = arg('projects', 2000),
  RUNS = arg('runs', 30);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const user = (regionCode: string): SessionUser => ({
  id: 1,
  username: 'b',
  displayName: 'b',
  role: 'county',
  regionCode,
  countyCode: C,
  mustChangePassword: false,
});

async function time(label: string, fn: (i: number) => Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn(i);
    xs.push(performance.now() - t);
  }
  console.log(`  ${label.padEnd(36)} p50 ${pct(xs, 50).toFixed(1)} ms   p95 ${pct(xs, 95).toFixed(1)} ms`);
}

async function run(engine: 'pglite' | 'postgres') {
  const t = await createTestDatabase(engine);
  try {
    const t0 = performance.now();
    await sql`INSERT INTO fund_projects (county_code, project_no, name, year, village_code, category, planned_fen, unit)
      SELECT ${C}, 'P' || lpad(p::text, 5, '0'), '项目' || p, 2026, '430582' || lpad((101 + p % 20)::text, 3, '0') || lpad((200 + p % 17)::text, 3, '0'),
        (ARRAY['基础设施','产业发展','美丽家园','能力提升','其他'])[1 + p % 5], 5000000 + p * 100, '单位' || (p % 30)
      FROM generate_series(1, ${PROJECTS}) p`.execute(t.db);
    // each project reaches stage 1 + p % 9, one approved row per stage, dated a month apart
    await sql`INSERT INTO project_stages (county_code, project_no, stage, status, stage_date, entered_by, decided_by, decided_at)
      SELECT ${C}, 'P' || lpad(p::text, 5, '0'), (ARRAY['library','approval','design','procurement','started','completed','accepted','handover','evaluated'])[k],
        'approved', DATE '2026-01-05' + k * 30, 1, 2, now()
      FROM generate_series(1, ${PROJECTS}) p, generate_series(1, 9) k WHERE k <= 1 + p % 9`.execute(t.db);
    await sql`INSERT INTO project_plans (county_code, project_no, stage, planned_on)
      SELECT ${C}, 'P' || lpad(p::text, 5, '0'), (ARRAY['library','approval','design','procurement','started','completed','accepted','handover','evaluated'])[k], DATE '2026-01-01' + k * 40
      FROM generate_series(1, ${PROJECTS}) p, generate_series(1, 9) k`.execute(t.db);
    await sql`INSERT INTO project_progress (county_code, project_no, month, percent, reported_on, entered_by)
      SELECT ${C}, 'P' || lpad(p::text, 5, '0'), '2026-' || lpad(m::text, 2, '0'), m * 8, make_date(2026, m, 28), 1
      FROM generate_series(1, ${PROJECTS}) p, generate_series(5, 11) m WHERE p % 9 >= 4`.execute(t.db);
    await sql`ANALYZE`.execute(t.db);
    console.log(`${engine}: ${PROJECTS} projects with histories seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const q = { page: 1, pageSize: 50 } as const;
    await time('list, whole county, page 1', () => listProjects(t.db, user(C), q, TODAY));
    await time('list, one township', (i) => listProjects(t.db, user(`430582${101 + (i % 20)}`), q, TODAY));
    await time('list, overdue filter', () => listProjects(t.db, user(C), { ...q, flag: 'overdue' }, TODAY));
    await time('one project page', (i) => getProject(t.db, user(C), `P${String(1 + ((i * 97) % PROJECTS)).padStart(5, '0')}`, TODAY));
    await time('dispatch life cycle as of a date', (i) => lifecycleForDispatch(t.db, C, `2026-${String(1 + (i % 11)).padStart(2, '0')}-28`));
  } finally {
    await t.drop();
  }
}

for (const engine of await testEngines()) await run(engine);
