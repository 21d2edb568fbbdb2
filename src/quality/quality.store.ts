// Data-quality runs on the register and the problem lists (SQL). A run loads the register (or
// some households and the people sharing an ID or account with them), runs the catalogue, and
// records: new problems 未处理, problems seen again kept, problems whose cause is gone 已更正
// (the corrections count), 确认无误 left as the officer decided.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { QualityProblemsTable, Tables } from '../shared/db/tables.ts';
import { streamRegisterForQuality, registerRowsAroundHouseholds, type RegisterRowForQuality } from '../registry/index.ts';
import type { AuditActor } from '../shared/audit.ts';
import { todayIso, type IsoDate } from '../shared/dates.ts';
import { runQuality } from './engine.ts';
import { loadRules } from './rules.store.ts';
import type { Problem, RosterPerson, Rule } from './types.ts';
import { emptyPerson } from './roster-file.ts';
import { deriveFacts } from './facts.ts';

export function rowToPerson(r: RegisterRowForQuality, index: number): RosterPerson {
  const p = emptyPerson(index);
  Object.assign(p, {
    householdNo: r.householdNo,
    name: r.name,
    idRaw: r.idNumberRaw,
    sex: r.sex,
    birthDate: r.birthDate,
    relation: r.relation,
    villageCode: r.villageCode,
    township: r.townshipName,
    village: r.villageName,
    group: r.groupName,
    category: r.category,
    reservoir: r.reservoir,
    moveDate: r.moveDate,
    supportStart: r.supportStart,
    supportEnd: r.supportEnd,
    status: r.status,
    removalDate: r.removalDate,
    removalReason: r.removalReason,
    account: r.accountNo,
    bank: r.bankName,
    holder: r.holderName,
    phone: r.phone,
  });
  return p;
}

export interface RunSummary {
  runId: number;
  kind: 'full' | 'incremental';
  asOf: IsoDate;
  persons: number;
  found: number;
  newProblems: number;
  corrected: number;
  openAfter: number;
  ruleCounts: Record<string, number>;
  townshipCounts: Record<string, number>;
}

const PARTNER_RULES: Record<string, 'id' | 'account'> = { DUP_ID: 'id', ACCOUNT_SHARED: 'account' };

/** Run the county's rules on its whole register, or incrementally on some households. */
export async function runOnRegister(
  db: Kysely<Tables>,
  countyCode: string,
  opts: { asOf?: IsoDate; householdNos?: string[]; actor: AuditActor },
): Promise<RunSummary> {
  const asOf = opts.asOf ?? todayIso();
  const incremental = opts.householdNos !== undefined;
  const rules = await loadRules(db, countyCode);
  const rows: RegisterRowForQuality[] = [];
  if (incremental) rows.push(...(await registerRowsAroundHouseholds(db, countyCode, opts.householdNos!)));
  else for await (const chunk of streamRegisterForQuality(db, countyCode)) rows.push(...chunk);
  const persons = rows.map(rowToPerson);
  const result = runQuality(persons, { asOf, counties: [countyCode], rules });

  // which (rule, person) pairs this run is authoritative for
  let covers: (code: string, personId: number) => boolean = () => true;
  let scopeIds: number[] = [];
  if (incremental) {
    const touched = new Set(opts.householdNos);
    const t = persons.filter((p) => touched.has(p.householdNo));
    const touchedIds = new Set(t.map((p) => rows[p.index].personId));
    const ids = new Set(t.map((p) => deriveFacts(p, asOf).idNorm));
    const accounts = new Set(t.map((p) => deriveFacts(p, asOf).account).filter(Boolean));
    const partnerOf = new Map<number, 'id' | 'account' | 'both'>();
    for (const p of persons) {
      const pid = rows[p.index].personId;
      if (touchedIds.has(pid)) continue;
      const f = deriveFacts(p, asOf);
      const byId = ids.has(f.idNorm),
        byAcc = f.account !== '' && accounts.has(f.account);
      if (byId || byAcc) partnerOf.set(pid, byId && byAcc ? 'both' : byId ? 'id' : 'account');
    }
    covers = (code, pid) => {
      if (touchedIds.has(pid)) return true;
      const k = partnerOf.get(pid);
      const need = PARTNER_RULES[code];
      return !!k && !!need && (k === 'both' || k === need);
    };
    scopeIds = [...touchedIds, ...partnerOf.keys()];
  }
  const found = result.problems.filter((p) => covers(p.code, rows[p.person].personId));
  return recordRun(db, countyCode, {
    kind: incremental ? 'incremental' : 'full',
    asOf,
    rules,
    rows,
    persons,
    found,
    covers,
    scopeIds,
    householdNos: opts.householdNos,
    actor: opts.actor,
  });
}

interface ExistingRow {
  id: number | string;
  rule_code: string;
  person_id: number | string;
  status: string;
}

async function recordRun(
  db: Kysely<Tables>,
  countyCode: string,
  r: {
    kind: 'full' | 'incremental';
    asOf: IsoDate;
    rules: Rule[];
    rows: RegisterRowForQuality[];
    persons: RosterPerson[];
    found: Problem[];
    covers: (code: string, personId: number) => boolean;
    scopeIds: number[];
    householdNos?: string[];
    actor: AuditActor;
  },
): Promise<RunSummary> {
  const byCode = new Map(r.rules.map((x) => [x.code, x]));
  const ruleCounts: Record<string, number> = Object.fromEntries(r.rules.map((x) => [x.code, 0]));
  const townshipCounts: Record<string, number> = {};
  for (const p of r.found) {
    ruleCounts[p.code]++;
    const tw = r.persons[p.person].villageCode.slice(0, 9);
    townshipCounts[tw] = (townshipCounts[tw] ?? 0) + 1;
  }
  return db.transaction().execute(async (trx) => {
    const run = await sql<{ id: string }>`INSERT INTO quality_runs (county_code, kind, as_of, started_by, households, rules, persons)
      VALUES (${countyCode}, ${r.kind}, ${r.asOf}, ${r.actor.username}, ${r.householdNos ?? null},
        ${JSON.stringify(Object.fromEntries(r.rules.map((x) => [x.code, x.version])))}::jsonb, ${r.persons.length}) RETURNING id`.execute(trx);
    const runId = Number(run.rows[0].id);
    // existing problems this run speaks for
    const existing = new Map<string, { id: number; status: string }>();
    const ex =
      r.kind === 'full'
        ? await sql<ExistingRow>`SELECT id, rule_code, person_id, status FROM quality_problems WHERE county_code = ${countyCode}`.execute(trx)
        : r.scopeIds.length
          ? await sql<ExistingRow>`SELECT id, rule_code, person_id, status FROM quality_problems WHERE county_code = ${countyCode} AND person_id IN (${sql.join(r.scopeIds)})`.execute(
              trx,
            )
          : { rows: [] as ExistingRow[] };
    for (const e of ex.rows)
      if (r.covers(e.rule_code, Number(e.person_id))) existing.set(`${e.rule_code}:${e.person_id}`, { id: Number(e.id), status: e.status });
    const seen = new Set<string>();
    const inserts: unknown[] = [];
    const reopened: number[] = [];
    const updates: { id: number; message: string; p: RosterPerson; row: RegisterRowForQuality }[] = [];
    for (const pr of r.found) {
      const row = r.rows[pr.person];
      const key = `${pr.code}:${row.personId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const rule = byCode.get(pr.code)!;
      const old = existing.get(key);
      const p = r.persons[pr.person];
      if (!old) {
        inserts.push(sql`(${countyCode}, ${pr.code}, ${rule.version}, ${rule.severity}, ${row.personId}, ${p.householdNo}, ${p.idRaw}, ${p.name},
          ${p.villageCode}, ${p.villageCode.slice(0, 9)}, ${pr.message}, ${runId}, ${runId})`);
      } else {
        if (old.status === '已更正') reopened.push(old.id);
        updates.push({ id: old.id, message: pr.message, p, row });
      }
    }
    for (let i = 0; i < inserts.length; i += 500) {
      await sql`INSERT INTO quality_problems (county_code, rule_code, rule_version, severity, person_id, household_no, id_number_raw, name,
        village_code, township_code, message, first_run_id, last_run_id) VALUES ${sql.join(inserts.slice(i, i + 500) as never[])}`.execute(trx);
    }
    for (let i = 0; i < updates.length; i += 500) {
      const ids = updates.slice(i, i + 500).map((u) => u.id);
      await sql`UPDATE quality_problems SET last_run_id = ${runId}, last_seen_at = now() WHERE county_code = ${countyCode} AND id IN (${sql.join(ids)})`.execute(
        trx,
      );
    }
    if (reopened.length) {
      await sql`UPDATE quality_problems SET status = '未处理', resolved_at = NULL, resolved_by = NULL WHERE county_code = ${countyCode} AND id IN (${sql.join(reopened)})`.execute(
        trx,
      );
    }
    // causes fixed: open problems in scope not found again
    const gone = [...existing].filter(([k, v]) => !seen.has(k) && v.status === '未处理').map(([, v]) => v.id);
    for (let i = 0; i < gone.length; i += 500) {
      await sql`UPDATE quality_problems SET status = '已更正', resolved_at = now(), resolved_by = '复查：问题已消除'
        WHERE county_code = ${countyCode} AND id IN (${sql.join(gone.slice(i, i + 500))})`.execute(trx);
    }
    const open = await sql<{ n: string }>`SELECT count(*) AS n FROM quality_problems WHERE county_code = ${countyCode} AND status = '未处理'`.execute(trx);
    const openAfter = Number(open.rows[0].n);
    await sql`UPDATE quality_runs SET finished_at = now(), rule_counts = ${JSON.stringify(ruleCounts)}::jsonb,
      township_counts = ${JSON.stringify(townshipCounts)}::jsonb, found = ${seen.size}, new_problems = ${inserts.length},
      corrected = ${gone.length}, open_after = ${openAfter} WHERE county_code = ${countyCode} AND id = ${runId}`.execute(trx);
    return {
      runId,
      kind: r.kind,
      asOf: r.asOf,
      persons: r.persons.length,
      found: seen.size,
      newProblems: inserts.length,
      corrected: gone.length,
      openAfter,
      ruleCounts,
      townshipCounts,
    };
  });
}

export interface ProblemFilter {
  /** the viewer's region (county, township or village code): only problems inside it */
  scope: string;
  townshipCode?: string;
  villageCode?: string;
  ruleCode?: string;
  severity?: '错误' | '提示';
  status?: '未处理' | '已更正' | '确认无误';
  assignedTo?: string;
  householdNo?: string;
  page: number;
  pageSize: number;
}

export interface ProblemView {
  id: number;
  ruleCode: string;
  ruleName: string;
  severity: string;
  personId: number;
  householdNo: string;
  idNumber: string;
  name: string;
  villageCode: string;
  townshipCode: string;
  message: string;
  status: string;
  reason: string | null;
  assignedTo: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

function where(countyCode: string, f: Omit<ProblemFilter, 'page' | 'pageSize'>) {
  const conds = [sql`county_code = ${countyCode}`, sql`village_code LIKE ${f.scope.length > 6 ? f.scope + '%' : '%'}`];
  if (f.townshipCode) conds.push(sql`township_code = ${f.townshipCode}`);
  if (f.villageCode) conds.push(sql`village_code = ${f.villageCode}`);
  if (f.ruleCode) conds.push(sql`rule_code = ${f.ruleCode}`);
  if (f.severity) conds.push(sql`severity = ${f.severity}`);
  if (f.status) conds.push(sql`status = ${f.status}`);
  if (f.assignedTo) conds.push(sql`assigned_to = ${f.assignedTo}`);
  if (f.householdNo) conds.push(sql`household_no = ${f.householdNo}`);
  return sql.join(conds, sql` AND `);
}

export async function listProblems(
  db: Kysely<Tables>,
  countyCode: string,
  f: ProblemFilter,
  ruleNames: Map<string, string>,
): Promise<{ total: number; items: ProblemView[] }> {
  const w = where(countyCode, f);
  const total = await sql<{ n: string }>`SELECT count(*) AS n FROM quality_problems WHERE ${w}`.execute(db);
  const rows = await sql<ProblemRow>`SELECT * FROM quality_problems WHERE ${w} ORDER BY township_code, village_code, household_no, rule_code, id
    LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`.execute(db);
  return { total: Number(total.rows[0].n), items: rows.rows.map((x) => toView(x, ruleNames)) };
}

export type ProblemRow = Selectable<QualityProblemsTable>;

function toView(x: ProblemRow, ruleNames: Map<string, string>): ProblemView {
  const ts = (v: unknown) => (v ? new Date(v as string | Date).toISOString() : null);
  return {
    id: Number(x.id),
    ruleCode: x.rule_code,
    ruleName: ruleNames.get(x.rule_code) ?? x.rule_code,
    severity: x.severity,
    personId: Number(x.person_id),
    householdNo: x.household_no,
    idNumber: x.id_number_raw,
    name: x.name,
    villageCode: x.village_code,
    townshipCode: x.township_code,
    message: x.message,
    status: x.status,
    reason: x.reason,
    assignedTo: x.assigned_to,
    firstSeenAt: ts(x.first_seen_at)!,
    lastSeenAt: ts(x.last_seen_at)!,
    resolvedAt: ts(x.resolved_at),
    resolvedBy: x.resolved_by,
  };
}

/** A problem locked for an update (null when the county has none with this id). */
export async function lockProblem(trx: Kysely<Tables>, countyCode: string, id: number): Promise<ProblemRow | null> {
  const r = await sql<ProblemRow>`SELECT * FROM quality_problems WHERE county_code = ${countyCode} AND id = ${id} FOR UPDATE`.execute(trx);
  return r.rows[0] ?? null;
}

export async function writeProblem(
  trx: Kysely<Tables>,
  countyCode: string,
  id: number,
  v: { status: string; reason: string | null; assignedTo: string | null; resolvedAt: unknown; resolvedBy: string | null },
): Promise<void> {
  await sql`UPDATE quality_problems SET status = ${v.status}, reason = ${v.reason}, assigned_to = ${v.assignedTo},
    resolved_at = ${v.resolvedAt}, resolved_by = ${v.resolvedBy}
    WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
}

/** Every county in the database (the nightly run goes through them). */
export async function countyCodes(db: Kysely<Tables>): Promise<string[]> {
  const r = await sql<{ code: string }>`SELECT code FROM counties ORDER BY code`.execute(db);
  return r.rows.map((x) => x.code);
}

/** Open problems after each run (the trend), and how many were corrected (核实更正 N 条). */
export async function qualityTrend(db: Kysely<Tables>, countyCode: string, since?: IsoDate) {
  const runs = await sql<{
    id: number | string;
    kind: 'full' | 'incremental';
    as_of: string;
    started_at: Date | string;
    found: number;
    new_problems: number;
    corrected: number;
    open_after: number;
    rule_counts: Record<string, number>;
    township_counts: Record<string, number>;
  }>`SELECT id, kind, as_of::text AS as_of, started_at, found, new_problems, corrected, open_after, rule_counts, township_counts
    FROM quality_runs WHERE county_code = ${countyCode} AND finished_at IS NOT NULL ${since ? sql`AND started_at >= ${since}` : sql``}
    ORDER BY started_at, id`.execute(db);
  const fixed = await sql<{ n: string }>`SELECT count(*) AS n FROM quality_problems WHERE county_code = ${countyCode} AND status = '已更正'
    ${since ? sql`AND resolved_at >= ${since}` : sql``}`.execute(db);
  const byStatus = await sql<{
    status: string;
    n: string;
  }>`SELECT status, count(*) AS n FROM quality_problems WHERE county_code = ${countyCode} GROUP BY status`.execute(db);
  return {
    corrected: Number(fixed.rows[0].n),
    byStatus: Object.fromEntries(byStatus.rows.map((x) => [x.status, Number(x.n)])) as Record<string, number>,
    runs: runs.rows.map((x) => ({
      id: Number(x.id),
      kind: x.kind,
      asOf: x.as_of,
      at: new Date(x.started_at).toISOString(),
      found: x.found,
      newProblems: x.new_problems,
      corrected: x.corrected,
      openAfter: x.open_after,
      ruleCounts: x.rule_counts,
      townshipCounts: x.township_counts,
    })),
  };
}
