// Roster import: read the file, compare it with the register (preview), then write it in one
// transaction (apply). Re-importing the same file changes nothing; persons of the register
// missing from the file are kept (counted as 'not in file'). The CLI, the web routes and the
// demo county all come through here.
import { createHash, randomUUID } from 'node:crypto';
import type { Tables } from '../shared/db/tables.ts';
import type { Kysely } from 'kysely';
import { access, mkdtemp, readFile, stat, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTable, readHead, type TableSource } from '../shared/files/table.ts';
import { keepUpload, keptFile, keptFileChanged, keptFileGone, keptPath, removeKept, sha256OfFile } from '../shared/files/upload-store.ts';
import { streamInWorker } from '../shared/worker.ts';
import { openFastTable } from '../shared/files/fastcsv.ts';
import { openXlsxFast } from '../shared/files/xlsx-fast.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { todayIso, type IsoDate } from '../shared/dates.ts';
import {
  rosterLayout,
  parseRosterRow,
  personKey,
  diffRecord,
  mergeRecord,
  type RosterRecord,
  type RowProblem,
  type RosterLayout,
  type FieldChange,
  type ProblemKind,
} from './roster-file.ts';
import {
  loadRegister,
  upsertRegionsAndHouseholds,
  insertPersons,
  updatePersons,
  insertImportBatch,
  updateImportBatch,
  getImportBatch,
  getImportSource,
  saveImportLists,
  previewTouchesAccountsOrStatus,
  lockCountyImports,
  listImportRows,
  listImportProblems,
  listImportBatches,
  type ImportBatch,
  claimImportForApply,
  countyCodes,
  DUTY_FIELDS,
  type PreviewRow,
} from './roster-import.store.ts';

export { countyCodes };
import { startJob } from '../shared/jobs.ts';
import { assertSeparateDuties, loadControls } from '../auth/index.ts';
import { sourceModule } from '../shared/paths.ts';

export interface ReadOptions {
  asOf?: IsoDate;
  /** counties the import may touch; null/undefined = every county named by the file's 村代码 */
  counties?: string[] | null;
  /** the importing user's region (county or township): rows outside it are rejected, never applied */
  scope?: string | null;
  onProgress?: (rowsRead: number) => void;
  /** the file's sha256 when already known (hashed as it was uploaded) */
  sha256?: string;
}

export interface RosterFile {
  format: string;
  encoding: string;
  sha256: string;
  size: number;
  layout: RosterLayout;
  rowsRead: number;
  records: RosterRecord[];
  problems: RowProblem[];
  warnings: string[];
}

/** Names of counties we know, for the region tree (others get their code until renamed). */
export const COUNTY_NAMES = new Map([
  ['430582', '邵东市'],
  ['430602', '岳阳楼区'],
]);

/**
 * Rows of a CSV through the fast reader (split by hand, in batches), of an XLSX through the
 * fast sheet scanner (Excel dates as dates, formula cells told apart), of anything else
 * through openTable, which says what is wrong with it.
 */
async function openRows(
  source: Buffer | string,
): Promise<{ format: string; encoding?: string; headers: string[]; rows: AsyncIterable<{ rowNumber: number; cells: unknown[] }> }> {
  // a file on disk (read in a worker thread): a CSV is read where it lies, an XLSX in memory
  if (typeof source === 'string') {
    const head = await readHead(source, 65536);
    const zip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
    if (zip) return openRows(await readFile(source));
    if (head.length === 0 || head.includes(0)) return openTable(source);
    const t = await openFastTable(source);
    async function* rows() {
      for await (const batch of t.batches) yield* batch;
    }
    return { format: t.format, encoding: t.encoding, headers: t.headers, rows: rows() };
  }
  const content = source;
  if (content.length >= 4 && content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04) return openXlsxFast(content);
  const binary = content.length >= 4 && ((content[0] === 0xd0 && content[1] === 0xcf) || content.subarray(0, 65536).includes(0));
  if (binary || content.length === 0) return openTable(content as TableSource);
  const dir = await mkdtemp(join(tmpdir(), 'anju-roster-'));
  const path = join(dir, 'roster.csv');
  await writeFile(path, content);
  try {
    const t = await openFastTable(path);
    async function* rows() {
      try {
        for await (const batch of t.batches) yield* batch;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return { format: t.format, encoding: t.encoding, headers: t.headers, rows: rows() };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Read and check a whole roster file (bytes, or a path). Throws AppError (Chinese) when the file cannot be read. */
export async function readRosterFile(content: Buffer | string, opts: ReadOptions = {}): Promise<RosterFile> {
  const asOf = opts.asOf ?? todayIso();
  const counties = opts.counties?.length ? new Set(opts.counties) : null;
  const table = await openRows(content);
  const layout = rosterLayout(table.headers);
  const records: RosterRecord[] = [];
  const problems: RowProblem[] = [];
  const firstRowOfKey = new Map<string, number>();
  let rowsRead = 0;
  for await (const row of table.rows) {
    rowsRead++;
    const parsed = parseRosterRow(layout, row.rowNumber, row.cells, { asOf, counties });
    if (parsed.record && opts.scope && !parsed.record.villageCode.startsWith(opts.scope)) {
      parsed.problems.push(outOfScope(row.rowNumber, parsed.record.villageCode, opts.scope));
      parsed.record = null;
    }
    if (parsed.record) {
      const key = personKey(parsed.record);
      const first = firstRowOfKey.get(key);
      if (first !== undefined) {
        parsed.problems.push({
          rowNumber: row.rowNumber,
          column: '身份证号',
          value: parsed.record.idNumberRaw,
          kind: 'rejected',
          reason: `与第${first}行重复：同一户编号下身份证号相同`,
        });
      } else {
        firstRowOfKey.set(key, row.rowNumber);
        records.push(parsed.record);
      }
    }
    for (const p of parsed.problems) problems.push(p);
    if (rowsRead % 2000 === 0) opts.onProgress?.(rowsRead);
  }
  opts.onProgress?.(rowsRead);
  if (rowsRead === 0) throw new AppError('FILE_EMPTY', '文件只有表头，没有数据行');
  if (records.length === 0) {
    const reasons = [...new Set(problems.filter((p) => p.kind === 'rejected').map((p) => `${p.column}：${p.reason}`))].slice(0, 3);
    throw new AppError('FILE_MALFORMED', `文件的${rowsRead}行数据全部无法导入（例如 ${reasons.join('；')}），数据库未作任何修改`, {
      problems: problems.slice(0, 100),
    });
  }
  return {
    format: table.format,
    encoding: table.encoding ?? '',
    sha256: opts.sha256 ?? (typeof content === 'string' ? await sha256OfFile(content) : createHash('sha256').update(content).digest('hex')),
    size: typeof content === 'string' ? (await stat(content)).size : content.length,
    layout,
    rowsRead,
    records,
    problems,
    warnings: layout.warnings,
  };
}

/** A roster in memory, or a kept file on disk: read in a worker thread and checked against its sha256. */
export type RosterSource = Buffer | { path: string; sha256: string };

type RosterFilePart = { head: Omit<RosterFile, 'records' | 'problems'> } | { records: RosterRecord[] } | { problems: RowProblem[] };
const PART = 2000;

/**
 * readRosterFile in a worker thread (run by streamInWorker): the file read from disk, then
 * its facts, records and problems handed back in parts of 2 000, each a short step for the
 * server's loop to take in. `emit` reports the rows read.
 */
export async function* readRosterFileParts(
  path: string,
  opts: Omit<ReadOptions, 'onProgress'>,
  emit: (rowsRead: number) => void,
): AsyncGenerator<RosterFilePart> {
  const { records, problems, ...head } = await readRosterFile(path, { ...opts, onProgress: emit });
  yield { head };
  for (let i = 0; i < records.length; i += PART) yield { records: records.slice(i, i + PART) };
  for (let i = 0; i < problems.length; i += PART) yield { problems: problems.slice(i, i + PART) };
}

/** Read and check a roster file on disk in a worker thread; the server's loop only collects the parts. */
export async function readRosterFileInWorker(path: string, opts: ReadOptions = {}): Promise<RosterFile> {
  const read = { asOf: opts.asOf, counties: opts.counties, scope: opts.scope, sha256: opts.sha256 };
  const file = { records: [] as RosterRecord[], problems: [] as RowProblem[] } as RosterFile;
  const parts = streamInWorker<RosterFilePart>(sourceModule('src/registry/roster-import.ts'), 'readRosterFileParts', [path, read], (n) =>
    opts.onProgress?.(n as number),
  );
  for await (const part of parts) {
    if ('head' in part) Object.assign(file, part.head);
    else if ('records' in part) for (const r of part.records) file.records.push(r);
    else for (const p of part.problems) file.problems.push(p);
  }
  return file;
}

async function readSource(source: RosterSource, opts: ReadOptions): Promise<RosterFile> {
  if (Buffer.isBuffer(source)) return readRosterFile(source, opts);
  try {
    await access(source.path);
  } catch {
    throw keptFileGone('花名册');
  }
  // the worker hashes the file it reads: checked here, as keptFile would, without a pass of its own
  const file = await readRosterFileInWorker(source.path, { ...opts, sha256: undefined });
  if (file.sha256 !== source.sha256) throw keptFileChanged('花名册');
  return file;
}

const outOfScope = (rowNumber: number, villageCode: string, scope: string): RowProblem => ({
  rowNumber,
  column: '村代码',
  value: villageCode,
  kind: 'rejected',
  reason: `村代码${villageCode}不在您的辖区（${scope}）内，本行未导入：只能导入和修改本辖区的人员`,
});

export const touchesAccountsOrStatus = (plan: Pick<ImportPlan, 'toChange'>) => plan.toChange.some((c) => c.changes.some((x) => DUTY_FIELDS.has(x.field)));

export interface PlannedChange {
  id: number;
  version: number;
  before: RosterRecord;
  after: RosterRecord;
  changes: FieldChange[];
}

export interface ImportPlan {
  counties: string[];
  toAdd: RosterRecord[];
  toChange: PlannedChange[];
  unchanged: number;
  notInFile: number;
  /** rows refused because the registered person lies outside the importing user's region */
  scopeProblems: RowProblem[];
}

/** Compare the file's records with the register (pure once the register is loaded). */
export function planImport(
  file: Pick<RosterFile, 'records' | 'layout'>,
  register: Map<string, { id: number; version: number; record: RosterRecord }>,
  counties: string[],
  scope?: string | null,
): ImportPlan {
  const toAdd: RosterRecord[] = [];
  const toChange: PlannedChange[] = [];
  const scopeProblems: RowProblem[] = [];
  let unchanged = 0,
    outside = 0;
  for (const rec of file.records) {
    const existing = register.get(personKey(rec));
    if (!existing) {
      toAdd.push(rec);
      continue;
    }
    // a row inside the scope must not move or change a person registered outside it
    if (scope && !existing.record.villageCode.startsWith(scope)) {
      scopeProblems.push(outOfScope(rec.rowNumber, existing.record.villageCode, scope));
      outside++;
      continue;
    }
    const changes = diffRecord(existing.record, rec, file.layout);
    if (!changes.length) unchanged++;
    else
      toChange.push({
        id: existing.id,
        version: existing.version,
        before: existing.record,
        after: { ...mergeRecord(existing.record, rec, changes), rowNumber: rec.rowNumber },
        changes,
      });
  }
  const matched = file.records.length - toAdd.length - outside;
  return { counties, toAdd, toChange, unchanged, notInFile: register.size - matched, scopeProblems };
}

/** planImport in steps of 20 000 records, the server answering between them: the same plan. */
export async function planImportInSteps(
  file: Pick<RosterFile, 'records' | 'layout'>,
  register: Map<string, { id: number; version: number; record: RosterRecord }>,
  counties: string[],
  scope?: string | null,
): Promise<ImportPlan> {
  const STEP = 20_000;
  const plan: ImportPlan = { counties, toAdd: [], toChange: [], unchanged: 0, notInFile: register.size, scopeProblems: [] };
  for (let i = 0; i < file.records.length; i += STEP) {
    if (i) await new Promise((r) => setImmediate(r));
    const part = planImport({ records: file.records.slice(i, i + STEP), layout: file.layout }, register, counties, scope);
    for (const r of part.toAdd) plan.toAdd.push(r);
    for (const c of part.toChange) plan.toChange.push(c);
    for (const p of part.scopeProblems) plan.scopeProblems.push(p);
    plan.unchanged += part.unchanged;
    plan.notInFile -= register.size - part.notInFile; // the persons of the register this part matched
  }
  return plan;
}

export interface ImportSummary {
  rowsRead: number;
  added: number;
  changed: number;
  unchanged: number;
  rejected: number;
  rejectedRows: number;
  corrected: number;
  /** imported as written, to be corrected (错误, e.g. an invalid ID) */
  errors: number;
  warnings: number;
  notInFile: number;
  counties: string[];
  fileWarnings: string[];
  format: string;
  encoding: string;
  sha256: string;
  applied: boolean;
  /** applied by the user who uploaded it, under the county's audited allowSelfApproval setting */
  selfApplied?: boolean;
}

export function summarize(file: RosterFile, plan: ImportPlan, applied: boolean): ImportSummary {
  const count = (k: string) => file.problems.filter((p) => p.kind === k).length;
  return {
    rowsRead: file.rowsRead,
    added: plan.toAdd.length,
    changed: plan.toChange.length,
    unchanged: plan.unchanged,
    rejected: count('rejected'),
    rejectedRows: new Set(file.problems.filter((p) => p.kind === 'rejected').map((p) => p.rowNumber)).size,
    corrected: count('corrected'),
    errors: count('error'),
    warnings: count('warning'),
    notInFile: plan.notInFile,
    counties: plan.counties,
    fileWarnings: file.warnings,
    format: file.format,
    encoding: file.encoding,
    sha256: file.sha256,
    applied,
  };
}

/** The rows a person checking the preview looks at. */
export function previewRows(plan: ImportPlan): PreviewRow[] {
  const row = (r: RosterRecord) => ({
    rowNumber: r.rowNumber,
    countyCode: r.countyCode,
    householdNo: r.householdNo,
    idNumber: r.idNumber,
    name: r.name,
    villageCode: r.villageCode,
    status: r.status,
  });
  return [
    ...plan.toAdd.map((r) => ({ kind: 'add' as const, ...row(r), changes: null })),
    ...plan.toChange.map((c) => ({ kind: 'change' as const, ...row(c.after), rowNumber: fileRowOf(c), changes: c.changes })),
  ];
}
const fileRowOf = (c: PlannedChange) => c.after.rowNumber || c.before.rowNumber;

/** previewRows in steps of 20 000 (a million rows made at once held the server's loop ~0.7 s). */
async function previewRowsInSteps(plan: ImportPlan): Promise<PreviewRow[]> {
  const STEP = 20_000;
  const out: PreviewRow[] = [];
  const parts = (n: number) => Array.from({ length: Math.ceil(n / STEP) }, (_, i) => [i * STEP, (i + 1) * STEP]);
  for (const [a, b] of parts(plan.toAdd.length)) {
    for (const r of previewRows({ ...plan, toAdd: plan.toAdd.slice(a, b), toChange: [] })) out.push(r);
    await new Promise((r) => setImmediate(r));
  }
  for (const [a, b] of parts(plan.toChange.length)) {
    for (const r of previewRows({ ...plan, toAdd: [], toChange: plan.toChange.slice(a, b) })) out.push(r);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

function countiesOf(file: RosterFile, scope: string[] | null | undefined): string[] {
  return scope?.length ? [...scope] : [...new Set(file.records.map((r) => r.countyCode))].sort();
}

/** Preview: what the import would do. Writes nothing. */
export async function previewRoster(
  db: Kysely<Tables>,
  content: RosterSource,
  opts: ReadOptions = {},
): Promise<{ file: RosterFile; plan: ImportPlan; summary: ImportSummary }> {
  const file = await readSource(content, opts);
  const counties = countiesOf(file, opts.counties);
  const plan = await planImportInSteps(file, await loadRegister(db, counties), counties, opts.scope);
  file.problems.push(...plan.scopeProblems);
  return { file, plan, summary: summarize(file, plan, false) };
}

export interface ApplyOptions extends ReadOptions {
  actor: AuditActor;
  filename?: string;
  importId?: string;
  onWrite?: (written: number, total: number) => void;
  /** separation of duties: who uploaded the file, and who applies it */
  duty?: { enteredBy: number | null; userId: number };
}

/**
 * Apply: read the file again, compare with the register as it is now, and write everything
 * in one transaction with its audit entries. Either all of it is written or none.
 */
export async function applyRoster(
  db: Kysely<Tables>,
  content: RosterSource,
  opts: ApplyOptions,
): Promise<{ file: RosterFile; plan: ImportPlan; summary: ImportSummary }> {
  const file = await readSource(content, opts);
  const counties = countiesOf(file, opts.counties);
  return db.transaction().execute(async (trx) => {
    await lockCountyImports(trx, counties);
    const plan = await planImportInSteps(file, await loadRegister(trx, counties), counties, opts.scope);
    file.problems.push(...plan.scopeProblems);
    let selfApplied = false;
    if (opts.duty && touchesAccountsOrStatus(plan)) {
      ({ selfApproved: selfApplied } = assertSeparateDuties({
        step: 'roster.apply',
        firstBy: [opts.duty.enteredBy],
        secondBy: opts.duty.userId,
        allowSelfApproval: (await loadControls(trx, counties[0] ?? '')).allowSelfApproval,
      }));
    }
    const summary = { ...summarize(file, plan, true), selfApplied };
    const total = plan.toAdd.length + plan.toChange.length;
    let written = 0;
    const tick = (n: number) => {
      written += n;
      opts.onWrite?.(written, total);
    };
    if (total > 0) {
      await upsertRegionsAndHouseholds(trx, [...plan.toAdd, ...plan.toChange.map((c) => c.after)], COUNTY_NAMES);
      await insertPersons(trx, plan.toAdd, tick);
      await updatePersons(
        trx,
        plan.toChange.map((c) => ({ id: c.id, record: c.after })),
        tick,
      );
    }
    // one entry for the batch; one per existing person whose record changed
    await appendAudit(trx, opts.actor, [
      {
        action: 'roster.import',
        entityType: 'roster_import',
        entityId: opts.importId ?? file.sha256.slice(0, 16),
        countyCode: counties.length === 1 ? counties[0] : '',
        detail: {
          filename: opts.filename ?? '',
          sha256: file.sha256,
          size: file.size,
          format: file.format,
          counties,
          rowsRead: file.rowsRead,
          added: summary.added,
          changed: summary.changed,
          unchanged: summary.unchanged,
          rejectedRows: summary.rejectedRows,
          notInFile: summary.notInFile,
          ...(opts.duty ? { uploadedBy: opts.duty.enteredBy, selfApplied } : {}),
          ...(opts.scope ? { scope: opts.scope } : {}),
        },
      },
      ...plan.toChange.map((c) => ({
        action: 'person.update',
        entityType: 'person',
        entityId: c.id,
        countyCode: c.after.countyCode,
        before: Object.fromEntries(c.changes.map((x) => [x.field, x.before])),
        after: Object.fromEntries(c.changes.map((x) => [x.field, x.after])),
        detail: { source: 'roster.import', importId: opts.importId ?? null, rowNumber: c.after.rowNumber, householdNo: c.after.householdNo },
      })),
    ]);
    return { file, plan, summary };
  });
}

/** A township-level region limits the import; a county-level one is the county (already the import's counties). */
const scopeOf = (regionCode: string | undefined) => (regionCode && regionCode.length > 6 ? regionCode : null);
/** Applied by another user: inside both the uploader's and the applier's region (disjoint regions apply nothing). */
function narrowest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b || a.startsWith(b)) return a;
  return b.startsWith(a) ? b : `${a}|${b}`; // no village code starts with this: every row is outside
}

// ---- imports from the web page: a stored file, previewed as a job, applied as a job ----

export interface StartedImport {
  id: string;
  jobId: string;
}

/**
 * Keep the uploaded file (moved from its temporary place into the upload store, with the
 * sha256 it was hashed to on arrival) and preview it in the background (job
 * 'roster.import.preview'): read in a worker thread, compared with the register here.
 */
export async function startImportPreview(
  db: Kysely<Tables>,
  o: { upload: { path: string; size: number; sha256: string }; filename: string; countyCode: string; userId: number | null; regionCode?: string },
): Promise<StartedImport> {
  if (!o.upload.size) throw new AppError('FILE_EMPTY', '上传的文件为空');
  const id = randomUUID();
  const storedFile = await keepUpload('roster-imports', o.upload.path);
  try {
    await insertImportBatch(db, {
      id,
      countyCode: o.countyCode,
      filename: o.filename,
      size: o.upload.size,
      sha256: o.upload.sha256,
      storedFile,
      createdBy: o.userId,
      scope: scopeOf(o.regionCode),
    });
  } catch (e) {
    await removeKept([storedFile]);
    throw e;
  }
  const jobId = await startJob(db, 'roster.import.preview', { countyCode: o.countyCode, createdBy: o.userId }, async (p) => {
    try {
      await updateImportBatch(db, id, { status: 'previewing' });
      const { file, plan, summary } = await previewRoster(
        db,
        { path: keptPath(storedFile), sha256: o.upload.sha256 },
        {
          counties: [o.countyCode],
          scope: scopeOf(o.regionCode),
          onProgress: (n) => void p.progress(n, null, `已读取${n}行`).catch(() => {}),
        },
      );
      await saveImportLists(db, id, await previewRowsInSteps(plan), file.problems);
      await updateImportBatch(db, id, { status: 'previewed', summary, format: file.format, encoding: file.encoding, error: '' });
      return countsOf(summary);
    } catch (e) {
      await updateImportBatch(db, id, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  });
  await updateImportBatch(db, id, { jobId });
  return { id, jobId };
}

export const countsOf = (s: ImportSummary) => ({
  read: s.rowsRead,
  added: s.added,
  changed: s.changed,
  unchanged: s.unchanged,
  rejected: s.rejectedRows,
  corrected: s.corrected,
  errors: s.errors ?? 0,
  warnings: s.warnings,
  notInFile: s.notInFile,
});

/** Apply a previewed import in the background (job 'roster.import.apply'); refuses a second apply. */
export async function startImportApply(
  db: Kysely<Tables>,
  id: string,
  user: { id: number; username: string; countyCode: string; regionCode?: string },
  onApplied?: () => void,
): Promise<StartedImport> {
  const batch = await getImportBatch(db, id);
  if (!batch || batch.countyCode !== user.countyCode) throw new AppError('NOT_FOUND', '导入记录不存在');
  // refuse at once what the job would refuse: the uploader applying changes to accounts or 状态
  if (batch.status === 'previewed' && (await previewTouchesAccountsOrStatus(db, id))) {
    assertSeparateDuties({
      step: 'roster.apply',
      firstBy: [batch.createdBy],
      secondBy: user.id,
      allowSelfApproval: (await loadControls(db, user.countyCode)).allowSelfApproval,
    });
  }
  if (!(await claimImportForApply(db, id))) {
    const why: Record<string, string> = {
      applied: '该文件已经导入，不能重复导入',
      applying: '该文件正在导入，请稍候',
      failed: '该文件无法读取，不能导入',
      uploaded: '预览尚未完成，请稍候',
      previewing: '预览尚未完成，请稍候',
    };
    throw new AppError('CONFLICT', why[batch.status] ?? '当前状态不能导入');
  }
  const jobId = await startJob(db, 'roster.import.apply', { countyCode: batch.countyCode, createdBy: user.id }, async (p) => {
    try {
      const { file, plan, summary } = await applyRoster(db, await sourceOf(db, id, batch.sha256), {
        counties: [batch.countyCode],
        scope: narrowest(batch.scope, scopeOf(user.regionCode)),
        duty: { enteredBy: batch.createdBy, userId: user.id },
        actor: { userId: user.id, username: user.username },
        filename: batch.filename,
        importId: id,
        onWrite: (w, t) => void p.progress(w, t, '正在写入花名册').catch(() => {}),
      });
      await saveImportLists(db, id, await previewRowsInSteps(plan), file.problems);
      await updateImportBatch(db, id, { status: 'applied', summary, applied: true, appliedBy: user.id, selfApplied: summary.selfApplied === true });
      onApplied?.();
      return countsOf(summary);
    } catch (e) {
      await updateImportBatch(db, id, { status: 'previewed', error: `导入失败，数据库未作修改：${e instanceof Error ? e.message : String(e)}` });
      throw e;
    }
  });
  await updateImportBatch(db, id, { jobId });
  return { id, jobId };
}

/** An import's file as it was previewed: the kept file (checked by its sha256 when read), or the bytes of an older upload. */
async function sourceOf(db: Kysely<Tables>, id: string, sha256: string): Promise<RosterSource> {
  const s = await getImportSource(db, id);
  if (s.storedFile) return { path: keptPath(s.storedFile), sha256 };
  if (s.content?.length) return s.content;
  throw new AppError('CONFLICT', '该导入的原始文件已按保留期清理，请重新上传');
}

/** The uploaded file of an import of this county, for checks by other capabilities (null when not found). */
export async function getImportFile(db: Kysely<Tables>, countyCode: string, id: string): Promise<{ filename: string; content: Buffer } | null> {
  const b = await getImportBatch(db, id);
  if (!b || b.countyCode !== countyCode) return null;
  const s = await getImportSource(db, id);
  const content = s.storedFile ? await readFile(await keptFile(s.storedFile, b.sha256, '导入的花名册文件')) : (s.content ?? Buffer.alloc(0));
  return { filename: b.filename, content };
}

// ---- what the import pages read (a county sees only its own imports) ----

async function batchOfCounty(db: Kysely<Tables>, countyCode: string, id: string): Promise<ImportBatch> {
  const b = await getImportBatch(db, id);
  if (!b || b.countyCode !== countyCode) throw new AppError('NOT_FOUND', '导入记录不存在');
  return b;
}

/** The county's recent imports, newest first, with their counts. */
export async function recentImports(db: Kysely<Tables>, countyCode: string, limit: number) {
  const items = await listImportBatches(db, countyCode, limit);
  return items.map((b) => ({
    id: b.id,
    filename: b.filename,
    status: b.status,
    error: b.error,
    createdAt: b.createdAt,
    appliedAt: b.appliedAt,
    counts: b.summary ? countsOf(b.summary) : null,
  }));
}

const ALL_PROBLEMS: ProblemKind[] = ['rejected', 'corrected', 'error', 'warning'];

/** An import's preview or result: counts and one page of each list. */
export async function importView(db: Kysely<Tables>, countyCode: string, id: string, offset: number, limit: number) {
  const b = await batchOfCounty(db, countyCode, id);
  const [added, changed, problems, rejected] = await Promise.all([
    listImportRows(db, b.id, 'add', offset, limit),
    listImportRows(db, b.id, 'change', offset, limit),
    listImportProblems(db, b.id, ALL_PROBLEMS, offset, limit),
    listImportProblems(db, b.id, ['rejected'], offset, limit),
  ]);
  const row = (x: PreviewRow) => ({
    ...x,
    changes: x.changes ? x.changes.map((c) => ({ field: c.field, label: c.column, before: c.before, after: c.after })) : null,
  });
  const prob = (p: RowProblem) => ({ rowNumber: p.rowNumber, column: p.column, value: p.value, reason: p.reason, severity: p.kind });
  return {
    id: b.id,
    filename: b.filename,
    status: b.status,
    error: b.error,
    jobId: b.jobId,
    createdAt: b.createdAt,
    appliedAt: b.appliedAt,
    createdBy: b.createdBy,
    appliedBy: b.appliedBy,
    selfApplied: b.selfApplied,
    format: b.format,
    encoding: b.encoding,
    sha256: b.sha256,
    counts: b.summary ? countsOf(b.summary) : null,
    warnings: b.summary?.fileWarnings ?? [],
    added: added.items.map(row),
    changed: changed.items.map(row),
    problems: problems.items.map(prob),
    rejected: rejected.items.map(prob),
    totals: { added: added.total, changed: changed.total, problems: problems.total, rejected: rejected.total },
    offset,
    limit,
  };
}

/** Every problem row of an import (for the downloadable list). */
export async function importProblems(db: Kysely<Tables>, countyCode: string, id: string): Promise<{ batch: ImportBatch; problems: RowProblem[] }> {
  const batch = await batchOfCounty(db, countyCode, id);
  const all = await listImportProblems(db, batch.id, ALL_PROBLEMS, 0, 10_000_000);
  return { batch, problems: all.items };
}
