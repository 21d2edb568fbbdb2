// SQL of the roster import: read the register of the counties concerned, write a planned
// import in bulk (unnest of arrays, in chunks; the same SQL on PGlite and on a server), and keep
// the import batches with their row lists.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { RosterRecord, RowProblem, FieldChange, PersonStatus, ProblemKind } from './roster-file.ts';
import type { ImportSummary } from './roster-import.ts';
import { personKey } from './roster-file.ts';
import { estimatedRows, isEmpty, isSingleSession, reserveIds, restoreTriggers, skipTriggers, withIndexesRebuilt } from '../shared/db/bulk.store.ts';

export interface RegisterEntry {
  id: number;
  version: number;
  record: RosterRecord;
}

const CHUNK = 5000;
/**
 * The preview lists are written in smaller chunks: on PGlite each statement runs in the server's
 * own thread (a 5 000-row insert of them held it 0.2–1.3 s, 1 000 rows still 0.1–0.3 s with a
 * million rows in the list), so requests are served between them.
 */
const LIST_CHUNK = 250;
function chunks<T>(list: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** The register of the given counties, by key (county + household + normalised ID). */
export async function loadRegister(db: Kysely<Tables>, counties: string[]): Promise<Map<string, RegisterEntry>> {
  const map = new Map<string, RegisterEntry>();
  if (!counties.length) return map;
  // each person as one JSON array, parsed natively, instead of 28 fields: on the embedded engine
  // the driver's work per field was most of a re-import of 100 000 persons
  const r = await sql<{ r: string }>`
    SELECT json_build_array(p.county_code, p.id, p.version, p.household_no, p.id_number, p.id_number_raw, p.id_valid, p.name, p.sex,
      p.birth_date, p.relation, p.village_code, p.township_name, p.village_name, p.group_name, p.category, p.reservoir, p.move_date,
      p.support_start, p.support_end, p.status, p.removal_date, p.removal_reason, p.phone, p.extra,
      COALESCE(a.account_no, ''), COALESCE(a.bank_name, ''), COALESCE(a.holder_name, ''))::text AS r
    FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
    WHERE p.county_code = ANY(${counties}::text[])`.execute(db);
  for (const x of r.rows) {
    const v = JSON.parse(x.r);
    const record = rowToRecord({
      county_code: v[0],
      id: v[1],
      household_no: v[3],
      id_number: v[4],
      id_number_raw: v[5],
      id_valid: v[6],
      name: v[7],
      sex: v[8],
      birth_date: v[9],
      relation: v[10],
      village_code: v[11],
      township_name: v[12],
      village_name: v[13],
      group_name: v[14],
      category: v[15],
      reservoir: v[16],
      move_date: v[17],
      support_start: v[18],
      support_end: v[19],
      status: v[20],
      removal_date: v[21],
      removal_reason: v[22],
      phone: v[23],
      extra: v[24],
      account_no: v[25],
      bank_name: v[26],
      holder_name: v[27],
    });
    map.set(personKey(record), { id: Number(v[1]), version: Number(v[2]), record });
  }
  return map;
}

/** A person row with its account, as the import and the export read it (dates as text). */
export interface PersonRecordRow {
  county_code: string;
  id: number | string;
  household_no: string;
  id_number: string;
  id_number_raw: string;
  id_valid: boolean | null;
  name: string;
  sex: string | null;
  birth_date: string | null;
  relation: string;
  village_code: string;
  township_name: string;
  village_name: string;
  group_name: string;
  category: string | null;
  reservoir: string;
  move_date: string | null;
  support_start: string;
  support_end: string | null;
  status: PersonStatus;
  removal_date: string | null;
  removal_reason: string | null;
  phone: string;
  extra: Record<string, string> | string | null;
  account_no: string | null;
  bank_name: string | null;
  holder_name: string | null;
}

export function rowToRecord(p: PersonRecordRow): RosterRecord {
  return {
    rowNumber: 0,
    countyCode: p.county_code,
    householdNo: p.household_no,
    name: p.name,
    idNumber: p.id_number,
    idNumberRaw: p.id_number_raw,
    idValid: !!p.id_valid,
    sex: p.sex ?? null,
    birthDate: p.birth_date ?? null,
    relation: p.relation,
    villageCode: p.village_code,
    townshipName: p.township_name,
    villageName: p.village_name,
    groupName: p.group_name,
    category: p.category ?? null,
    reservoir: p.reservoir,
    moveDate: p.move_date ?? null,
    supportStart: p.support_start,
    supportEnd: p.support_end ?? null,
    status: p.status,
    removalDate: p.removal_date ?? null,
    removalReason: p.removal_reason ?? null,
    phone: p.phone,
    accountNo: p.account_no ?? '',
    bankName: p.bank_name ?? '',
    holderName: p.holder_name ?? '',
    extra: typeof p.extra === 'string' ? JSON.parse(p.extra) : (p.extra ?? {}),
  };
}

const col = <T>(rs: RosterRecord[], f: (r: RosterRecord) => T) => rs.map(f);

/** Counties, regions (county → township → village → group) and households named by the records. */
export async function upsertRegionsAndHouseholds(trx: Kysely<Tables>, records: RosterRecord[], countyNames: Map<string, string>): Promise<void> {
  const counties = [...new Set(records.map((r) => r.countyCode))];
  if (!counties.length) return;
  await sql`INSERT INTO counties (code, name) SELECT * FROM unnest(${counties}::text[], ${counties.map((c) => countyNames.get(c) ?? c)}::text[])
    ON CONFLICT (code) DO NOTHING`.execute(trx);
  const regions = new Map<string, { county: string; level: string; parent: string | null; name: string }>();
  const put = (code: string, county: string, level: string, parent: string | null, name: string) => {
    const r = regions.get(code);
    if (!r) regions.set(code, { county, level, parent, name });
    else if (!r.name && name) r.name = name;
  };
  for (const r of records) {
    const t = r.villageCode.slice(0, 9);
    put(r.countyCode, r.countyCode, 'county', null, countyNames.get(r.countyCode) ?? '');
    put(t, r.countyCode, 'township', r.countyCode, r.townshipName);
    put(r.villageCode, r.countyCode, 'village', t, r.villageName);
    if (r.groupName) put(`${r.villageCode}/${r.groupName}`, r.countyCode, 'group', r.villageCode, r.groupName);
  }
  const list = [...regions.entries()];
  for (const part of chunks(list)) {
    await sql`INSERT INTO regions (code, county_code, level, parent_code, name)
      SELECT * FROM unnest(${part.map(([c]) => c)}::text[], ${part.map(([, r]) => r.county)}::text[], ${part.map(([, r]) => r.level)}::text[],
        ${part.map(([, r]) => r.parent)}::text[], ${part.map(([, r]) => r.name)}::text[])
      ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE regions.name = '' AND EXCLUDED.name <> ''`.execute(trx);
  }
  // a household lies where its head lives (else its first member)
  const households = new Map<string, RosterRecord>();
  for (const r of records) {
    const k = `${r.countyCode}|${r.householdNo}`;
    const h = households.get(k);
    if (!h || (h.relation !== '户主' && r.relation === '户主')) households.set(k, r);
  }
  for (const part of chunks([...households.values()])) {
    await sql`INSERT INTO households (county_code, household_no, village_code, group_name)
      SELECT * FROM unnest(${col(part, (r) => r.countyCode)}::text[], ${col(part, (r) => r.householdNo)}::text[],
        ${col(part, (r) => r.villageCode)}::text[], ${col(part, (r) => r.groupName)}::text[])
      ON CONFLICT (county_code, household_no) DO UPDATE SET village_code = EXCLUDED.village_code, group_name = EXCLUDED.group_name, updated_at = now()
      WHERE households.village_code <> EXCLUDED.village_code OR households.group_name <> EXCLUDED.group_name`.execute(trx);
  }
}

const PERSON_COLUMNS = sql`county_code, household_no, id_number, id_number_raw, id_valid, name, sex, birth_date, relation, village_code,
  township_name, village_name, group_name, category, reservoir, move_date, support_start, support_end, status, removal_date,
  removal_reason, phone, extra`;

function personArrays(rs: RosterRecord[]) {
  return sql`${col(rs, (r) => r.countyCode)}::text[], ${col(rs, (r) => r.householdNo)}::text[], ${col(rs, (r) => r.idNumber)}::text[],
    ${col(rs, (r) => r.idNumberRaw)}::text[], ${col(rs, (r) => r.idValid)}::boolean[], ${col(rs, (r) => r.name)}::text[],
    ${col(rs, (r) => r.sex)}::text[], ${col(rs, (r) => r.birthDate)}::date[], ${col(rs, (r) => r.relation)}::text[],
    ${col(rs, (r) => r.villageCode)}::text[], ${col(rs, (r) => r.townshipName)}::text[], ${col(rs, (r) => r.villageName)}::text[],
    ${col(rs, (r) => r.groupName)}::text[], ${col(rs, (r) => r.category)}::text[], ${col(rs, (r) => r.reservoir)}::text[],
    ${col(rs, (r) => r.moveDate)}::date[], ${col(rs, (r) => r.supportStart)}::date[], ${col(rs, (r) => r.supportEnd)}::date[],
    ${col(rs, (r) => r.status)}::text[], ${col(rs, (r) => r.removalDate)}::date[], ${col(rs, (r) => r.removalReason)}::text[],
    ${col(rs, (r) => r.phone)}::text[], ${col(rs, (r) => JSON.stringify(r.extra))}::text[]`;
}

/** Below this many new persons an import writes into the indexes as it goes. */
const BULK_MIN = 20_000;

/**
 * Insert new persons (and their accounts); returns their ids in the order given. The ids are
 * taken from the table's sequence first, so persons and accounts are written without reading
 * anything back. A large load that at least doubles the register on the embedded engine, or
 * fills an empty one on a server, builds the secondary indexes once at the end instead of row
 * by row.
 */
export async function insertPersons(trx: Kysely<Tables>, records: RosterRecord[], onChunk?: (n: number) => void): Promise<number[]> {
  if (!records.length) return [];
  const single = await isSingleSession(trx);
  const ids = await reserveIds(trx, 'persons', records.length, single);
  const write = async () => {
    for (let at = 0; at < records.length; at += CHUNK) {
      const part = records.slice(at, at + CHUNK);
      const partIds = ids.slice(at, at + CHUNK);
      await sql`
        INSERT INTO persons (id, ${PERSON_COLUMNS})
        SELECT id, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23::jsonb
        FROM unnest(${partIds}::bigint[], ${personArrays(part)}) AS u(id, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23)`.execute(
        trx,
      );
      await insertAccounts(trx, part, partIds);
      onChunk?.(part.length);
    }
  };
  // One session alone (the embedded engine) may lock the tables; on a server only an empty
  // register (the first load of a new database) has no reader to keep waiting.
  const bulk = records.length >= BULK_MIN && (single ? records.length >= (await estimatedRows(trx, 'persons')) : await isEmpty(trx, 'persons'));
  if (bulk) await withIndexesRebuilt(trx, ['persons', 'accounts'], write);
  else await write();
  return ids;
}

/** Accounts of persons inserted just now: their keys hold by construction, so the check is skipped where allowed. */
async function insertAccounts(trx: Kysely<Tables>, records: RosterRecord[], ids: number[]): Promise<void> {
  const withAcc = withAccounts(records, ids, true);
  if (!withAcc.length) return;
  const skipped = await skipTriggers(trx);
  await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name) ${accountRows(withAcc)}`.execute(trx);
  if (skipped) await restoreTriggers(trx);
}

/** The persons (with their ids) whose file row has a 银行账号, or (false) has none. */
const withAccounts = (records: RosterRecord[], ids: number[], has: boolean) =>
  records.map((r, i) => ({ r, id: ids[i] })).filter((x) => (x.r.accountNo !== '') === has);

/** The account rows of persons, as the source of an INSERT into accounts. */
const accountRows = (rows: { r: RosterRecord; id: number }[]) =>
  sql`SELECT * FROM unnest(${rows.map((x) => x.r.countyCode)}::text[], ${rows.map((x) => x.id)}::bigint[],
    ${rows.map((x) => x.r.accountNo)}::text[], ${rows.map((x) => x.r.bankName)}::text[], ${rows.map((x) => x.r.holderName)}::text[])`;

/** Overwrite changed persons with their merged records (version + 1) and their accounts. */
export async function updatePersons(trx: Kysely<Tables>, items: { id: number; record: RosterRecord }[], onChunk?: (n: number) => void): Promise<void> {
  for (const part of chunks(items)) {
    const rs = part.map((p) => p.record);
    await sql`
      UPDATE persons p SET household_no = u.c2, id_number = u.c3, id_number_raw = u.c4, id_valid = u.c5, name = u.c6, sex = u.c7,
        birth_date = u.c8, relation = u.c9, village_code = u.c10, township_name = u.c11, village_name = u.c12, group_name = u.c13,
        category = u.c14, reservoir = u.c15, move_date = u.c16, support_start = u.c17, support_end = u.c18, status = u.c19,
        removal_date = u.c20, removal_reason = u.c21, phone = u.c22, extra = u.c23::jsonb, version = p.version + 1, updated_at = now()
      FROM unnest(${part.map((p) => p.id)}::bigint[], ${personArrays(rs)})
        AS u(id, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23)
      WHERE p.county_code = u.c1 AND p.id = u.id`.execute(trx);
    await upsertAccounts(
      trx,
      rs,
      part.map((p) => p.id),
    );
    onChunk?.(part.length);
  }
}

async function upsertAccounts(trx: Kysely<Tables>, records: RosterRecord[], ids: number[]): Promise<void> {
  const withAcc = withAccounts(records, ids, true);
  const without = withAccounts(records, ids, false);
  if (withAcc.length) {
    await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name) ${accountRows(withAcc)}
      ON CONFLICT (county_code, person_id) DO UPDATE SET account_no = EXCLUDED.account_no, bank_name = EXCLUDED.bank_name,
        holder_name = EXCLUDED.holder_name, updated_at = now()
      WHERE (accounts.account_no, accounts.bank_name, accounts.holder_name) IS DISTINCT FROM (EXCLUDED.account_no, EXCLUDED.bank_name, EXCLUDED.holder_name)`.execute(
      trx,
    );
  }
  if (without.length) {
    await sql`DELETE FROM accounts a USING unnest(${without.map((x) => x.r.countyCode)}::text[], ${without.map((x) => x.id)}::bigint[]) AS u(c, id)
      WHERE a.county_code = u.c AND a.person_id = u.id`.execute(trx);
  }
}

// ---- import batches ----

export interface ImportBatch {
  id: string;
  countyCode: string;
  filename: string;
  format: string;
  encoding: string;
  size: number;
  sha256: string;
  status: string;
  error: string;
  summary: ImportSummary | null;
  jobId: string | null;
  createdBy: number | null;
  createdAt: string;
  appliedBy: number | null;
  appliedAt: string | null;
  selfApplied: boolean;
  /** the uploader's region when narrower than the county ('' = the county) */
  scope: string;
}

export async function insertImportBatch(
  db: Kysely<Tables>,
  b: { id: string; countyCode: string; filename: string; size: number; sha256: string; storedFile: string; createdBy: number | null; scope?: string | null },
): Promise<void> {
  await sql`INSERT INTO roster_imports (id, county_code, filename, size, sha256, content, stored_file, created_by, scope)
    VALUES (${b.id}, ${b.countyCode}, ${b.filename}, ${b.size}, ${b.sha256}, ''::bytea, ${b.storedFile}, ${b.createdBy}, ${b.scope ?? ''})`.execute(db);
}

export async function updateImportBatch(
  db: Kysely<Tables>,
  id: string,
  f: {
    status?: string;
    error?: string;
    summary?: unknown;
    format?: string;
    encoding?: string;
    jobId?: string;
    appliedBy?: number | null;
    applied?: boolean;
    selfApplied?: boolean;
  },
): Promise<void> {
  await sql`UPDATE roster_imports SET status = COALESCE(${f.status ?? null}, status), error = COALESCE(${f.error ?? null}, error),
    summary = COALESCE(${f.summary === undefined ? null : JSON.stringify(f.summary)}::jsonb, summary),
    format = COALESCE(${f.format ?? null}, format), encoding = COALESCE(${f.encoding ?? null}, encoding), job_id = COALESCE(${f.jobId ?? null}, job_id),
    applied_by = CASE WHEN ${f.applied ?? false} THEN ${f.appliedBy ?? null}::bigint ELSE applied_by END,
    applied_at = CASE WHEN ${f.applied ?? false} THEN now() ELSE applied_at END,
    self_applied = COALESCE(${f.selfApplied ?? null}::boolean, self_applied)
    WHERE id = ${id}`.execute(db);
}

/** Fields whose change by an import needs a second person to apply it (不相容岗位分离): accounts and 状态. */
export const DUTY_FIELDS: ReadonlySet<string> = new Set(['accountNo', 'bankName', 'holderName', 'status', 'removalDate', 'removalReason']);

/** Does the saved preview change accounts or 状态 of existing people (separation of duties)? */
export async function previewTouchesAccountsOrStatus(db: Kysely<Tables>, id: string): Promise<boolean> {
  const r = await sql<{ x: boolean }>`SELECT EXISTS (SELECT 1 FROM roster_import_rows r, jsonb_array_elements(r.changes) c
    WHERE r.import_id = ${id} AND r.kind = 'change' AND c->>'field' = ANY(${[...DUTY_FIELDS]}::text[])) AS x`.execute(db);
  return r.rows[0].x === true;
}

export async function getImportBatch(db: Kysely<Tables>, id: string): Promise<ImportBatch | null> {
  const r = await sql<{
    id: string;
    county_code: string;
    filename: string;
    format: string;
    encoding: string;
    size: number | string;
    sha256: string;
    status: string;
    error: string;
    summary: ImportSummary | null;
    job_id: string | null;
    created_by: number | string | null;
    created_at: string | Date;
    applied_by: number | string | null;
    applied_at: string | Date | null;
    self_applied: boolean | null;
    scope: string | null;
  }>`SELECT id, county_code, filename, format, encoding, size, sha256, status, error, summary, job_id,
    created_by, created_at, applied_by, applied_at, self_applied, scope FROM roster_imports WHERE id = ${id}`.execute(db);
  const b = r.rows[0];
  if (!b) return null;
  return {
    id: b.id,
    countyCode: b.county_code,
    filename: b.filename,
    format: b.format,
    encoding: b.encoding,
    size: Number(b.size),
    sha256: b.sha256,
    status: b.status,
    error: b.error,
    summary: b.summary,
    jobId: b.job_id,
    createdBy: b.created_by === null ? null : Number(b.created_by),
    createdAt: new Date(b.created_at).toISOString(),
    appliedBy: b.applied_by === null ? null : Number(b.applied_by),
    appliedAt: b.applied_at ? new Date(b.applied_at).toISOString() : null,
    selfApplied: b.self_applied === true,
    scope: b.scope ?? '',
  };
}

/** Where an import's file is: its key in the upload store, or (uploads older than the store) its bytes. */
export async function getImportSource(db: Kysely<Tables>, id: string): Promise<{ storedFile: string; content: Buffer | null }> {
  const r = await sql<{ stored_file: string; content: Uint8Array | null }>`SELECT stored_file,
    CASE WHEN stored_file = '' THEN content END AS content FROM roster_imports WHERE id = ${id}`.execute(db);
  const x = r.rows[0];
  return { storedFile: x?.stored_file ?? '', content: x?.content ? Buffer.from(x.content) : null };
}

export interface PreviewRow {
  kind: 'add' | 'change';
  rowNumber: number;
  countyCode: string;
  householdNo: string;
  idNumber: string;
  name: string;
  villageCode: string;
  status: string;
  changes: FieldChange[] | null;
}

/** Replace the stored row lists of an import (a new preview replaces an old one). */
export async function saveImportLists(db: Kysely<Tables>, id: string, rows: PreviewRow[], problems: RowProblem[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`DELETE FROM roster_import_rows WHERE import_id = ${id}`.execute(trx);
    await sql`DELETE FROM roster_import_problems WHERE import_id = ${id}`.execute(trx);
    let seq = 0;
    for (const part of chunks(rows, LIST_CHUNK)) {
      const seqs = part.map(() => ++seq);
      await sql`INSERT INTO roster_import_rows (import_id, seq, kind, row_number, county_code, household_no, id_number, name, village_code, status, changes)
        SELECT ${id}, s, k, rn, c, h, i, n, v, st, ch::jsonb FROM unnest(${seqs}::int[], ${part.map((r) => r.kind)}::text[], ${part.map((r) => r.rowNumber)}::int[],
          ${part.map((r) => r.countyCode)}::text[], ${part.map((r) => r.householdNo)}::text[], ${part.map((r) => r.idNumber)}::text[],
          ${part.map((r) => r.name)}::text[], ${part.map((r) => r.villageCode)}::text[], ${part.map((r) => r.status)}::text[],
          ${part.map((r) => (r.changes ? JSON.stringify(r.changes) : null))}::text[]) AS u(s, k, rn, c, h, i, n, v, st, ch)`.execute(trx);
    }
    seq = 0;
    for (const part of chunks(problems, LIST_CHUNK)) {
      const seqs = part.map(() => ++seq);
      await sql`INSERT INTO roster_import_problems (import_id, seq, kind, row_number, column_name, value, reason)
        SELECT ${id}, s, k, rn, c, v, r FROM unnest(${seqs}::int[], ${part.map((p) => p.kind)}::text[], ${part.map((p) => p.rowNumber)}::int[],
          ${part.map((p) => p.column)}::text[], ${part.map((p) => p.value)}::text[], ${part.map((p) => p.reason)}::text[]) AS u(s, k, rn, c, v, r)`.execute(
        trx,
      );
    }
  });
}

export async function listImportRows(
  db: Kysely<Tables>,
  id: string,
  kind: 'add' | 'change',
  offset: number,
  limit: number,
): Promise<{ total: number; items: PreviewRow[] }> {
  const t = await sql<{ n: number }>`SELECT count(*)::int AS n FROM roster_import_rows WHERE import_id = ${id} AND kind = ${kind}`.execute(db);
  const r = await sql<{
    kind: 'add' | 'change';
    row_number: number;
    county_code: string;
    household_no: string;
    id_number: string;
    name: string;
    village_code: string;
    status: string;
    changes: FieldChange[] | string | null;
  }>`SELECT kind, row_number, county_code, household_no, id_number, name, village_code, status, changes FROM roster_import_rows
    WHERE import_id = ${id} AND kind = ${kind} ORDER BY seq OFFSET ${offset} LIMIT ${limit}`.execute(db);
  return {
    total: Number(t.rows[0].n),
    items: r.rows.map((x) => ({
      kind: x.kind,
      rowNumber: Number(x.row_number),
      countyCode: x.county_code,
      householdNo: x.household_no,
      idNumber: x.id_number,
      name: x.name,
      villageCode: x.village_code,
      status: x.status,
      changes: typeof x.changes === 'string' ? JSON.parse(x.changes) : x.changes,
    })),
  };
}

export async function listImportProblems(
  db: Kysely<Tables>,
  id: string,
  kinds: string[],
  offset: number,
  limit: number,
): Promise<{ total: number; items: RowProblem[] }> {
  const t = await sql<{ n: number }>`SELECT count(*)::int AS n FROM roster_import_problems WHERE import_id = ${id} AND kind = ANY(${kinds}::text[])`.execute(
    db,
  );
  const r = await sql<{
    kind: ProblemKind;
    row_number: number;
    column_name: string;
    value: string;
    reason: string;
  }>`SELECT kind, row_number, column_name, value, reason FROM roster_import_problems
    WHERE import_id = ${id} AND kind = ANY(${kinds}::text[]) ORDER BY row_number, seq OFFSET ${offset} LIMIT ${limit}`.execute(db);
  return {
    total: Number(t.rows[0].n),
    items: r.rows.map((x) => ({ kind: x.kind, rowNumber: Number(x.row_number), column: x.column_name, value: x.value, reason: x.reason })),
  };
}

/** The county's recent imports, newest first (without the file content). */
export async function listImportBatches(db: Kysely<Tables>, countyCode: string, limit: number): Promise<ImportBatch[]> {
  const r = await sql<{ id: string }>`SELECT id FROM roster_imports WHERE county_code = ${countyCode} ORDER BY created_at DESC LIMIT ${limit}`.execute(db);
  const out: ImportBatch[] = [];
  for (const x of r.rows) {
    const b = await getImportBatch(db, x.id);
    if (b) out.push(b);
  }
  return out;
}

/** Imports of the same county run one after the other: each compares with what the last wrote. */
export async function lockCountyImports(trx: Kysely<Tables>, counties: string[]): Promise<void> {
  for (const c of counties) await sql`SELECT pg_advisory_xact_lock(hashtext(${'anju.roster_import.' + c})::bigint)`.execute(trx);
}

/** Mark a previewed import as being applied; false when it is not (any longer) previewed. */
export async function claimImportForApply(db: Kysely<Tables>, id: string): Promise<boolean> {
  const claimed = await sql<{
    id: string;
  }>`UPDATE roster_imports SET status = 'applying', error = '' WHERE id = ${id} AND status = 'previewed' RETURNING id`.execute(db);
  return claimed.rows.length > 0;
}

/** The counties in the database. */
export async function countyCodes(db: Kysely<Tables>): Promise<string[]> {
  const r = await sql<{ code: string }>`SELECT code FROM counties ORDER BY code`.execute(db);
  return r.rows.map((x) => x.code);
}
