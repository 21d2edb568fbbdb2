// The data-quality engine: runs a rule catalogue over a roster held in memory. Pure: no I/O.
// Person rules see one person; group rules see the people sharing a key (household number,
// normalised ID, bank account). The check date and the counties being checked are parameters.
import type { IsoDate } from '../shared/dates.ts';
import { deriveFacts } from './facts.ts';
import { isTwelveDigits } from './rules.section7.ts';
import { KeyTable } from './key-table.ts';
import type { CheckContext, GroupRule, Hit, PersonFacts, PersonRule, Problem, RosterPerson, Rule, Values } from './types.ts';

export interface RunOptions {
  asOf: IsoDate;
  /** counties being checked; default: every county code held by at least 1% of the roster */
  counties?: string[];
  rules: Rule[];
  /** called now and then with the number of people done (for progress bars) */
  onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  problems: Problem[];
  /** problems per rule code, in catalogue order (0 for rules that found nothing) */
  counts: Map<string, number>;
  counties: string[];
  /** rule evaluations made (person rules × people + group rules × groups) */
  evaluations: number;
}

/** County codes (first 6 digits of a 12-digit 村代码) held by at least `share` of the roster's rows. */
export function defaultCounties(roster: readonly RosterPerson[], share = 0.01): string[] {
  const n = new Map<string, number>();
  for (const p of roster) {
    if (!isTwelveDigits(p.villageCode)) continue;
    const c = p.villageCode.slice(0, 6);
    n.set(c, (n.get(c) ?? 0) + 1);
  }
  // integer comparison: count / total >= share, exactly at 1% included
  const out: string[] = [];
  for (const [c, k] of n) if (k * 10000 >= Math.round(share * 10000) * roster.length) out.push(c);
  return out.sort();
}

export function render(template: string, values: Values): string {
  return template.replace(/\{([^{}\s]+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

function toProblem(rule: Rule, hit: Hit): Problem {
  const t = rule.templates[hit.variant ?? 'default'] ?? rule.templates.default;
  return { code: rule.code, person: hit.person, message: render(t, hit.values), values: hit.values };
}

/** Group people by each distinct grouping the group rules use, by key (the incremental index looks groups up). */
export function groupPeople(facts: readonly PersonFacts[], rules: readonly GroupRule[]): Map<string, Map<string, PersonFacts[]>> {
  const out = new Map<string, Map<string, PersonFacts[]>>();
  for (const r of rules) {
    if (out.has(r.groupName)) continue;
    const key = r.key;
    const groups = new Map<string, PersonFacts[]>();
    let lastKey: string | null = null;
    let last: PersonFacts[] | undefined;
    for (const f of facts) {
      const k = key(f);
      if (k === null) continue;
      if (k === lastKey) {
        last!.push(f);
        continue;
      } // rosters usually list a household's members together
      const g = groups.get(k);
      if (g) {
        g.push(f);
        last = g;
      } else {
        last = [f];
        groups.set(k, last);
      }
      lastKey = k;
    }
    out.set(r.groupName, groups);
  }
  return out;
}

/**
 * The groups of a whole run as arrays, one list per grouping the group rules use. A grouping whose
 * rules all need two or more members keeps only such groups (a roster of millions has millions
 * of unique IDs; they cost a table slot each and no array).
 */
export function groupArrays(facts: readonly PersonFacts[], rules: readonly GroupRule[]): Map<string, PersonFacts[][]> {
  const out = new Map<string, PersonFacts[][]>();
  const n = facts.length;
  for (const r of rules) {
    if (out.has(r.groupName)) continue;
    const same = rules.filter((x) => x.groupName === r.groupName);
    const least = Math.min(...same.map((x) => x.minMembers ?? 1));
    const key = r.key;
    const table = new KeyTable(n);
    const groupOf = new Int32Array(n);
    let counts = new Int32Array(1024);
    let lastKey: string | null = null,
      lastId = -1;
    for (let i = 0; i < n; i++) {
      const k = key(facts[i]);
      if (k === null) {
        groupOf[i] = -1;
        continue;
      }
      // rosters usually list a household's members together
      const g = k === lastKey ? lastId : table.id(k);
      if (g >= counts.length) {
        const c = new Int32Array(counts.length * 2);
        c.set(counts);
        counts = c;
      }
      counts[g]++;
      groupOf[i] = g;
      lastKey = k;
      lastId = g;
    }
    const arrays: (PersonFacts[] | undefined)[] = new Array(table.size);
    const list: PersonFacts[][] = [];
    for (let g = 0; g < table.size; g++) if (counts[g] >= least) list.push((arrays[g] = []));
    for (let i = 0; i < n; i++) {
      const g = groupOf[i];
      if (g >= 0) arrays[g]?.push(facts[i]);
    }
    out.set(r.groupName, list);
  }
  return out;
}

/** Run rules over facts already derived (used by full and incremental runs). */
export function runOnFacts(
  facts: readonly PersonFacts[],
  groups: Map<string, Iterable<PersonFacts[]>>,
  ctx: CheckContext,
  rules: readonly Rule[],
  onProgress?: (done: number, total: number) => void,
): { problems: Problem[]; evaluations: number } {
  const personRules = rules.filter((r): r is PersonRule => r.kind === 'person');
  const groupRules = rules.filter((r): r is GroupRule => r.kind === 'group');
  const order = new Map(rules.map((r, i) => [r.code, i]));
  const problems: Problem[] = [];
  let evaluations = 0;
  const total = facts.length;
  for (let i = 0; i < total; i++) {
    const f = facts[i];
    for (const r of personRules) {
      const h = r.check(f, ctx);
      if (h) problems.push(toProblem(r, { person: f.p.index, variant: h.variant, values: h.values }));
    }
    if (onProgress && (i & 0xffff) === 0) onProgress(i, total);
  }
  evaluations += total * personRules.length;
  for (const r of groupRules) {
    const gs = groups.get(r.groupName);
    if (!gs) continue;
    for (const members of gs) {
      evaluations++;
      for (const h of r.check(members, ctx)) problems.push(toProblem(r, h));
    }
  }
  problems.sort((a, b) => order.get(a.code)! - order.get(b.code)! || a.person - b.person);
  return { problems, evaluations };
}

/** Run a catalogue over a whole roster (file mode, import preview, nightly run). */
export function runQuality(roster: readonly RosterPerson[], opts: RunOptions): RunResult {
  const counties = opts.counties?.length ? [...new Set(opts.counties)].sort() : defaultCounties(roster);
  const facts = roster.map((p) => deriveFacts(p, opts.asOf));
  const ctx: CheckContext = { asOf: opts.asOf, counties: new Set(counties), facts };
  const groupRules = opts.rules.filter((r): r is GroupRule => r.kind === 'group');
  const groups = groupArrays(facts, groupRules);
  const { problems, evaluations } = runOnFacts(facts, groups, ctx, opts.rules, opts.onProgress);
  const counts = new Map<string, number>(opts.rules.map((r) => [r.code, 0]));
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  opts.onProgress?.(roster.length, roster.length);
  return { problems, counts, counties, evaluations };
}
