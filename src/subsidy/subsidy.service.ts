// The direct subsidy's workflow: the roll's status machine (payroll.ts), four-eyes on review,
// settings and templates checked before they are kept, the bank file and the bank's results,
// region scope of what a user sees, and the audit entry of every change in its transaction.
// SQL is in the stores; routes and the CLI call this.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { parseDateStrict, todayIso, type IsoDate } from '../shared/dates.ts';
import { assertSeparateDuties, loadControls, auditIdSearch, auditUnmaskedView, type SessionUser } from '../auth/index.ts';
import { personIdentity } from '../registry/index.ts';
import { assertPeriodKind, checkSettingValue, SETTING_KEYS, SUBSIDY_DEFAULTS, settingsInForce, type SettingRow, type SubsidySettings } from './settings.ts';
import { listSettingRows, loadSettings, putSetting, registerCounties, settingAt } from './settings.store.ts';
import { assertCan, batchNoOf, requirePeriod } from './payroll.ts';
import {
  clearRoll,
  conflictOf,
  countPeriodRolls,
  deletePayrollRow,
  fillRoll,
  getPayroll,
  insertPayroll,
  listExclusions,
  listFailures,
  listLines,
  listPayrolls,
  lockPayroll,
  lockPeriod,
  markClosed,
  markReviewed,
  mustGetPayroll,
  pendingLineCount,
  setRebuiltBy,
  type LineFilter,
} from './payroll.store.ts';
import { bankTemplateSchema, checkTemplate, fileNameOf, type BankTemplate } from './bankfile.ts';
import { failNoAccountAndSum, getTemplate, listTemplates, markExported, putTemplate, storedTemplate } from './bankfile.store.ts';
import { matchReturn, readBankReturn } from './bankreturn.ts';
import { applyResults, findResultFile, insertResultFile, markResultsImported, rollLineKeys } from './bankreturn.store.ts';
import { noticeRows, payrollSubtotals, personPayments as paymentsOfPerson } from './subtotals.store.ts';
import type { ImportSummary, Payroll, PayrollKind } from './subsidy.contract.ts';

type Db = Kysely<Tables>;

// reads with no workflow of their own: for the CLI, the demo county and other capabilities
export { mustGetPayroll, getPayroll, listPayrolls, listLines, listExclusions, listFailures, noticeRows };
export { writeBankFile } from './bankfile.store.ts';

/** township officers: their township only; county users: the whole county */
export const scopeOf = (user: Pick<SessionUser, 'regionCode'>) => (user.regionCode.length > 6 ? user.regionCode : undefined);

// ---- settings --------------------------------------------------------------------------------

export async function settingsView(db: Db, user: SessionUser, date?: IsoDate) {
  const rows = await listSettingRows(db, user.countyCode);
  return { rows, keys: SETTING_KEYS, defaults: SUBSIDY_DEFAULTS, inForce: settingsInForce(rows, date ?? todayIso()) };
}

/** Set one or more fields from a date on (the same date again replaces that row). Audited. */
export async function saveSettings(
  db: Db,
  actor: AuditActor,
  countyCode: string,
  effectiveFrom: IsoDate,
  values: Partial<SubsidySettings>,
): Promise<SettingRow[]> {
  const d = parseDateStrict(effectiveFrom);
  if (!d.ok || !d.date) throw new AppError('VALIDATION', `生效日期无效：${d.ok ? '为空' : d.reason}`);
  const date = d.date;
  const fields = Object.keys(values).filter((k) => k in SETTING_KEYS) as (keyof SubsidySettings)[];
  if (!fields.length) throw new AppError('VALIDATION', '没有要保存的设置');
  for (const f of fields) {
    const why = checkSettingValue(f, values[f]);
    if (why) throw new AppError('VALIDATION', why, { field: f });
  }
  await db.transaction().execute(async (trx) => {
    for (const f of fields) {
      const key = SETTING_KEYS[f];
      const prev = await settingAt(trx, countyCode, key, date);
      await putSetting(trx, countyCode, key, date, values[f], actor.userId);
      await appendAudit(trx, actor, {
        action: 'settings.update',
        entityType: 'setting',
        entityId: `${key}@${date}`,
        countyCode,
        before: prev ? { value: prev.value } : null,
        after: { value: values[f], effectiveFrom: date },
      });
    }
  });
  return listSettingRows(db, countyCode);
}

// ---- rolls -----------------------------------------------------------------------------------

/**
 * Build a roll for a period from the register as of the period's first day, with the settings in
 * force on that day. A supplementary roll takes everyone entitled who has no waiting or successful
 * payment for the period (added late, or whose payment failed). One transaction; audited.
 */
export async function buildPayroll(
  db: Db,
  actor: AuditActor,
  input: { countyCode: string; period: string; kind: PayrollKind; remarks?: string },
): Promise<Payroll> {
  const period = requirePeriod(input.period);
  const rules = await loadSettings(db, input.countyCode, period.first);
  assertPeriodKind(period, rules);
  let built: Payroll['counts'];
  try {
    const id = await db.transaction().execute(async (trx) => {
      await lockPeriod(trx, input.countyCode, period);
      const batchNo = batchNoOf(input.countyCode, period.code, (await countPeriodRolls(trx, input.countyCode, period.code)) + 1);
      const pid = await insertPayroll(trx, {
        countyCode: input.countyCode,
        batchNo,
        period,
        kind: input.kind,
        rules,
        remarks: input.remarks ?? '',
        createdBy: actor.userId,
      });
      const { noAccount, ...sums } = await fillRoll(trx, input.countyCode, pid, period, input.kind, rules);
      built = { pending: sums.persons, success: 0, failure: 0, successFen: 0, failureFen: 0, noAccount };
      if (input.kind === 'regular' && sums.persons === 0) throw new AppError('CONFLICT', `花名册中没有${period.code}期间应发的人员，未编制批次`);
      if (input.kind === 'supplementary' && sums.persons === 0)
        throw new AppError('CONFLICT', `${period.code}期间没有需要补发的人员（应发人员都已在其他批次中待发放或已成功发放）`);
      await appendAudit(trx, actor, {
        action: 'payroll.build',
        entityType: 'payroll',
        entityId: pid,
        countyCode: input.countyCode,
        after: { batchNo, period: period.code, kind: input.kind, rules, ...sums },
      });
      return pid;
    });
    // the counts of a roll just built are known: not counted again over its two million lines
    return (await getPayroll(db, input.countyCode, id, built))!;
  } catch (e) {
    throw conflictOf(e);
  }
}

/** Recompute a draft roll (after corrections to the register or the settings). */
export async function rebuildPayroll(db: Db, actor: AuditActor, countyCode: string, id: number): Promise<Payroll> {
  const roll = await mustGetPayroll(db, countyCode, id);
  assertCan('rebuild', roll.status);
  const period = requirePeriod(roll.period);
  const rules = await loadSettings(db, countyCode, period.first);
  assertPeriodKind(period, rules);
  try {
    await db.transaction().execute(async (trx) => {
      await lockPeriod(trx, countyCode, period);
      const lock = await lockPayroll(trx, countyCode, id);
      if (!lock) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
      assertCan('rebuild', lock.status as Payroll['status']);
      await clearRoll(trx, countyCode, id);
      const { noAccount: _, ...sums } = await fillRoll(trx, countyCode, id, period, roll.kind, rules);
      await setRebuiltBy(trx, countyCode, id, actor.userId);
      await appendAudit(trx, actor, {
        action: 'payroll.rebuild',
        entityType: 'payroll',
        entityId: id,
        countyCode,
        before: { persons: roll.persons, totalFen: roll.totalFen, rules: roll.rules },
        after: { ...sums, rules },
      });
    });
  } catch (e) {
    throw conflictOf(e);
  }
  return mustGetPayroll(db, countyCode, id);
}

/** Review (four-eyes: not by who built or rebuilt it, unless the county allows it, audited) or close (every line has a result). */
async function moveStatus(db: Db, actor: AuditActor, countyCode: string, id: number, action: 'review' | 'close') {
  await db.transaction().execute(async (trx) => {
    const r = await lockPayroll(trx, countyCode, id);
    if (!r) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
    const status = r.status as Payroll['status'];
    assertCan(action, status);
    let duty: Record<string, unknown> = {};
    let to: Payroll['status'];
    if (action === 'review') {
      const builders = [r.created_by, r.rebuilt_by].map((u) => (u == null ? null : Number(u)));
      const { selfApproved } = assertSeparateDuties({
        step: 'payroll.review',
        firstBy: builders,
        secondBy: Number(actor.userId),
        allowSelfApproval: (await loadControls(trx, countyCode)).allowSelfApproval,
      });
      await markReviewed(trx, countyCode, id, actor.userId, selfApproved);
      duty = { builtBy: builders, selfReviewed: selfApproved };
      to = 'reviewed';
    } else {
      const pending = await pendingLineCount(trx, countyCode, id);
      if (pending > 0) throw new AppError('CONFLICT', `还有${pending}人没有发放结果，导入全部回盘后才能关闭批次`);
      await markClosed(trx, countyCode, id);
      to = 'closed';
    }
    await appendAudit(trx, actor, {
      action: `payroll.${action}`,
      entityType: 'payroll',
      entityId: id,
      countyCode,
      before: { status },
      after: { status: to },
      ...(action === 'review' ? { detail: duty } : {}),
    });
  });
  return mustGetPayroll(db, countyCode, id);
}

export const reviewPayroll = (db: Db, actor: AuditActor, countyCode: string, id: number) => moveStatus(db, actor, countyCode, id, 'review');
export const closePayroll = (db: Db, actor: AuditActor, countyCode: string, id: number) => moveStatus(db, actor, countyCode, id, 'close');

export async function deletePayroll(db: Db, actor: AuditActor, countyCode: string, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await lockPayroll(trx, countyCode, id);
    if (!r) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
    assertCan('delete', r.status as Payroll['status']);
    await deletePayrollRow(trx, countyCode, id);
    await appendAudit(trx, actor, {
      action: 'payroll.delete',
      entityType: 'payroll',
      entityId: id,
      countyCode,
      before: { batchNo: r.batch_no, period: r.period, persons: Number(r.persons), totalFen: Number(r.total_fen) },
    });
  });
}

// ---- what a user sees of a roll (their region) ------------------------------------------------

/** A roll's lines in the user's region; an ID search and an unmasked view are audited. */
export async function payrollLines(db: Db, user: SessionUser, id: number, f: LineFilter, unmasked: boolean, detail: Record<string, unknown>) {
  await mustGetPayroll(db, user.countyCode, id);
  const res = await listLines(db, user.countyCode, id, { ...f, scope: scopeOf(user) });
  await auditIdSearch(db, user, { entityType: 'payroll', entityId: id, q: f.q, count: res.total });
  if (unmasked)
    await auditUnmaskedView(db, user, {
      entityType: 'payroll',
      entityId: id,
      countyCode: user.countyCode,
      fields: ['idNumber', 'accountNo'],
      count: res.lines.length,
      detail,
    });
  return res;
}

export async function payrollExclusions(db: Db, user: SessionUser, id: number, offset: number, limit: number) {
  const rows = await listExclusions(db, user.countyCode, id, offset, limit);
  return rows.filter((x) => !scopeOf(user) || x.villageCode.startsWith(user.regionCode));
}

export async function subtotalsOf(db: Db, user: SessionUser, id: number) {
  await mustGetPayroll(db, user.countyCode, id);
  return payrollSubtotals(db, user.countyCode, id, scopeOf(user));
}

/** One person's payments; outside the user's region the person does not exist for them. */
export async function personPayments(db: Db, user: SessionUser, personId: number) {
  const who = await personIdentity(db, user.countyCode, personId);
  if (!who?.villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', `人员${personId}不存在`);
  return paymentsOfPerson(db, user.countyCode, who.idNumber, scopeOf(user));
}

/** The re-issue list of a period in the user's region; an unmasked view is audited. */
export async function failuresOf(db: Db, user: SessionUser, period: string, unmasked: boolean) {
  const rows = await listFailures(db, user.countyCode, period, scopeOf(user));
  if (unmasked)
    await auditUnmaskedView(db, user, {
      entityType: 'payroll',
      entityId: 0,
      countyCode: user.countyCode,
      fields: ['idNumber', 'accountNo'],
      count: rows.length,
      detail: { failures: period },
    });
  return rows;
}

/** The notice list of a roll (a village asked for, inside the user's region, or the region); audited as an export. */
export async function noticeOf(db: Db, user: SessionUser, actor: AuditActor, id: number, format: 'html' | 'xlsx', villageCode?: string) {
  const p = await mustGetPayroll(db, user.countyCode, id);
  const scope = villageCode && (!scopeOf(user) || villageCode.startsWith(user.regionCode)) ? villageCode : scopeOf(user);
  const rows = await noticeRows(db, user.countyCode, p.id, scope);
  const title = `${p.period
    .replace(/H1$/, '年上半年')
    .replace(/H2$/, '年下半年')
    .replace(/^(\d{4})$/, '$1年度')}水库移民后期扶持直补资金${p.kind === 'supplementary' ? '补发' : '发放'}公示`;
  await appendAudit(db, actor, {
    action: 'payroll.notice_export',
    entityType: 'payroll',
    entityId: p.id,
    countyCode: user.countyCode,
    detail: { format, rows: rows.length, scope: scope ?? null },
  });
  return { payroll: p, title, rows };
}

// ---- bank templates, bank file, bank results ----------------------------------------------------

export { listTemplates, getTemplate };

export async function saveTemplate(db: Db, actor: AuditActor, countyCode: string, input: unknown): Promise<BankTemplate> {
  const parsed = bankTemplateSchema.safeParse(input);
  if (!parsed.success) throw new AppError('VALIDATION', `银行文件模板不正确：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`);
  const t = parsed.data;
  checkTemplate(t);
  await db.transaction().execute(async (trx) => {
    const before = await storedTemplate(trx, countyCode, t.code);
    await putTemplate(trx, countyCode, t, actor.userId);
    await appendAudit(trx, actor, { action: 'bank_template.save', entityType: 'bank_template', entityId: t.code, countyCode, before, after: t });
  });
  return t;
}

export interface ExportResult {
  fileName: string;
  rows: number;
  totalFen: number;
  noAccount: number;
  template: string;
  batchNo: string;
}

/**
 * Prepare the export (one transaction): lines with no usable account are marked failed (they are
 * re-issued once an account is known), the roll moves to `exported`, and the export is audited.
 * Returns what `writeBankFile` then streams.
 */
export async function prepareBankExport(
  db: Db,
  actor: AuditActor,
  countyCode: string,
  payrollId: number,
  templateCode: string,
): Promise<ExportResult & { tpl: BankTemplate; period: string }> {
  const tpl = await getTemplate(db, countyCode, templateCode);
  return db.transaction().execute(async (trx) => {
    const r = await lockPayroll(trx, countyCode, payrollId);
    if (!r) throw new AppError('NOT_FOUND', `发放批次${payrollId}不存在`);
    const status = r.status as Payroll['status'];
    assertCan('export', status);
    const { noAccount, ...sums } = await failNoAccountAndSum(trx, countyCode, payrollId);
    await markExported(trx, countyCode, payrollId, status === 'reviewed');
    const res: ExportResult = {
      fileName: fileNameOf(tpl, r.batch_no),
      rows: sums.rows,
      totalFen: sums.totalFen,
      noAccount,
      template: tpl.code,
      batchNo: r.batch_no,
    };
    await appendAudit(trx, actor, {
      action: 'payroll.export_bank_file',
      entityType: 'payroll',
      entityId: payrollId,
      countyCode,
      before: { status },
      after: { status: status === 'reviewed' ? 'exported' : status },
      detail: { ...res, unmasked: true },
    });
    return { ...res, tpl, period: r.period };
  });
}

/**
 * Import the bank's result file into a roll: one transaction, audited, idempotent (the same file
 * twice changes nothing: its checksum is kept, and only lines whose result differs are updated).
 */
export async function importBankReturn(
  db: Db,
  actor: AuditActor,
  countyCode: string,
  payrollId: number,
  file: { filename: string; content: Buffer; templateCode?: string; maxUnknown?: number },
): Promise<ImportSummary> {
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const tpl = file.templateCode ? await getTemplate(db, countyCode, file.templateCode) : undefined;
  const parsed = await readBankReturn(file.content, tpl);
  if (!parsed.rows.length)
    throw new AppError(
      'FILE_EMPTY',
      `回盘文件没有可读的数据行${
        parsed.problems.length
          ? '：' +
            parsed.problems
              .slice(0, 5)
              .map((p) => `第${p.rowNumber}行${p.column}${p.reason}`)
              .join('；')
          : ''
      }`,
    );
  try {
    return await db.transaction().execute(async (trx) => {
      const r = await lockPayroll(trx, countyCode, payrollId);
      if (!r) throw new AppError('NOT_FOUND', `发放批次${payrollId}不存在`);
      const same = await findResultFile(trx, countyCode, payrollId, sha256);
      if (same) return { ...same.summary, fileId: same.id, alreadyImported: true, succeeded: 0, failed: 0 };
      const status = r.status as Payroll['status'];
      assertCan('import', status);
      const m = matchReturn({ period: r.period, batchNo: r.batch_no }, await rollLineKeys(trx, countyCode, payrollId), parsed.rows, {
        maxUnknown: file.maxUnknown,
      });
      if (m.refusals.length) throw new AppError('CONFLICT', `回盘文件未导入：${m.refusals.join('；')}`, { refusals: m.refusals });
      const succeeded = m.updates.filter((u) => u.result === 'success').length;
      const failed = m.updates.length - succeeded;
      const summary = {
        rows: parsed.rows.length + parsed.problems.length,
        succeeded,
        failed,
        unchanged: m.unchanged,
        unknown: m.unknown,
        missing: m.missing,
        problems: parsed.problems,
        warnings: [...parsed.warnings, ...m.nameWarnings.slice(0, 50)],
      };
      const fileId = await insertResultFile(trx, countyCode, payrollId, {
        filename: file.filename,
        sha256,
        content: file.content,
        summary,
        importedBy: actor.userId,
      });
      await applyResults(trx, countyCode, payrollId, fileId, m.updates);
      await markResultsImported(trx, countyCode, payrollId);
      await appendAudit(trx, actor, {
        action: 'payroll.import_results',
        entityType: 'payroll',
        entityId: payrollId,
        countyCode,
        before: { status },
        after: { status: 'results_imported' },
        detail: {
          filename: file.filename,
          sha256,
          fileId,
          rows: summary.rows,
          succeeded,
          failed,
          unchanged: m.unchanged,
          unknown: m.unknown.length,
          missing: m.missing,
          problems: parsed.problems.length,
        },
      });
      return { fileId, alreadyImported: false, ...summary };
    });
  } catch (e) {
    throw conflictOf(e);
  }
}

// ---- the CLI -----------------------------------------------------------------------------------

/** The county the CLI works on: the one given, or the only one on the register. */
export async function cliCounty(db: Db, given?: string): Promise<string> {
  if (given) return given;
  const counties = await registerCounties(db, 2);
  if (counties.length === 1) return counties[0];
  throw new AppError('VALIDATION', '请用 --county 指定县级区划代码');
}
