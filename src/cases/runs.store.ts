// Database-backed cross-check runs: uploaded extracts kept with their checksums, the register and
// the recorded payments read from the database, the engine (src/crosscheck) called in ONE place,
// findings kept per run and turned into cases. A run is a job with progress.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Row } from '../shared/db/rows.ts';
import type { Tables, CrosscheckInputsTable, CrosscheckRunsTable, FindingsTable } from '../shared/db/tables.ts';
import type { CrosscheckRun, StoredInput } from './cases.contract.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { startJob, type JobProgress } from '../shared/jobs.ts';
import { runCrosscheck, FINDING_LABELS, type FindingCode, type Finding, type CrosscheckSummary, type RosterRecord, type PaymentRecord } from '../crosscheck/index.ts';
import { streamRosterForCheck } from '../registry/index.ts';
import { streamRecordedPayments, loadSettings } from '../subsidy/index.ts';
import { parsePeriod, comparePeriods } from '../shared/periods.ts';
import { countInput, countInputInWorker, readInput, INPUT_NAMES, type InputKind } from './inputs.ts';
import { upsertCasesFromRun } from './cases.store.ts';

type InputRow = Pick<Row<CrosscheckInputsTable>, 'id' | 'kind' | 'label' | 'filename' | 'sha256' | 'rows' | 'size' | 'uploaded_at'>;

const inputOf = (r: InputRow): StoredInput => ({ id: Number(r.id), kind: r.kind as InputKind, label: r.label, filename: r.filename, sha256: r.sha256, rows: Number(r.rows), size: Number(r.size), uploadedAt: new Date(r.uploaded_at).toISOString() });

/** Keep an uploaded extract (the same file twice is kept once). Its columns are checked first. */
export async function uploadInput(db: Kysely<Tables>, actor: AuditActor, countyCode: string, kind: InputKind, file: { filename: string; content: Buffer; label?: string; path?: string; sha256?: string }): Promise<StoredInput & { problems: { rowNumber: number; column: string; reason: string }[]; problemCount: number }> {
  // hashed while it arrived, when it came through receiveUpload (a 500 MB hash here would hold the server)
  const sha256 = file.sha256 ?? createHash('sha256').update(file.content).digest('hex');
  // an upload on disk is read in a worker thread, streamed from the file
  const { rows, problems, problemCount } = file.path ? await countInputInWorker(kind, file.path) : await countInput(kind, file.content);
  if (!rows) throw new AppError('FILE_EMPTY', `${INPUT_NAMES[kind]}中没有可用的数据行`, { problems: problems.slice(0, 50) });
  return db.transaction().execute(async (trx) => {
    const old = await sql<InputRow>`SELECT id, kind, label, filename, sha256, rows, size, uploaded_at FROM crosscheck_inputs WHERE county_code = ${countyCode} AND kind = ${kind} AND sha256 = ${sha256}`.execute(trx);
    if (old.rows[0]) return { ...inputOf(old.rows[0]), problems, problemCount };
    const r = await sql<InputRow>`INSERT INTO crosscheck_inputs (county_code, kind, label, filename, sha256, rows, size, content, uploaded_by)
      VALUES (${countyCode}, ${kind}, ${file.label ?? ''}, ${file.filename}, ${sha256}, ${rows}, ${file.content.length}, ${file.content}, ${actor.userId})
      RETURNING id, kind, label, filename, sha256, rows, size, uploaded_at`.execute(trx);
    await appendAudit(trx, actor, { action: 'crosscheck.upload', entityType: 'crosscheck_input', entityId: Number(r.rows[0].id), countyCode,
      after: { kind, filename: file.filename, sha256, rows, problems: problemCount } });
    return { ...inputOf(r.rows[0]), problems, problemCount };
  });
}

export async function listInputs(db: Kysely<Tables>, countyCode: string): Promise<StoredInput[]> {
  const r = await sql<InputRow>`SELECT id, kind, label, filename, sha256, rows, size, uploaded_at FROM crosscheck_inputs WHERE county_code = ${countyCode} ORDER BY id DESC`.execute(db);
  return r.rows.map(inputOf);
}

type RunRow = Row<CrosscheckRunsTable>;
// inputs and summary are jsonb written by executeRun below, in the contract's shapes
const runOf = (r: RunRow): CrosscheckRun => ({ id: Number(r.id), status: r.status as CrosscheckRun['status'], jobId: r.job_id, periods: r.periods ?? [],
  inputs: r.inputs as CrosscheckRun['inputs'], summary: r.summary as CrosscheckRun['summary'],
  message: r.message, createdBy: r.created_by === null ? null : Number(r.created_by), createdAt: new Date(r.created_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null });

export async function getRun(db: Kysely<Tables>, countyCode: string, id: number): Promise<CrosscheckRun> {
  const r = await sql<RunRow>`SELECT * FROM crosscheck_runs WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `核对批次${id}不存在`);
  return runOf(r.rows[0]);
}
export async function listRuns(db: Kysely<Tables>, countyCode: string): Promise<CrosscheckRun[]> {
  const r = await sql<RunRow>`SELECT * FROM crosscheck_runs WHERE county_code = ${countyCode} ORDER BY id DESC LIMIT 200`.execute(db);
  return r.rows.map(runOf);
}

export interface RunRequest { inputIds: number[]; periods?: string[]; coverage?: string[] }

async function* counted<T>(src: AsyncIterable<T>, tick: () => void): AsyncGenerator<T> {
  for await (const x of src) { tick(); yield x; }
}

/** Do the run (the job's work): read, call the engine, keep findings, make cases. */
export async function executeRun(db: Kysely<Tables>, actor: AuditActor, countyCode: string, runId: number, req: RunRequest, p?: JobProgress): Promise<CrosscheckRun> {
  const inputs = req.inputIds.length
    ? (await sql<Pick<Row<CrosscheckInputsTable>, 'id' | 'kind' | 'label' | 'filename' | 'sha256' | 'rows' | 'content'>>`SELECT id, kind, label, filename, sha256, rows, content FROM crosscheck_inputs WHERE county_code = ${countyCode} AND id = ANY(${req.inputIds}::bigint[])`.execute(db)).rows
    : [];
  const missing = req.inputIds.filter((id) => !inputs.some((i) => Number(i.id) === id));
  if (missing.length) throw new AppError('NOT_FOUND', `上传的文件${missing.join('、')}不存在`);
  const pruned = inputs.filter((i) => !i.content || i.content.length === 0);
  if (pruned.length) throw new AppError('CONFLICT', `上传的文件${pruned.map((i) => `“${i.filename}”`).join('、')}已超过保留期，原始内容已清理，请重新上传后再核对`);
  let done = 0;
  const total = inputs.reduce((s, i) => s + Number(i.rows), 0);
  const tick = () => { done++; if (done % 5000 === 0) void p?.progress(done, null, '正在核对'); };

  const roster: RosterRecord[] = [];
  for await (const chunk of streamRosterForCheck(db, countyCode)) {
    for (const x of chunk) roster.push({ householdNo: x.householdNo, name: x.name, idNumber: x.idNumberRaw, villageCode: x.villageCode, supportStart: x.supportStart,
      supportEnd: x.supportEnd, status: x.status, removalDate: x.removalDate, removalReason: x.removalReason, rowNumber: x.personId });
  }
  await p?.progress(0, total + roster.length, `已读入花名册${roster.length}人`);
  const problems: Record<string, number> = {};
  const open = async (kind: InputKind) => {
    const parts = await Promise.all(inputs.filter((i) => i.kind === kind).map(async (i) => {
      const r = await readInput(kind, Buffer.from(i.content)); // PGlite gives bytea as Uint8Array
      return { label: i.label || i.filename, records: counted(r.records, tick), problems: r.problems, id: Number(i.id) };
    }));
    return parts;
  };
  const [deaths, hukou, others, payFiles] = await Promise.all([open('deaths'), open('hukou'), open('other_roster'), open('payments')]);
  let recordedPayments = 0;
  async function* payments(): AsyncGenerator<PaymentRecord> {
    for await (const x of streamRecordedPayments(db, countyCode)) { recordedPayments++; yield x; }
    for (const f of payFiles) for await (const x of f.records) yield x as PaymentRecord;
  }
  async function* chain<T>(parts: { records: AsyncIterable<unknown> }[]): AsyncGenerator<T> { for (const x of parts) for await (const r of x.records) yield r as T; }

  const periods = req.periods?.length ? req.periods : undefined;
  const last = periods ? [...periods].sort(comparePeriods).at(-1)! : null;
  const rules = await loadSettings(db, countyCode, last ? parsePeriod(last)!.first : todayIso());
  // the one call into the engine
  const result = await runCrosscheck({
    roster, payments: payments(), periods, coverage: req.coverage,
    deaths: deaths.length ? chain(deaths) : undefined,
    hukou: hukou.length ? chain(hukou) : undefined,
    otherRosters: others.map((o) => ({ source: o.label, rows: o.records as AsyncIterable<RosterRecord> })),
    settings: { standardFen: rules.standardFen, termYears: rules.termYears },
  });
  for (const part of [...deaths, ...hukou, ...others, ...payFiles]) problems[part.id] = part.problems.length;
  await p?.progress(total + roster.length, total + roster.length, `发现${result.findings.length}条疑似问题，正在保存`);
  const inputsRecord = [
    { kind: 'register', name: '花名册（数据库）', rows: roster.length },
    { kind: 'recorded_payments', name: '已记录的发放结果（数据库）', rows: recordedPayments },
    ...inputs.map((i) => ({ id: Number(i.id), kind: i.kind, name: INPUT_NAMES[i.kind as InputKind], label: i.label, filename: i.filename, sha256: i.sha256, rows: Number(i.rows), problems: problems[Number(i.id)] ?? 0 })),
  ];
  return db.transaction().execute(async (trx) => {
    await saveFindings(trx, countyCode, runId, result.findings);
    const cases = await upsertCasesFromRun(trx, countyCode, runId);
    const summary = { ...result.summary, newCases: cases.inserted, updatedCases: cases.updated, rules: { standardFen: rules.standardFen, termYears: rules.termYears } };
    await sql`UPDATE crosscheck_runs SET status = 'done', periods = ${result.summary.periods}::text[], inputs = ${JSON.stringify(inputsRecord)}::jsonb,
      summary = ${JSON.stringify(summary)}::jsonb, message = '完成', finished_at = now() WHERE county_code = ${countyCode} AND id = ${runId}`.execute(trx);
    await appendAudit(trx, actor, { action: 'crosscheck.run', entityType: 'crosscheck_run', entityId: runId, countyCode,
      after: { periods: result.summary.periods, counts: result.summary.counts, overFen: result.summary.overFen, underFen: result.summary.underFen, newCases: cases.inserted, updatedCases: cases.updated },
      detail: { inputs: inputsRecord } });
    return getRun(trx, countyCode, runId);
  });
}

async function saveFindings(trx: Kysely<Tables>, countyCode: string, runId: number, findings: Finding[]) {
  for (let i = 0; i < findings.length; i += 5000) {
    const part = findings.slice(i, i + 5000);
    await sql`INSERT INTO findings (county_code, run_id, code, id_number, name, household_no, village_code, periods, over_fen, under_fen, explanation, death_date)
      SELECT ${countyCode}, ${runId}, v.code, v.id_number, v.name, v.household_no, v.village_code, COALESCE(string_to_array(NULLIF(v.periods, ''), ';'), '{}'), v.over_fen, v.under_fen, v.explanation,
        NULLIF(v.death_date, '')::date
      FROM unnest(${part.map((f) => f.code)}::text[], ${part.map((f) => f.idNumber)}::text[], ${part.map((f) => f.name)}::text[], ${part.map((f) => f.householdNo)}::text[],
        ${part.map((f) => f.villageCode)}::text[], ${part.map((f) => f.periods.join(';'))}::text[], ${part.map((f) => f.overFen)}::bigint[], ${part.map((f) => f.underFen)}::bigint[],
        ${part.map((f) => f.explanation)}::text[], ${part.map((f) => f.deathDate ?? '')}::text[]) AS v(code, id_number, name, household_no, village_code, periods, over_fen, under_fen, explanation, death_date)
      ON CONFLICT DO NOTHING`.execute(trx);
  }
}

/** Start a run as a job; returns at once with the run and its job id (GET /api/jobs/:id for progress). */
export async function startRun(db: Kysely<Tables>, actor: AuditActor, countyCode: string, req: RunRequest): Promise<CrosscheckRun> {
  for (const p of req.periods ?? []) if (!parsePeriod(p)) throw new AppError('VALIDATION', `核对期间“${p}”无效`);
  const r = await sql<{ id: number }>`INSERT INTO crosscheck_runs (county_code, created_by, message) VALUES (${countyCode}, ${actor.userId}, '排队中') RETURNING id`.execute(db);
  const runId = Number(r.rows[0].id);
  const jobId = await startJob(db, 'crosscheck', { countyCode, createdBy: actor.userId }, async (p) => {
    try {
      return await executeRun(db, actor, countyCode, runId, req, p);
    } catch (e) {
      await sql`UPDATE crosscheck_runs SET status = 'failed', message = ${e instanceof Error ? e.message : String(e)}, finished_at = now() WHERE county_code = ${countyCode} AND id = ${runId}`.execute(db).catch(() => {});
      throw e;
    }
  });
  await sql`UPDATE crosscheck_runs SET job_id = ${jobId}, message = '运行中' WHERE county_code = ${countyCode} AND id = ${runId}`.execute(db);
  return getRun(db, countyCode, runId);
}

/** Do a run in this call (no job): the demo county's first run, scripts. */
export async function runNow(db: Kysely<Tables>, actor: AuditActor, countyCode: string, req: RunRequest): Promise<CrosscheckRun> {
  const r = await sql<{ id: number }>`INSERT INTO crosscheck_runs (county_code, created_by, message) VALUES (${countyCode}, ${actor.userId}, '运行中') RETURNING id`.execute(db);
  return executeRun(db, actor, countyCode, Number(r.rows[0].id), req);
}

/** A run's findings, paged, optionally for one code or region. */
export async function listFindings(db: Kysely<Tables>, countyCode: string, runId: number, f: { code?: string; scope?: string; offset?: number; limit?: number } = {}) {
  const where = sql`county_code = ${countyCode} AND run_id = ${runId} ${f.code ? sql`AND code = ${f.code}` : sql``}
    ${f.scope && f.scope.length > 6 ? sql`AND village_code LIKE ${f.scope + '%'}` : sql``}`;
  const total = await sql<{ n: number }>`SELECT count(*) AS n FROM findings WHERE ${where}`.execute(db);
  const r = await sql<Row<FindingsTable>>`SELECT * FROM findings WHERE ${where} ORDER BY code, village_code, id_number OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 100000)}`.execute(db);
  return { total: Number(total.rows[0].n), findings: r.rows.map(findingOfRow) };
}

export function findingOfRow(x: Row<FindingsTable>): Finding {
  return { code: x.code as FindingCode, label: FINDING_LABELS[x.code as FindingCode] ?? x.code, idNumber: x.id_number, name: x.name, householdNo: x.household_no, villageCode: x.village_code, periods: x.periods ?? [],
    overFen: Number(x.over_fen), underFen: Number(x.under_fen), explanation: x.explanation };
}
