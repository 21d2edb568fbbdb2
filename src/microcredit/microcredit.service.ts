// The microcredit workflow: importing the bank files (one transaction, every rejected row
// listed, the same files twice change nothing), the quarterly subsidy (computed from the
// database with the same pure function as the file mode; 计算 → 审核 → 公示 → 发放, the reviewer
// never the one who computed), loan handling notes, and the figures. Audited.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { readBook } from './files.ts';
import { parseQuarter } from './values.ts';
import { quarterSubsidy, type SubsidyLine } from './subsidy.ts';
import { renewedFromOf, renewalsOf, loanState, handlingOf } from './figures.ts';
import type { Loan } from './book.ts';
import { bankFile, noticeRowsOf, type PayLine } from './payment.ts';
import { getTemplate } from '../subsidy/index.ts';
import { MESSAGES, RUN_STATE_NAMES } from './microcredit.contract.ts';
import {
  countiesOnFile,
  getImport,
  insertEvent,
  insertImport,
  lastImport,
  listEvents,
  loadLoans,
  loanKey,
  loanKeys,
  lockCountyBook,
  recordBookEvents,
  regionNames,
  replaceBook,
  setImportChanges,
  subsidiesOfLoan,
  townshipOf,
  type ImportRow,
  type LoanFilter,
} from './book.store.ts';
import { getRun, listRunLines, runOfQuarter, saveRun, setState, type RunState, type SubsidyRun } from './runs.store.ts';

export interface UploadedFile {
  filename: string;
  content: Buffer;
}
export interface BookUpload {
  loans: UploadedFile;
  repayments: UploadedFile;
  rates: UploadedFile;
}

export interface ImportOutcome {
  importId: number | null;
  unchanged: boolean;
  dryRun: boolean;
  loans: number;
  repayments: number;
  rates: number;
  rejected: { file: string; row: number; reason: string }[];
  changes: Record<string, number>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The county most loans' 村代码 lie in: the default when a command line names none. */
export function countyOfBook(loans: Loan[]): string | null {
  const n = new Map<string, number>();
  for (const l of loans) if (/^\d{12}$/.test(l.villageCode)) n.set(l.villageCode.slice(0, 6), (n.get(l.villageCode.slice(0, 6)) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** A command's county: --county, else the one county the database holds (in its book, or on file). */
export async function commandCounty(db: Kysely<Tables>, given?: string): Promise<string> {
  if (given) {
    if (!/^\d{6}$/.test(given)) throw new AppError('VALIDATION', `县级区划代码“${given}”应为6位数字`);
    return given;
  }
  for (const found of await countiesOnFile(db)) {
    if (found.length === 1) return found[0];
    if (found.length > 1) break;
  }
  throw new AppError('VALIDATION', '请用 --county 指定县级区划代码');
}

/** Import the banks' complete book (the three files); nothing is written on a dry run. A null county: the book's own. */
export async function importBook(
  db: Kysely<Tables>,
  actor: AuditActor,
  county: string | null,
  files: BookUpload,
  opts: { dryRun?: boolean } = {},
): Promise<ImportOutcome & { countyCode: string }> {
  const book = await readBook({ loans: files.loans.content, repayments: files.repayments.content, rates: files.rates.content });
  const countyCode = county ?? countyOfBook(book.loans);
  if (!countyCode) throw new AppError('VALIDATION', '无法从村代码判断所属县，请指定县级区划代码（--county）');
  const digest = sha(Buffer.from([sha(files.loans.content), sha(files.repayments.content), sha(files.rates.content)].join(':')));
  const repayments = book.loans.reduce((s, l) => s + l.repayDays.length, 0);
  const base = { loans: book.loans.length, repayments, rates: book.rates.length, rejected: book.rejected };
  const renewedFrom = renewedFromOf(book.loans);
  if (opts.dryRun) return { importId: null, unchanged: false, dryRun: true, countyCode, ...base, changes: {} };
  return db.transaction().execute(async (trx) => {
    await lockCountyBook(trx, countyCode);
    const last = await lastImport(trx, countyCode);
    if (last && last.sha256 === digest) return { importId: last.id, unchanged: true, dryRun: false, countyCode, ...base, changes: {} };
    const before = await loanKeys(trx, countyCode);
    const changes = { added: 0, changed: 0, removed: 0, unchanged: 0, events: 0 };
    const seen = new Set<string>();
    for (const l of book.loans) {
      seen.add(l.loanNo);
      const k = before.get(l.loanNo);
      if (k === undefined) changes.added++;
      else if (k !== loanKey(l)) changes.changed++;
      else changes.unchanged++;
    }
    for (const k of before.keys()) if (!seen.has(k)) changes.removed++;
    const filenames = { loans: files.loans.filename, repayments: files.repayments.filename, rates: files.rates.filename };
    const importId = await insertImport(trx, countyCode, {
      sha256: digest,
      filenames,
      ...base,
      changes,
      importedBy: actor.userId,
      importedName: actor.username,
    });
    await replaceBook(trx, countyCode, importId, book, renewedFrom);
    changes.events = await recordBookEvents(trx, countyCode, importId, book, renewedFrom);
    await setImportChanges(trx, countyCode, importId, changes);
    await appendAudit(trx, actor, {
      action: 'microcredit.import',
      entityType: 'microcredit_import',
      entityId: importId,
      countyCode,
      after: { ...filenames, loans: base.loans, repayments, rates: base.rates, rejected: book.rejected.length },
      detail: changes,
    });
    return { importId, unchanged: false, dryRun: false, countyCode, ...base, changes };
  });
}

export async function mustHaveBook(db: Kysely<Tables>, countyCode: string): Promise<ImportRow> {
  const last = await lastImport(db, countyCode);
  if (!last) throw new AppError('CONFLICT', MESSAGES.NO_BOOK);
  return last;
}

/** The quarter's lines from the database, not saved: the CLI's database mode. */
export async function quarterFromDatabase(db: Kysely<Tables>, countyCode: string, quarter: string): Promise<SubsidyLine[]> {
  const q = parseQuarter(quarter);
  if (!q) throw new AppError('VALIDATION', `季度“${quarter}”无法识别，应为如2020Q2`);
  await mustHaveBook(db, countyCode);
  return quarterSubsidy(await loadLoans(db, countyCode, { activeFrom: q.first }), q);
}

/** 计算: compute (or recompute while not yet reviewed) a quarter's subsidy from the book. */
export async function computeRun(db: Kysely<Tables>, actor: AuditActor, countyCode: string, quarter: string): Promise<SubsidyRun> {
  const lines = await quarterFromDatabase(db, countyCode, quarter);
  return db.transaction().execute(async (trx) => {
    await lockCountyBook(trx, countyCode);
    const book = await mustHaveBook(trx, countyCode);
    const existing = await runOfQuarter(trx, countyCode, quarter);
    if (existing && existing.state !== 'computed') throw new AppError('CONFLICT', MESSAGES.RUN_LOCKED);
    const id = await saveRun(trx, countyCode, {
      quarter,
      importId: book.id,
      lines: lines.map((l) => ({ ...l, quarter })),
      by: actor.userId,
      byName: actor.username,
      existing: existing?.id ?? null,
    });
    const total = lines.reduce((s, l) => s + l.subsidyFen, 0);
    await appendAudit(trx, actor, {
      action: existing ? 'microcredit.subsidy_recompute' : 'microcredit.subsidy_compute',
      entityType: 'microcredit_run',
      entityId: id,
      countyCode,
      before: existing ? { loans: existing.loans, subsidyFen: existing.subsidyFen } : null,
      after: { quarter, loans: lines.length, subsidyFen: total, importId: book.id },
    });
    return (await getRun(trx, countyCode, id))!;
  });
}

export async function mustGetRun(db: Kysely<Tables>, countyCode: string, id: number): Promise<SubsidyRun> {
  const run = await getRun(db, countyCode, id);
  if (!run) throw new AppError('NOT_FOUND', MESSAGES.RUN_NOT_FOUND);
  return run;
}

const NEXT: Record<'review' | 'publish' | 'pay', { from: RunState; to: RunState; name: string }> = {
  review: { from: 'computed', to: 'reviewed', name: '审核' },
  publish: { from: 'reviewed', to: 'published', name: '公示' },
  pay: { from: 'published', to: 'paid', name: '发放' },
};

/** 审核 → 公示 → 发放, one step at a time; the reviewer is never the one who computed. */
export async function advanceRun(db: Kysely<Tables>, actor: AuditActor, countyCode: string, id: number, step: keyof typeof NEXT): Promise<SubsidyRun> {
  return db.transaction().execute(async (trx) => {
    const run = await getRun(trx, countyCode, id, true);
    if (!run) throw new AppError('NOT_FOUND', MESSAGES.RUN_NOT_FOUND);
    const s = NEXT[step];
    if (run.state !== s.from) throw new AppError('CONFLICT', MESSAGES.BAD_STATE(RUN_STATE_NAMES[run.state], s.name));
    if (step === 'review') {
      const same = actor.userId !== null ? actor.userId === run.computedBy : actor.username === run.computedName;
      if (same) throw new AppError('FORBIDDEN', MESSAGES.SAME_USER);
    }
    await setState(trx, countyCode, id, s.to, { id: actor.userId, name: actor.username });
    await appendAudit(trx, actor, {
      action: `microcredit.subsidy_${step}`,
      entityType: 'microcredit_run',
      entityId: id,
      countyCode,
      before: { state: run.state },
      after: { state: s.to },
      detail: { quarter: run.quarter, loans: run.loans, subsidyFen: run.subsidyFen },
    });
    return (await getRun(trx, countyCode, id))!;
  });
}

export async function runLines(db: Kysely<Tables>, countyCode: string, run: SubsidyRun, f: Parameters<typeof listRunLines>[3] = {}) {
  const r = await listRunLines(db, countyCode, run.id, f);
  return { total: r.total, lines: r.lines.map((l) => ({ ...l, quarter: run.quarter })) };
}

/** An officer's note on how a loan was handled (还清, 续贷, 展期, 逾期 follow-up). */
export async function recordHandling(
  db: Kysely<Tables>,
  actor: AuditActor,
  countyCode: string,
  loanNo: string,
  e: { kind: string; onDate: string; note: string },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await insertEvent(trx, countyCode, { loanNo, ...e, by: actor.userId, byName: actor.username });
    await appendAudit(trx, actor, { action: 'microcredit.loan_handling', entityType: 'microcredit_loan', entityId: loanNo, countyCode, after: e });
    return id;
  });
}

/** Loans of the given people (by normalised ID number), for other capabilities' pages. */
export async function loansByIdNumbers(db: Kysely<Tables>, countyCode: string, idNumbers: string[]): Promise<Loan[]> {
  if (!idNumbers.length) return [];
  return loadLoans(db, countyCode, { idNumbers });
}

/** A person's loans as other capabilities show them (the monitored household's 小额信贷 tab): balance and handling today. */
export async function loanSummariesByIdNumbers(db: Kysely<Tables>, countyCode: string, idNumbers: string[]) {
  const loans = await loansByIdNumbers(db, countyCode, idNumbers);
  const today = todayIso();
  const renewals = renewalsOf(loans);
  return loans.map((l) => {
    const st = loanState(l, today, renewals.get(l.loanNo) ?? null);
    const handling = handlingOf(st, today);
    return {
      loanNo: l.loanNo,
      idNumber: l.idNumber,
      name: l.name,
      bank: l.bank,
      issuedOn: l.issuedOn,
      dueOn: l.extendedTo ?? l.dueOn,
      amountFen: l.amountFen,
      balanceFen: st.balanceFen,
      status:
        handling === '未到期'
          ? l.extendedTo
            ? '已展期'
            : '正常'
          : handling === '还清'
            ? '已还清'
            : handling === '续贷'
              ? '已续贷'
              : handling === '展期'
                ? '已展期'
                : '逾期',
    };
  });
}

export async function bookLoans(db: Kysely<Tables>, countyCode: string, f: LoanFilter = {}): Promise<Loan[]> {
  return loadLoans(db, countyCode, f);
}

/** A loan's handling notes and its subsidy in each quarter (its page). */
export async function loanHistory(db: Kysely<Tables>, countyCode: string, loanNo: string) {
  return { events: await listEvents(db, countyCode, [loanNo]), subsidies: await subsidiesOfLoan(db, countyCode, loanNo) };
}

/** A run's lines with their township and village names (the public list, the bank file); `scope`: a township's own. */
export async function payLinesOf(db: Kysely<Tables>, countyCode: string, run: SubsidyRun, scope?: string): Promise<PayLine[]> {
  const { lines } = await runLines(db, countyCode, run, { scope });
  const names = await regionNames(db, [...new Set(lines.flatMap((l) => [l.villageCode, townshipOf(l.villageCode)]))]);
  return lines.map((l) => ({ ...l, townshipName: names.get(townshipOf(l.villageCode)) ?? '', villageName: names.get(l.villageCode) ?? '' }));
}

/** 公示名单 of a reviewed run: its rows and title, the export audited. */
export async function runNotice(db: Kysely<Tables>, actor: AuditActor, countyCode: string, id: number, format: string, scope?: string) {
  const run = await mustGetRun(db, countyCode, id);
  if (run.state === 'computed') throw new AppError('CONFLICT', '贴息尚未审核，不能公示');
  const rows = noticeRowsOf(await payLinesOf(db, countyCode, run, scope));
  const title = `${run.quarter.replace('Q', '年第')}季度扶贫小额信贷贴息公示`;
  await appendAudit(db, actor, {
    action: 'microcredit.notice_export',
    entityType: 'microcredit_run',
    entityId: run.id,
    countyCode,
    detail: { format, rows: rows.length },
  });
  return { run, title, rows };
}

/** The bank file of a published run (by the county's bank template), audited: it carries full ID and account numbers. */
export async function runBankFile(db: Kysely<Tables>, actor: AuditActor, countyCode: string, id: number, template: string) {
  const run = await mustGetRun(db, countyCode, id);
  if (run.state !== 'published' && run.state !== 'paid') throw new AppError('CONFLICT', '贴息须先审核并公示，才能导出银行发放文件');
  const f = await bankFile(await getTemplate(db, countyCode, template), await payLinesOf(db, countyCode, run), run.quarter, run.batchNo);
  await appendAudit(db, actor, {
    action: 'microcredit.bank_file',
    entityType: 'microcredit_run',
    entityId: run.id,
    countyCode,
    detail: { template, rows: f.rows, totalFen: f.totalFen, unmasked: true },
  });
  return f;
}

export { getImport, todayIso };
export { listImports, regionNames } from './book.store.ts';
export { listRuns, type SubsidyRun } from './runs.store.ts';
