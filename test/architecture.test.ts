// Conventions a machine can check (STYLE.md, docs/architecture.md): shared/ imports no
// capability; a capability uses another only through its index.ts; SQL lives in stores, the
// workflow in services, routes and CLI call services; the web app imports of the server only
// its contracts and the permission table; web shared code imports no feature, a feature uses
// another only through its index; no file names a machine path.
// The lists named PENDING_* are what the one-contract work (issue 9) has not reached yet: they
// may only shrink.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative, sep } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]).filter((s) => s.startsWith('.'));
}

/** capability folder of a src file: src/<cap>/..., or '' for src/*.ts */
const capOf = (file: string) => {
  const parts = relative('src', file).split(sep);
  return parts.length > 1 ? parts[0] : '';
};

describe('architecture', () => {
  const src = walk('src');

  it('shared/ imports no capability', () => {
    const bad: string[] = [];
    for (const f of src.filter((f) => capOf(f) === 'shared')) {
      for (const i of importsOf(f)) {
        const target = resolve(dirname(f), i);
        if (capOf(relative('.', target)) !== 'shared') bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('a capability uses another only through its index.ts', () => {
    const bad: string[] = [];
    for (const f of src) {
      const from = capOf(f);
      if (!from || from === 'shared' || f.endsWith('.test.ts') || f.includes('.testkit.')) continue;
      for (const i of importsOf(f)) {
        const target = relative('.', resolve(dirname(f), i));
        const to = capOf(target);
        if (!to || to === 'shared' || to === from) continue;
        // permissions.ts is auth's pure table, imported as data
        if (!/index\.ts$/.test(target) && !/auth[\\/]permissions\.ts$/.test(target)) bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the web app does not import server code', () => {
    const bad: string[] = [];
    for (const f of walk('web/src')) {
      for (const i of importsOf(f)) {
        const target = relative('.', resolve(dirname(f), i));
        if (target.startsWith('src' + sep) && !/\.schema\.ts$|\.contract\.ts$|permissions\.ts$/.test(target)) bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no file names a machine path', () => {
    const bad = [...src, ...walk('web/src'), ...walk('bench'), ...walk('test')]
      .filter((f) => /['"`]\/(?:work|home|root|Users)\//.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });

  // --- layers (docs/architecture.md) ---------------------------------------------------------

  const server = src.filter((f) => !/\.test\.ts$|testkit|testing|fixtures/.test(f));
  const SQL = /\bsql`|\bsql<|\.selectFrom\(|\.insertInto\(|\.updateTable\(|\.deleteFrom\(/;
  // the database layer itself, and hand-written hot paths kept as plain SQL on purpose
  const SQL_ELSEWHERE = new Set(['src/shared/db/database.ts', 'src/shared/db/migrate.ts', 'src/shared/db/tables-gen.ts', 'src/subsidy/payroll-build.sql.ts']);
  const PENDING_SQL_OUTSIDE_STORES = new Set([
    'src/auth/auth.routes.ts', 'src/auth/login.ts', 'src/auth/users.routes.ts', 'src/funds/projects.cli.ts', 'src/funds/projects.demo.ts',
    'src/microcredit/microcredit.cli.ts', 'src/monitoring/demo.ts', 'src/monitoring/monitoring.cli.ts',
    'src/registry/roster-export.ts', 'src/shared/audit-anchor.ts', 'src/shared/audit-key.ts',
    'src/shared/audit.ts', 'src/shared/jobs.ts', 'src/shared/search.ts', 'src/subsidy/notice.ts', 'src/subsidy/subsidy.cli.ts', 'src/system/backup.ts',
    'src/system/first-start.ts', 'src/system/retention.ts', 'src/system/system.routes.ts',
  ]);
  const PENDING_STORES_WITH_WORKFLOW = new Set([
    'src/auth/controls.store.ts', 'src/auth/users.store.ts', 'src/cases/adjust.store.ts', 'src/cases/cases.store.ts',
    'src/cases/recovery.store.ts', 'src/cases/runs.store.ts',
 'src/subsidy/bankfile.store.ts', 'src/subsidy/bankreturn.store.ts', 'src/subsidy/payroll.store.ts', 'src/subsidy/settings.store.ts',
  ]);
  const PENDING_ROUTES_ON_STORES = new Set([
    'src/auth/audit-log.routes.ts', 'src/auth/auth.cli.ts', 'src/auth/auth.routes.ts', 'src/auth/controls.routes.ts', 'src/auth/users.routes.ts',
    'src/cases/cases.routes.ts', 'src/funds/funds.routes.ts', 'src/microcredit/microcredit.routes.ts', 'src/monitoring/monitoring.routes.ts',
    'src/monitoring/survey.routes.ts',
    'src/subsidy/subsidy.cli.ts', 'src/subsidy/subsidy.routes.ts',
  ]);
  const rel = (f: string) => f.split(sep).join('/');
  const shrinking = (name: string, pending: Set<string>, offenders: string[]) => {
    const fresh = offenders.filter((f) => !pending.has(f));
    const done = [...pending].filter((f) => !offenders.includes(f));
    assert.deepEqual(fresh, [], `${name}: new offenders`);
    assert.deepEqual(done, [], `${name}: fixed — take these out of the pending list`);
  };

  it('SQL runs in *.store.ts files only (and the few hot paths named here)', () => {
    const offenders = server.map(rel).filter((f) => !f.endsWith('.store.ts') && !SQL_ELSEWHERE.has(f) && SQL.test(readFileSync(f, 'utf8')));
    shrinking('SQL outside stores', PENDING_SQL_OUTSIDE_STORES, offenders);
  });

  it('a store holds SQL only: no permission rule, no four-eyes check, no audit writing', () => {
    const WORKFLOW = /\b(appendAudit|assertSeparateDuties|separationOfDuties|hasPermission|inScope|assertInScope|assertVisible|requirePermission|canUnmask|ownsProject)\(/;
    const offenders = server.map(rel).filter((f) => f.endsWith('.store.ts') && WORKFLOW.test(readFileSync(f, 'utf8')));
    shrinking('stores with workflow', PENDING_STORES_WITH_WORKFLOW, offenders);
  });

  it('routes and CLI call services, never stores', () => {
    const offenders = server.map(rel).filter((f) => /\.(routes|cli)\.ts$/.test(f) && importsOf(f).some((i) => /\.store\.ts$/.test(i)));
    shrinking('routes on stores', PENDING_ROUTES_ON_STORES, offenders);
  });

  // --- web by feature --------------------------------------------------------------------------

  const web = walk('web/src').map(rel);
  const featureOf = (f: string) => /^web\/src\/features\/([^/]+)\//.exec(f)?.[1] ?? null;
  const webTargets = (f: string) => importsOf(f).map((i) => relative('.', resolve(dirname(f), i)).split(sep).join('/'));

  it('web shared code imports no feature and not the app', () => {
    const bad = web.filter((f) => f.startsWith('web/src/shared/')).flatMap((f) => webTargets(f).filter((t) => /^web\/src\/(features|app)\//.test(t)).map((t) => `${f} → ${t}`));
    assert.deepEqual(bad, []);
  });

  it('a feature uses another feature only through its index', () => {
    const bad: string[] = [];
    for (const f of web) {
      const from = featureOf(f);
      if (!from) continue;
      for (const t of webTargets(f)) {
        const to = featureOf(t);
        if (to && to !== from && !/\/index\.tsx?$/.test(t)) bad.push(`${f} → ${t}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('every feature lists its pages in its index, and the app assembles them', () => {
    const features = readdirSync('web/src/features');
    const app = readFileSync('web/src/app/routes.ts', 'utf8');
    for (const name of features) {
      assert.match(readFileSync(`web/src/features/${name}/index.tsx`, 'utf8'), /export const pages: AppPage\[\]/, name);
      assert.ok(app.includes(`../features/${name}/index.tsx`), `app/routes.ts does not assemble ${name}`);
    }
  });

  const PENDING_UNTYPED = new Set([
    'web/src/features/auth/pages/AuditPage.tsx', 'web/src/features/auth/pages/UsersPage.tsx', 'web/src/features/cases/pages/CasesPage.tsx',
    'web/src/features/funds/components/ProjectPanels.tsx', 'web/src/features/funds/components/StageForm.tsx', 'web/src/features/funds/pages/BatchPage.tsx',
    'web/src/features/funds/pages/BatchesPage.tsx', 'web/src/features/funds/pages/DispatchPage.tsx', 'web/src/features/funds/pages/EntriesPage.tsx',
    'web/src/features/funds/pages/EntryPage.tsx', 'web/src/features/funds/pages/FundsImportPage.tsx', 'web/src/features/funds/pages/FundsOverviewPage.tsx',
    'web/src/features/funds/pages/ProjectPage.tsx', 'web/src/features/funds/pages/ProjectsPage.tsx', 'web/src/features/home/components/HomeSections.tsx',
    'web/src/features/home/pages/HomePage.tsx', 'web/src/features/microcredit/pages/ImportPage.tsx', 'web/src/features/microcredit/pages/LoanPage.tsx',
    'web/src/features/microcredit/pages/LoansPage.tsx', 'web/src/features/microcredit/pages/SubsidyPage.tsx', 'web/src/features/monitoring/components/HouseholdForms.tsx',
    'web/src/features/monitoring/components/IdentifyForm.tsx', 'web/src/features/monitoring/pages/AlertsPage.tsx', 'web/src/features/monitoring/pages/CampaignPage.tsx',
    'web/src/features/monitoring/pages/FiguresPage.tsx', 'web/src/features/monitoring/pages/HouseholdPage.tsx', 'web/src/features/monitoring/pages/MonitoringPage.tsx',
    'web/src/features/registry/components/PersonRecords.tsx', 'web/src/features/subsidy/components/PayrollSections.tsx', 'web/src/features/subsidy/pages/PayrollPage.tsx',
    'web/src/features/subsidy/pages/SubsidyPage.tsx', 'web/src/shared/hooks.ts', 'web/src/shared/layout.tsx',
    'web/src/shared/names.tsx',
  ]);
  it("the web calls the server through the typed client, with the contract's schemas", () => {
    const offenders = web.filter((f) => f !== 'web/src/shared/api.ts' && /\blegacyApi\b/.test(readFileSync(f, 'utf8')));
    shrinking('untyped calls', PENDING_UNTYPED, offenders);
  });
});