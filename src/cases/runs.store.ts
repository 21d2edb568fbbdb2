// Cross-check runs in the database: uploaded extracts kept with their checksums, runs with their
// inputs and summary, findings kept per run. SQL only: the run itself (reading, the engine, the
// job, the audit) is in runs.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Row } from '../shared/db/rows.ts';
import type { Tables, CrosscheckInputsTable, CrosscheckRunsTable, FindingsTable } from '../shared/db/tables.ts';
import type { CrosscheckRun, StoredInput } from './cases.contract.ts';
import { AppError } from '../shared/errors.ts';
import { FINDING_LABELS, type FindingCode, type Finding } from '../crosscheck/index.ts';
import type { InputKind } from './cases.contract.ts';

type Db = Kysely<Tables>;

// reads of rows with a defaulted timestamp stay plain SQL typed by Row<>: Kysely's builder types a
// Generated<Timestamp> column as the column type instead of the Date it reads
type InputRow = Pick<Row<CrosscheckInputsTable>, 'id' | 'kind' | 'label' | 'filename' | 'sha256' | 'rows' | 'size' | 'uploaded_at'>;

const inputOf = (r: InputRow): StoredInput => ({
  id: Number(r.id),
  kind: r.kind as InputKind,
  label: r.label,
  filename: r.filename,
  sha256: r.sha256,
  rows: Number(r.rows),
  size: Number(r.size),
  uploadedAt: new Date(r.uploaded_at).toISOString(),
});

/** The same extract uploaded before (same kind and checksum), if it was. */
export async function findInput(trx: Db, countyCode: string, kind: InputKind, sha256: string): Promise<StoredInput | null> {
  const old =
    await sql<InputRow>`SELECT id, kind, label, filename, sha256, rows, size, uploaded_at FROM crosscheck_inputs WHERE county_code = ${countyCode} AND kind = ${kind} AND sha256 = ${sha256}`.execute(
      trx,
    );
  return old.rows[0] ? inputOf(old.rows[0]) : null;
}

export async function insertInput(
  trx: Db,
  countyCode: string,
  i: { kind: InputKind; label: string; filename: string; sha256: string; rows: number; size: number; storedFile: string; uploadedBy: number | null },
): Promise<StoredInput> {
  const r = await sql<InputRow>`INSERT INTO crosscheck_inputs (county_code, kind, label, filename, sha256, rows, size, content, stored_file, uploaded_by)
    VALUES (${countyCode}, ${i.kind}, ${i.label}, ${i.filename}, ${i.sha256}, ${i.rows}, ${i.size}, ''::bytea, ${i.storedFile}, ${i.uploadedBy})
    RETURNING id, kind, label, filename, sha256, rows, size, uploaded_at`.execute(trx);
  return inputOf(r.rows[0]);
}

export async function listInputs(db: Db, countyCode: string): Promise<StoredInput[]> {
  const r =
    await sql<InputRow>`SELECT id, kind, label, filename, sha256, rows, size, uploaded_at FROM crosscheck_inputs WHERE county_code = ${countyCode} ORDER BY id DESC`.execute(
      db,
    );
  return r.rows.map(inputOf);
}

type RunRow = Row<CrosscheckRunsTable>;
// inputs and summary are jsonb written by executeRun below, in the contract's shapes
const runOf = (r: RunRow): CrosscheckRun => ({
  id: Number(r.id),
  status: r.status as CrosscheckRun['status'],
  jobId: r.job_id,
  periods: r.periods ?? [],
  inputs: r.inputs as CrosscheckRun['inputs'],
  summary: r.summary as CrosscheckRun['summary'],
  message: r.message,
  createdBy: r.created_by === null ? null : Number(r.created_by),
  createdAt: new Date(r.created_at).toISOString(),
  finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
});

export async function getRun(db: Db, countyCode: string, id: number): Promise<CrosscheckRun> {
  const r = await sql<RunRow>`SELECT * FROM crosscheck_runs WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `核对批次${id}不存在`);
  return runOf(r.rows[0]);
}
export async function listRuns(db: Db, countyCode: string): Promise<CrosscheckRun[]> {
  const r = await sql<RunRow>`SELECT * FROM crosscheck_runs WHERE county_code = ${countyCode} ORDER BY id DESC LIMIT 200`.execute(db);
  return r.rows.map(runOf);
}

/**
 * The chosen extracts with where their bytes are: the key of the kept file, or (uploads older
 * than the upload store) the bytes themselves; both empty once pruned by the retention rule.
 */
export async function inputsWithContent(db: Db, countyCode: string, ids: number[]) {
  if (!ids.length) return [];
  const r = await sql<
    Pick<Row<CrosscheckInputsTable>, 'id' | 'kind' | 'label' | 'filename' | 'sha256' | 'rows' | 'stored_file'> & { content: Uint8Array | null }
  >`SELECT id, kind, label, filename, sha256, rows, stored_file, CASE WHEN stored_file = '' THEN content END AS content FROM crosscheck_inputs
    WHERE county_code = ${countyCode} AND id = ANY(${ids}::bigint[])`.execute(db);
  return r.rows;
}

export async function insertRun(db: Db, countyCode: string, createdBy: number | null, message: string): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO crosscheck_runs (county_code, created_by, message) VALUES (${countyCode}, ${createdBy}, ${message}) RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}

export async function setRunJob(db: Db, countyCode: string, runId: number, jobId: string): Promise<void> {
  await db.updateTable('crosscheck_runs').set({ job_id: jobId, message: '运行中' }).where('county_code', '=', countyCode).where('id', '=', runId).execute();
}

export async function failRun(db: Db, countyCode: string, runId: number, message: string): Promise<void> {
  await db
    .updateTable('crosscheck_runs')
    .set({ status: 'failed', message, finished_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', runId)
    .execute();
}

export async function finishRun(
  trx: Db,
  countyCode: string,
  runId: number,
  r: { periods: string[]; inputs: CrosscheckRun['inputs']; summary: NonNullable<CrosscheckRun['summary']> },
): Promise<void> {
  await sql`UPDATE crosscheck_runs SET status = 'done', periods = ${r.periods}::text[], inputs = ${JSON.stringify(r.inputs)}::jsonb,
    summary = ${JSON.stringify(r.summary)}::jsonb, message = '完成', finished_at = now() WHERE county_code = ${countyCode} AND id = ${runId}`.execute(trx);
}

export async function saveFindings(trx: Db, countyCode: string, runId: number, findings: Finding[]) {
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

/** A run's findings, paged, optionally for one code or region. */
export async function listFindings(db: Db, countyCode: string, runId: number, f: { code?: string; scope?: string; offset?: number; limit?: number } = {}) {
  const where = sql`county_code = ${countyCode} AND run_id = ${runId} ${f.code ? sql`AND code = ${f.code}` : sql``}
    ${f.scope && f.scope.length > 6 ? sql`AND village_code LIKE ${f.scope + '%'}` : sql``}`;
  const total = await sql<{ n: number }>`SELECT count(*) AS n FROM findings WHERE ${where}`.execute(db);
  const r = await sql<
    Row<FindingsTable>
  >`SELECT * FROM findings WHERE ${where} ORDER BY code, village_code, id_number OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 100000)}`.execute(db);
  return { total: Number(total.rows[0].n), findings: r.rows.map(findingOfRow) };
}

export function findingOfRow(x: Row<FindingsTable>): Finding {
  return {
    code: x.code as FindingCode,
    label: FINDING_LABELS[x.code as FindingCode] ?? x.code,
    idNumber: x.id_number,
    name: x.name,
    householdNo: x.household_no,
    villageCode: x.village_code,
    periods: x.periods ?? [],
    overFen: Number(x.over_fen),
    underFen: Number(x.under_fen),
    explanation: x.explanation,
  };
}
