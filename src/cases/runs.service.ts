// The cross-check run's workflow: an uploaded extract checked and kept (audited), a run as a
// job — the register and the recorded payments read from the database, the engine
// (src/crosscheck) called in ONE place, findings kept and turned into cases, audited.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { keepBytes, keepUpload, keptFile, removeKept, sha256OfFile } from '../shared/files/upload-store.ts';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { startJob, type JobProgress } from '../shared/jobs.ts';
import { runCrosscheck, type RosterRecord, type PaymentRecord } from '../crosscheck/index.ts';
import { streamRosterForCheck } from '../registry/index.ts';
import { streamRecordedPayments, loadSettings } from '../subsidy/index.ts';
import { parsePeriod, comparePeriods } from '../shared/periods.ts';
import { countInput, countInputInWorker, readInput } from './inputs.ts';
import { upsertCasesFromRun } from './cases.store.ts';
import { failRun, findInput, finishRun, getRun, insertInput, insertRun, inputsWithContent, listFindings, saveFindings, setRunJob } from './runs.store.ts';
import { auditUnmaskedView, type SessionUser } from '../auth/index.ts';
import { scopeOf } from './cases.service.ts';
import { INPUT_KIND_LABELS, type CrosscheckRun, type InputKind, type StoredInput } from './cases.contract.ts';

type Db = Kysely<Tables>;

export { getRun, listRuns, listInputs, listFindings } from './runs.store.ts';

/** A run's findings in the user's region, paged; an unmasked view is audited. */
export async function findingsPage(db: Db, user: SessionUser, runId: number, f: { code?: string; offset: number; limit: number }, unmasked: boolean) {
  const res = await listFindings(db, user.countyCode, runId, { ...f, scope: scopeOf(user) });
  if (unmasked)
    await auditUnmaskedView(db, user, {
      entityType: 'crosscheck_run',
      entityId: runId,
      countyCode: user.countyCode,
      fields: ['idNumber'],
      count: res.findings.length,
    });
  return res;
}

/** Every finding of a run in the user's region, for the FORMATS §6 file (full ID numbers): audited as an export. */
export async function findingsExport(db: Db, user: SessionUser, runId: number) {
  const run = await getRun(db, user.countyCode, runId);
  const { findings } = await listFindings(db, user.countyCode, run.id, { scope: scopeOf(user), limit: 100000 });
  await auditUnmaskedView(db, user, {
    entityType: 'crosscheck_run',
    entityId: run.id,
    countyCode: user.countyCode,
    fields: ['idNumber'],
    count: findings.length,
    action: 'crosscheck.findings_export',
  });
  return { run, findings };
}

/** Keep an uploaded extract (the same file twice is kept once). Its columns are checked first. */
export async function uploadInput(
  db: Db,
  actor: AuditActor,
  countyCode: string,
  kind: InputKind,
  file: { filename: string; label?: string } & ({ path: string; sha256?: string } | { content: Buffer }),
): Promise<StoredInput & { problems: { rowNumber: number; column: string; reason: string }[]; problemCount: number }> {
  // an upload on disk (receiveUpload's temporary file, hashed as it arrived) is read in a worker
  // thread, streamed from the file, and kept by moving it into the upload store
  const onDisk = 'path' in file;
  const sha256 = onDisk ? (file.sha256 ?? (await sha256OfFile(file.path))) : createHash('sha256').update(file.content).digest('hex');
  const size = onDisk ? (await stat(file.path)).size : file.content.length;
  const { rows, problems, problemCount } = onDisk ? await countInputInWorker(kind, file.path) : await countInput(kind, file.content);
  if (!rows) throw new AppError('FILE_EMPTY', `${INPUT_KIND_LABELS[kind]}中没有可用的数据行`, { problems: problems.slice(0, 50) });
  let kept = '';
  try {
    return await db.transaction().execute(async (trx) => {
      const old = await findInput(trx, countyCode, kind, sha256);
      if (old) return { ...old, problems, problemCount };
      kept = onDisk ? await keepUpload('crosscheck-inputs', file.path) : await keepBytes('crosscheck-inputs', file.content);
      const saved = await insertInput(trx, countyCode, {
        kind,
        label: file.label ?? '',
        filename: file.filename,
        sha256,
        rows,
        size,
        storedFile: kept,
        uploadedBy: actor.userId,
      });
      await appendAudit(trx, actor, {
        action: 'crosscheck.upload',
        entityType: 'crosscheck_input',
        entityId: saved.id,
        countyCode,
        after: { kind, filename: file.filename, sha256, rows, problems: problemCount },
      });
      return { ...saved, problems, problemCount };
    });
  } catch (e) {
    // the transaction did not keep the record: nor is the file kept
    if (kept) await removeKept([kept]);
    throw e;
  }
}

export interface RunRequest {
  inputIds: number[];
  periods?: string[];
  coverage?: string[];
}

async function* counted<T>(src: AsyncIterable<T>, tick: () => void): AsyncGenerator<T> {
  for await (const x of src) {
    tick();
    yield x;
  }
}

/** Do the run (the job's work): read, call the engine, keep findings, make cases. */
export async function executeRun(db: Db, actor: AuditActor, countyCode: string, runId: number, req: RunRequest, p?: JobProgress): Promise<CrosscheckRun> {
  const inputs = await inputsWithContent(db, countyCode, req.inputIds);
  const missing = req.inputIds.filter((id) => !inputs.some((i) => Number(i.id) === id));
  if (missing.length) throw new AppError('NOT_FOUND', `上传的文件${missing.join('、')}不存在`);
  const pruned = inputs.filter((i) => !i.stored_file && !i.content?.length);
  if (pruned.length)
    throw new AppError('CONFLICT', `上传的文件${pruned.map((i) => `“${i.filename}”`).join('、')}已超过保留期，原始内容已清理，请重新上传后再核对`);
  let done = 0;
  const total = inputs.reduce((s, i) => s + Number(i.rows), 0);
  const tick = () => {
    done++;
    if (done % 5000 === 0) void p?.progress(done, null, '正在核对');
  };

  const roster: RosterRecord[] = [];
  for await (const chunk of streamRosterForCheck(db, countyCode)) {
    for (const x of chunk)
      roster.push({
        householdNo: x.householdNo,
        name: x.name,
        idNumber: x.idNumberRaw,
        villageCode: x.villageCode,
        supportStart: x.supportStart,
        supportEnd: x.supportEnd,
        status: x.status,
        removalDate: x.removalDate,
        removalReason: x.removalReason,
        rowNumber: x.personId,
      });
  }
  await p?.progress(0, total + roster.length, `已读入花名册${roster.length}人`);
  const problems: Record<string, number> = {};
  const open = async (kind: InputKind) => {
    const parts = await Promise.all(
      inputs
        .filter((i) => i.kind === kind)
        .map(async (i) => {
          // a kept file is read from disk once its sha256 is checked; an older upload's bytes as they are (PGlite gives bytea as Uint8Array)
          const source = i.stored_file ? await keptFile(i.stored_file, i.sha256, `核对数据“${i.filename}”`) : Buffer.from(i.content ?? []);
          const r = await readInput(kind, source);
          return { label: i.label || i.filename, records: counted(r.records, tick), problems: r.problems, id: Number(i.id) };
        }),
    );
    return parts;
  };
  const [deaths, hukou, others, payFiles] = await Promise.all([open('deaths'), open('hukou'), open('other_roster'), open('payments')]);
  let recordedPayments = 0;
  async function* payments(): AsyncGenerator<PaymentRecord> {
    for await (const x of streamRecordedPayments(db, countyCode)) {
      recordedPayments++;
      yield x;
    }
    for (const f of payFiles) for await (const x of f.records) yield x as PaymentRecord;
  }
  async function* chain<T>(parts: { records: AsyncIterable<unknown> }[]): AsyncGenerator<T> {
    for (const x of parts) for await (const r of x.records) yield r as T;
  }

  const periods = req.periods?.length ? req.periods : undefined;
  const last = periods ? [...periods].sort(comparePeriods).at(-1)! : null;
  const rules = await loadSettings(db, countyCode, last ? parsePeriod(last)!.first : todayIso());
  // the one call into the engine
  const result = await runCrosscheck({
    roster,
    payments: payments(),
    periods,
    coverage: req.coverage,
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
    ...inputs.map((i) => ({
      id: Number(i.id),
      kind: i.kind,
      name: INPUT_KIND_LABELS[i.kind as InputKind],
      label: i.label,
      filename: i.filename,
      sha256: i.sha256,
      rows: Number(i.rows),
      problems: problems[Number(i.id)] ?? 0,
    })),
  ];
  return db.transaction().execute(async (trx) => {
    await saveFindings(trx, countyCode, runId, result.findings);
    const cases = await upsertCasesFromRun(trx, countyCode, runId);
    const summary = {
      ...result.summary,
      newCases: cases.inserted,
      updatedCases: cases.updated,
      rules: { standardFen: rules.standardFen, termYears: rules.termYears },
    };
    await finishRun(trx, countyCode, runId, { periods: result.summary.periods, inputs: inputsRecord, summary });
    await appendAudit(trx, actor, {
      action: 'crosscheck.run',
      entityType: 'crosscheck_run',
      entityId: runId,
      countyCode,
      after: {
        periods: result.summary.periods,
        counts: result.summary.counts,
        overFen: result.summary.overFen,
        underFen: result.summary.underFen,
        newCases: cases.inserted,
        updatedCases: cases.updated,
      },
      detail: { inputs: inputsRecord },
    });
    return getRun(trx, countyCode, runId);
  });
}

/** Start a run as a job; returns at once with the run and its job id (GET /api/jobs/:id for progress). */
export async function startRun(db: Db, actor: AuditActor, countyCode: string, req: RunRequest): Promise<CrosscheckRun> {
  for (const p of req.periods ?? []) if (!parsePeriod(p)) throw new AppError('VALIDATION', `核对期间“${p}”无效`);
  const runId = await insertRun(db, countyCode, actor.userId, '排队中');
  const jobId = await startJob(db, 'crosscheck', { countyCode, createdBy: actor.userId }, async (p) => {
    try {
      return await executeRun(db, actor, countyCode, runId, req, p);
    } catch (e) {
      await failRun(db, countyCode, runId, e instanceof Error ? e.message : String(e)).catch(() => {});
      throw e;
    }
  });
  await setRunJob(db, countyCode, runId, jobId);
  return getRun(db, countyCode, runId);
}

/** Do a run in this call (no job): the demo county's first run, scripts. */
export async function runNow(db: Db, actor: AuditActor, countyCode: string, req: RunRequest): Promise<CrosscheckRun> {
  return executeRun(db, actor, countyCode, await insertRun(db, countyCode, actor.userId, '运行中'), req);
}
