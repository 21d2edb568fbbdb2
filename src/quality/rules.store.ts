// The county's rule catalogue in the database: built-in rules switched on or off, and custom
// rules kept as versions (a saved change is a new version; switching off keeps the rule).
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { BUILT_IN_RULES, ruleInfo, type RuleInfo } from './catalogue.ts';
import { customRuleToRule, type CustomRuleDef } from './custom-rule.ts';
import type { Rule } from './types.ts';

export interface CatalogueEntry extends RuleInfo {
  enabled: boolean;
  custom: boolean;
  expression?: string;
  message?: string;
}

async function customRows(db: Kysely<Tables>, countyCode: string): Promise<CustomRuleDef[]> {
  const r = await sql<{
    code: string;
    version: number;
    name: string;
    severity: CustomRuleDef['severity'];
    expression: string;
    message: string;
    enabled: boolean;
  }>`SELECT DISTINCT ON (code) code, version, name, severity, expression, message, enabled
    FROM quality_custom_rules WHERE county_code = ${countyCode} ORDER BY code, version DESC`.execute(db);
  return r.rows.map((x) => ({
    code: x.code,
    version: x.version,
    name: x.name,
    severity: x.severity,
    expression: x.expression,
    message: x.message || undefined,
    enabled: x.enabled,
  }));
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

/** Write a new version of a custom rule (the next after the newest); answers that version. */
export async function insertCustomRuleVersion(trx: Kysely<Tables>, countyCode: string, def: CustomRuleDef, username: string): Promise<number> {
  const v = await sql<{
    v: number | null;
  }>`SELECT max(version) AS v FROM quality_custom_rules WHERE county_code = ${countyCode} AND code = ${def.code}`.execute(trx);
  const version = (v.rows[0]?.v ?? 0) + 1;
  await sql`INSERT INTO quality_custom_rules (county_code, code, version, name, severity, expression, message, enabled, created_by)
    VALUES (${countyCode}, ${def.code}, ${version}, ${def.name}, ${def.severity}, ${def.expression}, ${def.message ?? ''}, ${def.enabled}, ${username})`.execute(
    trx,
  );
  return version;
}

/** Switch a built-in rule on or off for the county. */
export async function switchBuiltInRule(trx: Kysely<Tables>, countyCode: string, code: string, enabled: boolean, username: string): Promise<void> {
  await sql`INSERT INTO quality_rule_settings (county_code, code, enabled, updated_by) VALUES (${countyCode}, ${code}, ${enabled}, ${username})
    ON CONFLICT (county_code, code) DO UPDATE SET enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(trx);
}

/** Switch the newest version of a custom rule; answers whether the rule exists. */
export async function switchCustomRule(trx: Kysely<Tables>, countyCode: string, code: string, enabled: boolean): Promise<boolean> {
  const r = await sql`UPDATE quality_custom_rules SET enabled = ${enabled} WHERE county_code = ${countyCode} AND code = ${code}
    AND version = (SELECT max(version) FROM quality_custom_rules WHERE county_code = ${countyCode} AND code = ${code})`.execute(trx);
  return Number(r.numAffectedRows ?? 0) > 0;
}
