// Writing the problem list (FORMATS §7): CSV, UTF-8 with BOM, exact headers, one row per problem.
import type { Problem, RosterPerson, Rule } from './types.ts';
import { csvDocument } from '../shared/files/csv-write.ts';

export const PROBLEM_HEADERS = ['规则代码', '规则名称', '严重程度', '户编号', '身份证号', '姓名', '村代码', '说明'] as const;

export function problemRow(p: Problem, person: RosterPerson, rule: Rule): string[] {
  return [rule.code, rule.name, rule.severity, person.householdNo, person.idRaw, person.name, person.villageCode, p.message];
}

/** The whole CSV text (with BOM) for a list of problems. */
export function problemsCsv(problems: readonly Problem[], roster: readonly RosterPerson[], rules: readonly Rule[]): string {
  const byCode = new Map(rules.map((r) => [r.code, r]));
  return csvDocument(
    PROBLEM_HEADERS,
    problems.map((p) => problemRow(p, roster[p.person], byCode.get(p.code)!)),
  );
}
