// The county's rule catalogue in the database: built-in rules switched on or off, and custom
// rules kept as versions (a saved change is a new version; switching off keeps the rule).
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { BUILT_IN_RULES, ruleInfo, type RuleInfo } from './catalogue.ts';
import { checkExpression, customRuleSchema, customRuleToRule, type CustomRuleDef } from './custom-rule.ts';
import type { Rule } from './types.ts';

export interface CatalogueEntry extends RuleInfo { enabled: boolean; custom: boolean; expression?: string; message?: string }

async function customRows(db: Kysely<Tables>, countyCode: string): Promise<CustomRuleDef[]> {
  const r = await sql<{ code: string; version: number; name: string; severity: CustomRuleDef['severity']; expression: string; message: string; enabled: boolean }>`SELECT DISTINCT ON (code) code, version, name, severity, expression, message, enabled
    FROM quality_custom_rules WHERE county_code = ${countyCode} ORDER BY code, version DESC`.execute(db);
  return r.rows.map((x) => ({ code: x.code, version: x.version, name: x.name, severity: x.severity, expression: x.expression, message: x.message || undefined, enabled: x.enabled }));
}

async function switchedOff(db: Kysely<Tables>, countyCode: string): Promise<Set<string>> {
  const r = await sql<{ code: string }>`SELECT code FROM quality_rule_settings WHERE county_code = ${countyCode} AND NOT enabled`.execute(db);
  return new Set(r.rows.map((x) => x.code));
}

/** The rules a run of this county uses: every built-in rule not switched off, and enabled custom rules. */
export async function loadRules(db: Kysely<Tables>, countyCode: string): Promise<Rule[]> {
  const off = await switchedOff(db, countyCode);
  const rules: Rule[] = BUILT_IN_RULES.filter((r) => !off.has(r.code));
  for (const d of await customRows(db, countyCode)) if (d.enabled) rules.push(customRuleToRule(d));
  return rules;
}

export async function listCatalogue(db: Kysely<Tables>, countyCode: string): Promise<CatalogueEntry[]> {
  const off = await switchedOff(db, countyCode);
  const out: CatalogueEntry[] = BUILT_IN_RULES.map((r) => ({ ...ruleInfo(r), enabled: !off.has(r.code), custom: false }));
  for (const d of await customRows(db, countyCode)) {
    const info = ruleInfo(customRuleToRule(d));
    out.push({ ...info, enabled: d.enabled, custom: true, expression: d.expression, message: d.message });
  }
  return out;
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
    const v = await sql<{ v: number | null }>`SELECT max(version) AS v FROM quality_custom_rules WHERE county_code = ${countyCode} AND code = ${def.code}`.execute(trx);
    const version = (v.rows[0]?.v ?? 0) + 1;
    await sql`INSERT INTO quality_custom_rules (county_code, code, version, name, severity, expression, message, enabled, created_by)
      VALUES (${countyCode}, ${def.code}, ${version}, ${def.name}, ${def.severity}, ${def.expression}, ${def.message ?? ''}, ${def.enabled}, ${actor.username})`.execute(trx);
    await appendAudit(trx, actor, { action: 'quality.rule.save', entityType: 'quality_rule', entityId: def.code, countyCode, after: { ...def, version } });
    const saved = { ...def, version };
    return { ...ruleInfo(customRuleToRule(saved)), enabled: saved.enabled, custom: true, expression: saved.expression, message: saved.message };
  });
}

/** Switch a built-in or custom rule on or off for the county. */
export async function setRuleEnabled(db: Kysely<Tables>, countyCode: string, code: string, enabled: boolean, actor: AuditActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (BUILT_IN_RULES.some((r) => r.code === code)) {
      await sql`INSERT INTO quality_rule_settings (county_code, code, enabled, updated_by) VALUES (${countyCode}, ${code}, ${enabled}, ${actor.username})
        ON CONFLICT (county_code, code) DO UPDATE SET enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(trx);
    } else {
      const r = await sql`UPDATE quality_custom_rules SET enabled = ${enabled} WHERE county_code = ${countyCode} AND code = ${code}
        AND version = (SELECT max(version) FROM quality_custom_rules WHERE county_code = ${countyCode} AND code = ${code})`.execute(trx);
      if (!Number(r.numAffectedRows ?? 0)) throw new AppError('NOT_FOUND', `没有规则${code}`);
    }
    await appendAudit(trx, actor, { action: enabled ? 'quality.rule.enable' : 'quality.rule.disable', entityType: 'quality_rule', entityId: code, countyCode });
  });
}
