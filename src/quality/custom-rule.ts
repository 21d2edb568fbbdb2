// Custom rules written by a county administrator in the expression language: validated on save
// (parse + type check, clear Chinese errors), turned into a catalogue rule, and previewed
// (how many people it would flag) before it is switched on.
import { customRuleSchema, type CustomRuleDef } from './quality.contract.ts';
import type { IsoDate } from '../shared/dates.ts';
import { compileExpression, type Env } from './expr/compile.ts';
import { ExprError } from './expr/lexer.ts';
import { soleHead } from './rules.section7.ts';
import { runQuality } from './engine.ts';
import { render } from './engine.ts';
import type { GroupRule, PersonFacts, RosterPerson, Severity } from './types.ts';

export { customRuleSchema, type CustomRuleDef };

export interface ExpressionCheck {
  ok: boolean;
  /** Chinese error with the position, when not ok */
  error?: string;
  /** 0-based character position of the error */
  position?: number;
}

/** Parse and type-check an expression (on save, and live in the editor). */
export function checkExpression(expression: string): ExpressionCheck {
  try {
    compileExpression(expression);
    return { ok: true };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e.message, position: e.pos };
    throw e;
  }
}

/** A catalogue rule from a custom rule definition (throws ExprError when the expression is bad). */
export function customRuleToRule(def: CustomRuleDef): GroupRule {
  const { fn } = compileExpression(def.expression);
  const template = def.message?.trim() || `不符合自定义规则“${def.name}”（条件：${def.expression}）。请核实。`;
  return {
    kind: 'group',
    set: 'extra',
    groupName: 'household',
    scope: 'household',
    code: def.code,
    name: def.name,
    severity: def.severity as Severity,
    version: def.version,
    description: `自定义规则：${def.expression}`,
    templates: { default: template },
    key: (f) => (f.p.householdNo === '' ? null : f.p.householdNo),
    check(members, ctx) {
      const head = soleHead(members);
      const hits = [];
      for (const m of members) {
        const env: Env = { f: m, members, head, asOf: ctx.asOf };
        if (fn(env)) hits.push({ person: m.p.index, values: valuesOf(m) });
      }
      return hits;
    },
  };
}

function valuesOf(f: PersonFacts): Record<string, string> {
  return { 姓名: f.p.name, 身份证号: f.p.idRaw.trim(), 户编号: f.p.householdNo, 村代码: f.p.villageCode, 与户主关系: f.p.relation };
}

/** How many people a rule would flag on a roster, with a few examples. */
export function previewCustomRule(def: CustomRuleDef, roster: readonly RosterPerson[], asOf: IsoDate, samples = 20) {
  const rule = customRuleToRule(def);
  const r = runQuality(roster, { asOf, rules: [rule] });
  return {
    flagged: r.problems.length,
    total: roster.length,
    samples: r.problems
      .slice(0, samples)
      .map((p): Record<string, string> => ({ ...valuesOf({ p: roster[p.person] } as PersonFacts), 说明: render(rule.templates.default, p.values) })),
  };
}
