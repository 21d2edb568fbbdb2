// Conventions a machine can check (STYLE.md, docs/architecture.md): shared/ imports no
// capability; a capability uses another only through its index.ts; SQL lives in stores, the
// workflow in services, routes and CLI call services; the web app imports of the server only
// its contracts and the permission table; web shared code imports no feature, a feature uses
// another only through its index; no file names a machine path.
// The lists named PENDING_* are what the one-contract work (issue 9) has not reached yet: they
// may only shrink.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
        // permissions.ts is auth's pure table, imported as data; a contract may use another's (docs/architecture.md)
        if (!/index\.ts$/.test(target) && !/auth[\\/]permissions\.ts$/.test(target) && !(/\.contract\.ts$/.test(f) && /\.contract\.ts$/.test(target)))
          bad.push(`${f} → ${i}`);
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
    const bad = [...src, ...walk('web/src'), ...walk('bench'), ...walk('test')].filter((f) =>
      /['"`]\/(?:work|home|root|Users)\//.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(bad, []);
  });

  // --- layers (docs/architecture.md) ---------------------------------------------------------

  const server = src.filter((f) => !/\.test\.ts$|testkit|testing|fixtures/.test(f));
  const SQL = /\bsql`|\bsql<|\.selectFrom\(|\.insertInto\(|\.updateTable\(|\.deleteFrom\(/;
  // the database layer itself (with backup and restore, which walk every table of the schema),
  // and hand-written hot paths kept as plain SQL on purpose
  const SQL_ELSEWHERE = new Set([
    'src/shared/db/database.ts',
    'src/shared/db/migrate.ts',
    'src/shared/db/tables-gen.ts',
    'src/system/backup.ts',
    'src/subsidy/payroll-build.sql.ts',
  ]);
  const PENDING_SQL_OUTSIDE_STORES = new Set([]);
  const PENDING_STORES_WITH_WORKFLOW = new Set([]);
  const PENDING_ROUTES_ON_STORES = new Set([]);
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
    const WORKFLOW =
      /\b(appendAudit|assertSeparateDuties|separationOfDuties|hasPermission|inScope|assertInScope|assertVisible|requirePermission|canUnmask|ownsProject)\(/;
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
  const webTargets = (f: string) =>
    importsOf(f).map((i) =>
      relative('.', resolve(dirname(f), i))
        .split(sep)
        .join('/'),
    );

  it('web shared code imports no feature and not the app', () => {
    const bad = web
      .filter((f) => f.startsWith('web/src/shared/'))
      .flatMap((f) =>
        webTargets(f)
          .filter((t) => /^web\/src\/(features|app)\//.test(t))
          .map((t) => `${f} → ${t}`),
      );
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

  it("the web calls the server through the typed client, with the contract's schemas", () => {
    // every call names a response schema from a contract: no untyped client, no hand-written answer shapes
    assert.equal(existsSync('web/src/shared/types.ts'), false, 'web/src/shared/types.ts is back');
    const bad = web.filter((f) => /\blegacyApi\b|\bapi\.(get|post|put|patch|del|upload)</.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });
});
// --- one of each shared piece (issue 9, item 5) -------------------------------------------------
describe('one of each shared piece', () => {
  const rel = (f: string) => f.split(sep).join('/');
  const server = walk('src')
    .map(rel)
    .filter((f) => !/\.test\.ts$|testkit|testing|fixtures/.test(f));
  const text = (f: string) => readFileSync(f, 'utf8');

  it('the roster columns of FORMATS §1 are declared in shared/files/roster-columns.ts only', () => {
    const HOME = 'src/shared/files/roster-columns.ts';
    const READERS = ['src/registry/roster-file.ts', 'src/quality/roster-file.ts', 'src/crosscheck/files.ts', 'src/cases/inputs.ts', 'src/synth/roster.ts'];
    for (const f of READERS)
      assert.ok(
        importsOf(f).some((i) => i.endsWith('shared/files/roster-columns.ts')),
        `${f} takes its columns from ${HOME}`,
      );
    // a column spec naming a header only §1 has (`与户主关系: true`), or the §1 header list in file order;
    // messages and lookups by name (`col('身份证号')`) are fine
    const SPEC = /(与户主关系|扶持开始日期|扶持截止日期|核减日期|核减原因|人口类别|所属水库|搬迁日期)['"]?\s*:\s*(true|false)\b/;
    const LIST = /'户编号',\s*'姓名',\s*'身份证号',\s*'性别',\s*'出生日期',\s*'与户主关系'/;
    assert.deepEqual(
      server.filter((f) => f !== HOME && (SPEC.test(text(f)) || LIST.test(text(f)))),
      [],
    );
  });

  it('one formula guard: only the shared CSV writer holds it', () => {
    const GUARD = /=\+\\-@|'=\+-@'|"=\+-@"/;
    assert.deepEqual(
      server.filter((f) => f !== 'src/shared/files/csv-write.ts' && GUARD.test(text(f))),
      [],
    );
  });

  it('one attachment header: only attachment.ts writes a Content-Disposition', () => {
    const HAND_WRITTEN = /filename\*=|content-disposition['"]\s*,\s*[`'"]/i;
    assert.deepEqual(
      server.filter((f) => f !== 'src/shared/http/attachment.ts' && HAND_WRITTEN.test(text(f))),
      [],
    );
  });

  it('files beside the code are named from the project root (shared/paths.ts), so the CLI bundle finds them too', () => {
    assert.deepEqual(
      server.filter((f) => f !== 'src/shared/paths.ts' && /import\.meta\.(url|dirname|filename)/.test(text(f))),
      [],
    );
  });

  it('one upload helper: no multipart reading outside shared/http/upload.ts', () => {
    const MULTIPART = /\.(file|files|parts|saveRequestFiles)\(\s*(\{|\))|\.toBuffer\(\)/;
    assert.deepEqual(
      server.filter((f) => f !== 'src/shared/http/upload.ts' && MULTIPART.test(text(f))),
      [],
    );
  });
});
