// The quality workflow: who may work which problem (the viewer's region), the rules of problem
// work (确认无误 needs a reason), custom rules checked before they are saved, and the audit entry
// of every change, written in the same transaction as the change. SQL is in the stores.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { BUILT_IN_RULES, ruleInfo } from './catalogue.ts';
import { checkExpression, customRuleSchema, customRuleToRule } from './custom-rule.ts';
import { listProblems, lockProblem, writeProblem, type ProblemFilter, type ProblemView } from './quality.store.ts';
import { insertCustomRuleVersion, listCatalogue, switchBuiltInRule, switchCustomRule, type CatalogueEntry } from './rules.store.ts';

export { listCatalogue, loadRules } from './rules.store.ts';
export { qualityTrend, rowToPerson, runOnRegister, type RunSummary, type ProblemFilter } from './quality.store.ts';

/** A code or region outside the viewer's region: refused. */
export function assertRegionCodes(regionCode: string, codes: (string | undefined)[]) {
  for (const code of codes) {
    if (code && !(code.startsWith(regionCode) || regionCode.startsWith(code))) throw new AppError('FORBIDDEN', '无权查看本辖区以外的数据');
  }
}

/** The problem list of the viewer's region, each problem with the name of its rule (built-in or the county's own). */
export async function problemsInRegion(db: Kysely<Tables>, countyCode: string, f: ProblemFilter): Promise<{ total: number; items: ProblemView[] }> {
  const names = new Map(BUILT_IN_RULES.map((x) => [x.code, x.name]));
  for (const c of await listCatalogue(db, countyCode)) names.set(c.code, c.name);
  return listProblems(db, countyCode, f, names);
}

/** The export of a problem list is audited with its filter and row count. */
export async function auditProblemsExport(db: Kysely<Tables>, actor: AuditActor, countyCode: string, rows: number, filter: unknown): Promise<void> {
  await appendAudit(db, actor, { action: 'quality.problems.export', countyCode, detail: { rows, filter } });
}

/** Work on a problem: confirm it is correct data (with a reason), mark it corrected, or assign it. */
export async function updateProblem(
  db: Kysely<Tables>,
  countyCode: string,
  id: number,
  scope: string,
  change: { status?: '未处理' | '已更正' | '确认无误'; reason?: string; assignedTo?: string | null },
  actor: AuditActor,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const old = await lockProblem(trx, countyCode, id);
    if (!old || !old.village_code.startsWith(scope.length > 6 ? scope : '')) throw new AppError('NOT_FOUND', '没有这条问题，或不在本辖区');
    if (change.status === '确认无误' && !change.reason?.trim()) throw new AppError('VALIDATION', '确认无误时请填写理由（例如：已核对户口簿，信息正确）');
    const status = change.status ?? old.status;
    const reason = change.status ? (change.status === '确认无误' ? change.reason!.trim() : change.reason?.trim() || null) : old.reason;
    const assigned = change.assignedTo === undefined ? old.assigned_to : change.assignedTo;
    const resolved = status === '未处理' ? null : status !== old.status ? new Date().toISOString() : old.resolved_at;
    await writeProblem(trx, countyCode, id, {
      status,
      reason,
      assignedTo: assigned,
      resolvedAt: resolved,
      resolvedBy: status === '未处理' ? null : status !== old.status ? actor.username : old.resolved_by,
    });
    await appendAudit(trx, actor, {
      action: 'quality.problem.update',
      entityType: 'quality_problem',
      entityId: id,
      countyCode,
      before: { status: old.status, reason: old.reason, assignedTo: old.assigned_to },
      after: { status, reason, assignedTo: assigned },
    });
  });
}

/** Save a custom rule: parsed and type-checked first; each save is a new version. */
export async function saveCustomRule(db: Kysely<Tables>, countyCode: string, input: unknown, actor: AuditActor): Promise<CatalogueEntry> {
  const parsed = customRuleSchema.safeParse(input);
  if (!parsed.success) throw new AppError('VALIDATION', parsed.error.issues.map((i) => i.message).join('；'), { issues: parsed.error.issues });
  const def = parsed.data;
  const check = checkExpression(def.expression);
  if (!check.ok) throw new AppError('VALIDATION', `规则条件有误：${check.error}`, { position: check.position });
  if (BUILT_IN_RULES.some((r) => r.code === def.code)) throw new AppError('CONFLICT', `规则代码${def.code}已被内置规则使用`);
  return db.transaction().execute(async (trx) => {
    const version = await insertCustomRuleVersion(trx, countyCode, def, actor.username);
    await appendAudit(trx, actor, { action: 'quality.rule.save', entityType: 'quality_rule', entityId: def.code, countyCode, after: { ...def, version } });
    const saved = { ...def, version };
    return { ...ruleInfo(customRuleToRule(saved)), enabled: saved.enabled, custom: true, expression: saved.expression, message: saved.message };
  });
}

/** Switch a built-in or custom rule on or off for the county. */
export async function setRuleEnabled(db: Kysely<Tables>, countyCode: string, code: string, enabled: boolean, actor: AuditActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (BUILT_IN_RULES.some((r) => r.code === code)) await switchBuiltInRule(trx, countyCode, code, enabled, actor.username);
    else if (!(await switchCustomRule(trx, countyCode, code, enabled))) throw new AppError('NOT_FOUND', `没有规则${code}`);
    await appendAudit(trx, actor, { action: enabled ? 'quality.rule.enable' : 'quality.rule.disable', entityType: 'quality_rule', entityId: code, countyCode });
  });
}
