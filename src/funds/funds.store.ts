// SQL of the fund ledger: batches, projects, money entries and the sums every figure is made
// of. No workflow here (permissions, rules, audit live in funds.service.ts and ledger-import.ts).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';
import type { FundBatch, FundCategory, FundLevel, LedgerProject, MoneySums, ProjectCategory } from './ledger.types.ts';
import type { EntryKind, PairSums } from './money-rules.ts';
import type { FundBatchesTable, FundEntriesTable, FundProjectsTable, Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;

/** A money entry as written: what the ledger knows of it (an import adds its key, so a second import skips it). */
export interface NewEntry {
  kind: EntryKind;
  batchNo: string;
  projectNo: string;
  date: IsoDate;
  amountFen: Fen;
  voucherNo: string | null;
  attachmentId?: number | null;
  reversesId?: number | null;
  note?: string;
  importKey?: string | null;
}

/** A money entry as stored: the written fields, all present, and who booked it when. */
export interface StoredEntry extends Required<Omit<NewEntry, 'importKey'>> {
  id: number;
  importId: number | null;
  createdBy: number | null;
  createdByName: string | null;
  createdAt: string;
}

// rows as SELECT * gives them, or as json_agg does (numbers as numbers, dates and times as text)
type BatchRow = Omit<Selectable<FundBatchesTable>, 'created_at'>;
type ProjectRow = Pick<
  Selectable<FundProjectsTable>,
  'project_no' | 'name' | 'year' | 'village_code' | 'category' | 'planned_fen' | 'unit' | 'started_on' | 'completed_on' | 'accepted_on'
>;
type EntryRow = Omit<Selectable<FundEntriesTable>, 'created_at'> & { created_at: Date | string; created_by_name: string | null };

const batchOf = (r: BatchRow): FundBatch => ({
  batchNo: r.batch_no,
  year: Number(r.year),
  level: r.level as FundLevel,
  category: r.category as FundCategory,
  docNo: r.doc_no ?? null,
  issuedOn: r.issued_on,
  amountFen: Number(r.amount_fen),
  countsInRates: !!r.counts_in_rates,
});

const projectOf = (r: ProjectRow): LedgerProject => ({
  projectNo: r.project_no,
  name: r.name,
  year: Number(r.year),
  villageCode: r.village_code,
  category: r.category as ProjectCategory,
  plannedFen: Number(r.planned_fen),
  unit: r.unit ?? null,
  startedOn: r.started_on ?? null,
  completedOn: r.completed_on ?? null,
  acceptedOn: r.accepted_on ?? null,
});

const entryOf = (r: EntryRow): StoredEntry => ({
  id: Number(r.id),
  kind: r.kind as EntryKind,
  batchNo: r.batch_no,
  projectNo: r.project_no,
  date: r.entry_date,
  amountFen: Number(r.amount_fen),
  voucherNo: r.voucher_no ?? null,
  attachmentId: r.attachment_id === null ? null : Number(r.attachment_id),
  reversesId: r.reverses_id === null ? null : Number(r.reverses_id),
  note: r.note,
  importId: r.import_id === null ? null : Number(r.import_id),
  createdBy: r.created_by === null ? null : Number(r.created_by),
  createdByName: r.created_by_name ?? null,
  createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
});

export async function listBatches(db: Db, county: string): Promise<FundBatch[]> {
  const r = await sql<BatchRow>`SELECT * FROM fund_batches WHERE county_code = ${county} ORDER BY batch_no`.execute(db);
  return r.rows.map(batchOf);
}

export async function getBatch(db: Db, county: string, batchNo: string, forUpdate = false): Promise<FundBatch | null> {
  const r = forUpdate
    ? await sql<BatchRow>`SELECT * FROM fund_batches WHERE county_code = ${county} AND batch_no = ${batchNo} FOR UPDATE`.execute(db)
    : await sql<BatchRow>`SELECT * FROM fund_batches WHERE county_code = ${county} AND batch_no = ${batchNo}`.execute(db);
  return r.rows.length ? batchOf(r.rows[0]) : null;
}

/** Lock batches in code order (one order for every writer, so two imports cannot deadlock). */
export async function lockBatches(db: Db, county: string, batchNos: string[]): Promise<void> {
  if (!batchNos.length) return;
  await sql`SELECT 1 FROM fund_batches WHERE county_code = ${county} AND batch_no = ANY(${[...new Set(batchNos)].sort()}::text[])
    ORDER BY batch_no FOR UPDATE`.execute(db);
}

/** Projects of a county, optionally limited to a region (township or village code prefix). */
export async function listProjects(db: Db, county: string, region = county): Promise<LedgerProject[]> {
  const r = await sql<ProjectRow>`SELECT * FROM fund_projects WHERE county_code = ${county} AND village_code LIKE ${region + '%'} ORDER BY project_no`.execute(
    db,
  );
  return r.rows.map(projectOf);
}

export async function getProject(db: Db, county: string, projectNo: string): Promise<LedgerProject | null> {
  const r = await sql<ProjectRow>`SELECT * FROM fund_projects WHERE county_code = ${county} AND project_no = ${projectNo}`.execute(db);
  return r.rows.length ? projectOf(r.rows[0]) : null;
}

export async function projectsByNo(db: Db, county: string, nos: string[]): Promise<Map<string, LedgerProject>> {
  const r = await sql<ProjectRow>`SELECT * FROM fund_projects WHERE county_code = ${county} AND project_no = ANY(${nos}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.project_no, projectOf(x)]));
}

export async function projectNumbers(db: Db, county: string): Promise<Set<string>> {
  const r = await sql<{ p: string }>`SELECT project_no AS p FROM fund_projects WHERE county_code = ${county}`.execute(db);
  return new Set(r.rows.map((x) => x.p));
}

export async function insertBatches(db: Db, county: string, batches: FundBatch[], importId: number | null, by: number | null): Promise<void> {
  for (const part of chunks(batches)) {
    await sql`INSERT INTO fund_batches (county_code, batch_no, year, level, category, doc_no, issued_on, amount_fen, counts_in_rates, import_id, created_by)
      SELECT ${county}, * , ${importId}::bigint, ${by}::bigint FROM unnest(${part.map((b) => b.batchNo)}::text[], ${part.map((b) => b.year)}::int[],
        ${part.map((b) => b.level)}::text[], ${part.map((b) => b.category)}::text[], ${part.map((b) => b.docNo)}::text[],
        ${part.map((b) => b.issuedOn)}::date[], ${part.map((b) => b.amountFen)}::bigint[], ${part.map((b) => b.countsInRates)}::boolean[])`.execute(db);
  }
}

export async function insertProjects(db: Db, county: string, projects: LedgerProject[], importId: number | null, by: number | null): Promise<void> {
  for (const part of chunks(projects)) {
    await sql`INSERT INTO fund_projects (county_code, project_no, name, year, village_code, category, planned_fen, unit, started_on, completed_on, accepted_on, import_id, created_by)
      SELECT ${county}, *, ${importId}::bigint, ${by}::bigint FROM unnest(${part.map((p) => p.projectNo)}::text[], ${part.map((p) => p.name)}::text[],
        ${part.map((p) => p.year)}::int[], ${part.map((p) => p.villageCode)}::text[], ${part.map((p) => p.category)}::text[],
        ${part.map((p) => p.plannedFen)}::bigint[], ${part.map((p) => p.unit)}::text[], ${part.map((p) => p.startedOn)}::date[],
        ${part.map((p) => p.completedOn)}::date[], ${part.map((p) => p.acceptedOn)}::date[])`.execute(db);
  }
}

/** Fill life-cycle dates the database does not have yet (never overwrites one). */
export async function fillProjectDates(
  db: Db,
  county: string,
  p: Pick<LedgerProject, 'projectNo' | 'startedOn' | 'completedOn' | 'acceptedOn'>,
): Promise<void> {
  await sql`UPDATE fund_projects SET started_on = coalesce(started_on, ${p.startedOn}::date), completed_on = coalesce(completed_on, ${p.completedOn}::date),
    accepted_on = coalesce(accepted_on, ${p.acceptedOn}::date), updated_at = now()
    WHERE county_code = ${county} AND project_no = ${p.projectNo}`.execute(db);
}

export async function insertEntries(db: Db, county: string, entries: NewEntry[], importId: number | null, by: number | null): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(entries, 5000)) {
    const r = await sql<{
      id: number;
    }>`INSERT INTO fund_entries (county_code, kind, batch_no, project_no, entry_date, amount_fen, voucher_no, attachment_id, reverses_id, note, import_key, import_id, created_by)
      SELECT ${county}, *, ${importId}::bigint, ${by}::bigint FROM unnest(${part.map((e) => e.kind)}::text[], ${part.map((e) => e.batchNo)}::text[],
        ${part.map((e) => e.projectNo)}::text[], ${part.map((e) => e.date)}::date[], ${part.map((e) => e.amountFen)}::bigint[],
        ${part.map((e) => e.voucherNo)}::text[], ${part.map((e) => e.attachmentId ?? null)}::bigint[], ${part.map((e) => e.reversesId ?? null)}::bigint[],
        ${part.map((e) => e.note ?? '')}::text[], ${part.map((e) => e.importKey ?? null)}::text[])
      RETURNING id`.execute(db);
    ids.push(...r.rows.map((x) => Number(x.id)));
  }
  return ids;
}

export async function getEntry(db: Db, county: string, id: number): Promise<StoredEntry | null> {
  const r = await sql<EntryRow>`SELECT e.*, u.display_name AS created_by_name FROM fund_entries e LEFT JOIN users u ON u.id = e.created_by
    WHERE e.county_code = ${county} AND e.id = ${id}`.execute(db);
  return r.rows.length ? entryOf(r.rows[0]) : null;
}

/** Has this entry been reversed already (fully or in part)? Returns the reversing amounts' sum. */
export async function reversedFen(db: Db, county: string, id: number): Promise<Fen> {
  const r = await sql<{
    s: number;
  }>`SELECT coalesce(sum(amount_fen), 0)::bigint AS s FROM fund_entries WHERE county_code = ${county} AND reverses_id = ${id}`.execute(db);
  return Number(r.rows[0].s);
}

export interface EntryFilter {
  batchNo?: string;
  projectNo?: string;
  kind?: EntryKind;
  townshipCode?: string;
  unit?: string;
  from?: IsoDate;
  to?: IsoDate;
  region?: string;
  limit?: number;
  offset?: number;
}

/** The entries behind a figure: by batch, project, kind, township and date range. */
export async function listEntries(db: Db, county: string, f: EntryFilter): Promise<{ total: number; sumFen: Fen; rows: StoredEntry[] }> {
  const where = sql`e.county_code = ${county}
    ${f.batchNo ? sql`AND e.batch_no = ${f.batchNo}` : sql``} ${f.projectNo ? sql`AND e.project_no = ${f.projectNo}` : sql``}
    ${f.kind ? sql`AND e.kind = ${f.kind}` : sql``} ${f.from ? sql`AND e.entry_date >= ${f.from}::date` : sql``}
    ${f.to ? sql`AND e.entry_date <= ${f.to}::date` : sql``}
    ${
      f.townshipCode || f.region || f.unit !== undefined
        ? sql`AND EXISTS (SELECT 1 FROM fund_projects p WHERE p.county_code = e.county_code AND p.project_no = e.project_no
      ${f.townshipCode ? sql`AND p.township_code = ${f.townshipCode}` : sql``} ${f.region ? sql`AND p.village_code LIKE ${f.region + '%'}` : sql``}
      ${f.unit !== undefined ? sql`AND coalesce(p.unit, '') = ${f.unit}` : sql``})`
        : sql``
    }`;
  const [agg, rows] = await Promise.all([
    sql<{ n: number; s: number }>`SELECT count(*)::int AS n, coalesce(sum(e.amount_fen), 0)::bigint AS s FROM fund_entries e WHERE ${where}`.execute(db),
    sql<EntryRow>`SELECT e.*, u.display_name AS created_by_name FROM fund_entries e LEFT JOIN users u ON u.id = e.created_by WHERE ${where}
      ORDER BY e.entry_date, e.id LIMIT ${f.limit ?? 200} OFFSET ${f.offset ?? 0}`.execute(db),
  ]);
  return { total: Number(agg.rows[0].n), sumFen: Number(agg.rows[0].s), rows: rows.rows.map(entryOf) };
}

/** Booked sums (all dates) of one batch and project, and the batch's allocations to every project. */
export async function bookedSums(db: Db, county: string, batchNo: string, projectNo: string): Promise<{ pair: PairSums; batchAllocatedFen: Fen }> {
  const r = await sql<{ a: number; d: number; r: number; ba: number }>`SELECT
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'allocation' AND project_no = ${projectNo}), 0)::bigint AS a,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'disbursement' AND project_no = ${projectNo}), 0)::bigint AS d,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'reimbursement' AND project_no = ${projectNo}), 0)::bigint AS r,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'allocation'), 0)::bigint AS ba
    FROM fund_entries WHERE county_code = ${county} AND batch_no = ${batchNo}`.execute(db);
  const x = r.rows[0];
  return { pair: { allocatedFen: Number(x.a), disbursedFen: Number(x.d), reimbursedFen: Number(x.r) }, batchAllocatedFen: Number(x.ba) };
}

/** Booked sums per batch and project for some batches (all dates): the running state an import starts from. */
export async function pairSumsOf(db: Db, county: string, batchNos: string[]): Promise<MoneySums[]> {
  if (!batchNos.length) return [];
  return moneySumsQuery(db, county, null, sql`AND batch_no = ANY(${batchNos}::text[])`);
}

/** MoneySums of §8.2: entries dated on or before `asOf` (every entry when null), per batch and project. */
export async function moneySums(db: Db, county: string, asOf: IsoDate | null): Promise<MoneySums[]> {
  return moneySumsQuery(db, county, asOf, sql``);
}

async function moneySumsQuery(db: Db, county: string, asOf: IsoDate | null, extra: ReturnType<typeof sql>): Promise<MoneySums[]> {
  const r = await sql<{ b: string; p: string; a: number; d: number; r: number }>`SELECT batch_no AS b, project_no AS p,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'allocation'), 0)::bigint AS a,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'disbursement'), 0)::bigint AS d,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'reimbursement'), 0)::bigint AS r
    FROM fund_entries WHERE county_code = ${county} ${asOf ? sql`AND entry_date <= ${asOf}::date` : sql``} ${extra}
    GROUP BY batch_no, project_no`.execute(db);
  return r.rows.map((x) => ({ batchNo: x.b, projectNo: x.p, allocatedFen: Number(x.a), disbursedFen: Number(x.d), reimbursedFen: Number(x.r) }));
}

/** Import keys already booked, among the given ones. */
export async function existingImportKeys(db: Db, county: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(keys, 20000)) {
    const r = await sql<{ k: string }>`SELECT import_key AS k FROM fund_entries WHERE county_code = ${county} AND import_key = ANY(${part}::text[])`.execute(
      db,
    );
    for (const x of r.rows) found.add(x.k);
  }
  return found;
}

export async function insertImport(db: Db, county: string, filename: string, sha256: string, by: number | null): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO fund_imports (county_code, filename, sha256, imported_by) VALUES (${county}, ${filename}, ${sha256}, ${by}) RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}

export async function finishImport(db: Db, county: string, id: number, summary: unknown): Promise<void> {
  await sql`UPDATE fund_imports SET summary = ${JSON.stringify(summary)}::jsonb WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

/** Counties whose ledger the database holds. */
export async function fundCounties(db: Db): Promise<string[]> {
  const r = await sql<{
    c: string;
  }>`SELECT DISTINCT county_code AS c FROM fund_batches UNION SELECT DISTINCT county_code FROM fund_projects ORDER BY 1`.execute(db);
  return r.rows.map((x) => x.c);
}

export async function insertFile(
  db: Db,
  county: string,
  f: { filename: string; mime: string; content: Buffer; sha256: string },
  by: number | null,
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO fund_files (county_code, filename, mime, size, sha256, content, uploaded_by)
    VALUES (${county}, ${f.filename}, ${f.mime}, ${f.content.length}, ${f.sha256}, ${f.content}, ${by})
    ON CONFLICT (county_code, sha256) DO UPDATE SET filename = fund_files.filename RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}

export async function getFile(db: Db, county: string, id: number): Promise<{ filename: string; mime: string; content: Buffer } | null> {
  const r = await sql<{
    filename: string;
    mime: string;
    content: Buffer;
  }>`SELECT filename, mime, content FROM fund_files WHERE county_code = ${county} AND id = ${id}`.execute(db);
  const x = r.rows[0];
  return x ? { filename: x.filename, mime: x.mime, content: Buffer.from(x.content) } : null;
}

/** 拨付 per month (YYYY-MM) of one year, entries dated on or before the date, optionally for one region's projects. */
export async function disbursedByMonth(db: Db, county: string, year: number, asOf: IsoDate, region = county): Promise<Map<string, Fen>> {
  const r = await sql<{ m: string; s: number }>`SELECT to_char(entry_date, 'YYYY-MM') AS m, sum(amount_fen)::bigint AS s FROM fund_entries e
    WHERE e.county_code = ${county} AND e.kind = 'disbursement' AND e.entry_date BETWEEN ${`${year}-01-01`}::date AND ${asOf}::date
    ${region !== county ? sql`AND EXISTS (SELECT 1 FROM fund_projects p WHERE p.county_code = e.county_code AND p.project_no = e.project_no AND p.village_code LIKE ${region + '%'})` : sql``}
    GROUP BY 1`.execute(db);
  return new Map(r.rows.map((x) => [x.m, Number(x.s)]));
}

/** Projects to pick from in the entry forms (number, name, township), by number or name. */
export async function projectOptions(db: Db, county: string, region: string, q: string, limit = 50) {
  const like = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  const r = await sql<{ project_no: string; name: string; township_code: string; unit: string | null }>`SELECT project_no, name, township_code, unit
    FROM fund_projects WHERE county_code = ${county} AND village_code LIKE ${region + '%'} AND (project_no ILIKE ${like} OR name ILIKE ${like})
    ORDER BY project_no LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => ({ projectNo: x.project_no, name: x.name, townshipCode: x.township_code, unit: x.unit }));
}

export const BALANCE_LIMIT_KEY = 'funds.balance_limit_bp';
/** 结存比例 limit in hundredths of a percent when the county has set none: 20.00 %. */
export const DEFAULT_BALANCE_LIMIT_BP = 2000;

export async function getBalanceLimitBp(db: Db, county: string): Promise<number> {
  const r = await sql<{ value: unknown }>`SELECT value FROM settings WHERE county_code = ${county} AND key = ${BALANCE_LIMIT_KEY}
    ORDER BY effective_from DESC LIMIT 1`.execute(db);
  const v = r.rows[0]?.value;
  return typeof v === 'number' && Number.isInteger(v) ? v : DEFAULT_BALANCE_LIMIT_BP;
}

export async function setBalanceLimitBp(db: Db, county: string, bp: number, by: number | null): Promise<number | null> {
  const before = await sql<{
    value: unknown;
  }>`SELECT value FROM settings WHERE county_code = ${county} AND key = ${BALANCE_LIMIT_KEY} AND effective_from = '1900-01-01'`.execute(db);
  await sql`INSERT INTO settings (county_code, key, value, updated_by) VALUES (${county}, ${BALANCE_LIMIT_KEY}, ${JSON.stringify(bp)}::jsonb, ${by})
    ON CONFLICT (county_code, key, effective_from) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(db);
  const v = before.rows[0]?.value;
  return typeof v === 'number' ? v : null;
}

/** 下达 of the batches of one plan year. */
export async function yearBatchTotal(db: Db, county: string, year: number): Promise<Fen> {
  const r = await sql<{
    s: number;
  }>`SELECT coalesce(sum(amount_fen), 0)::bigint AS s FROM fund_batches WHERE county_code = ${county} AND year = ${year}`.execute(db);
  return Number(r.rows[0].s);
}

/**
 * Take the ledger's change counter for this transaction (and move it): every money writer takes
 * it first, so writers of fund data queue in one order (no deadlock with the batch locks) and
 * readers of the in-memory ledger see the change when, and only when, it commits.
 */
export async function lockFundData(db: Db): Promise<void> {
  await sql`UPDATE fund_data_version SET v = v + 1 WHERE one`.execute(db);
}

export async function fundDataVersion(db: Db): Promise<number> {
  const r = await sql<{ v: number }>`SELECT v FROM fund_data_version WHERE one`.execute(db);
  return Number(r.rows[0]?.v ?? 0);
}

/** A county's batches, projects and every money entry, in compact form (one JSON text each: fast on PGlite). */
export async function loadLedgerCompact(
  db: Db,
  county: string,
): Promise<{ batches: FundBatch[]; projects: LedgerProject[]; entries: [string, string, string, string, number][] }> {
  const r = await sql<{ b: string | null; p: string | null; e: string | null }>`SELECT
    (SELECT json_agg(x)::text FROM (SELECT * FROM fund_batches WHERE county_code = ${county} ORDER BY batch_no) x) AS b,
    (SELECT json_agg(x)::text FROM (SELECT project_no, name, year, village_code, category, planned_fen, unit, started_on, completed_on, accepted_on
       FROM fund_projects WHERE county_code = ${county} ORDER BY project_no) x) AS p,
    (SELECT json_agg(json_build_array(batch_no, project_no, kind, entry_date, amount_fen))::text FROM fund_entries WHERE county_code = ${county}) AS e`.execute(
    db,
  );
  const x = r.rows[0];
  return {
    batches: (JSON.parse(x.b ?? '[]') as BatchRow[]).map(batchOf),
    projects: (JSON.parse(x.p ?? '[]') as ProjectRow[]).map(projectOf),
    entries: JSON.parse(x.e ?? '[]'),
  };
}

function chunks<T>(list: T[], size = 2000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
