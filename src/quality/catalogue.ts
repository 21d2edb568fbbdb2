// The one catalogue of built-in data-quality rules: the FORMATS §7 set, then the extras.
import { SECTION7_RULES } from './rules.section7.ts';
import { EXTRA_RULES } from './rules.extra.ts';
import type { Rule, RuleScope, Severity } from './types.ts';

export const BUILT_IN_RULES: readonly Rule[] = [...SECTION7_RULES, ...EXTRA_RULES];

export const SCOPE_LABELS: Record<RuleScope, string> = { person: '人员', household: '户', account: '账号', roster: '全册' };

/** Plain description of a rule (for the web catalogue, docs and runs). */
export interface RuleInfo {
  code: string;
  name: string;
  severity: Severity;
  scope: RuleScope;
  set: Rule['set'];
  version: number;
  description: string;
  templates: Record<string, string>;
}

export function ruleInfo(r: Rule): RuleInfo {
  const { code, name, severity, scope, set, version, description, templates } = r;
  return { code, name, severity, scope, set, version, description, templates };
}

export function findRule(code: string): Rule | undefined {
  return BUILT_IN_RULES.find((r) => r.code === code);
}

/**
 * Choose rules for a run. Default: the §7 set (what FORMATS §7 output contains).
 * `all`: every built-in rule. `codes`: exactly those (unknown codes are reported).
 */
export function selectRules(opts: { all?: boolean; codes?: string[] } = {}): { rules: Rule[]; unknown: string[] } {
  if (opts.codes?.length) {
    const wanted = new Set(opts.codes.map((c) => c.trim().toUpperCase()).filter(Boolean));
    const rules = BUILT_IN_RULES.filter((r) => wanted.has(r.code));
    const unknown = [...wanted].filter((c) => !rules.some((r) => r.code === c));
    return { rules, unknown };
  }
  return { rules: BUILT_IN_RULES.filter((r) => opts.all || r.set === 'section7'), unknown: [] };
}
