// Incremental checks: an index over a roster held in memory (facts and groups kept), so that a
// change to one household re-checks only the people it can affect — its members and the people
// sharing an ID or an account with them — and agrees with a full run on those people.
import { deriveFacts } from './facts.ts';
import { defaultCounties, groupPeople, runOnFacts } from './engine.ts';
import type { CheckContext, GroupRule, PersonFacts, Problem, RosterPerson, Rule } from './types.ts';
import type { IsoDate } from '../shared/dates.ts';

export class RosterIndex {
  private readonly facts: (PersonFacts | undefined)[];
  private readonly groups: Map<string, Map<string, PersonFacts[]>>;
  private readonly groupRules: GroupRule[];
  private readonly ctx: CheckContext;
  readonly rules: Rule[];

  constructor(persons: readonly RosterPerson[], opts: { asOf: IsoDate; counties?: string[]; rules: Rule[] }) {
    this.rules = opts.rules;
    this.facts = persons.map((p) => deriveFacts(p, opts.asOf));
    this.groupRules = opts.rules.filter((r): r is GroupRule => r.kind === 'group');
    this.groups = groupPeople(this.facts as PersonFacts[], this.groupRules);
    const counties = opts.counties?.length ? opts.counties : defaultCounties(persons);
    this.ctx = { asOf: opts.asOf, counties: new Set(counties), facts: this.facts as PersonFacts[] };
  }

  /** Members of a household (current state). */
  household(householdNo: string): RosterPerson[] {
    return (this.groups.get('household')?.get(householdNo) ?? []).map((f) => f.p);
  }

  /** People whose problems can change when these people change: themselves and everyone sharing a group with them. */
  private affected(seed: Iterable<PersonFacts>): Set<PersonFacts> {
    const out = new Set<PersonFacts>();
    for (const f of seed) {
      out.add(f);
      for (const r of this.groupRules) {
        const k = r.key(f);
        if (k === null) continue;
        for (const m of this.groups.get(r.groupName)?.get(k) ?? []) out.add(m);
      }
    }
    return out;
  }

  private check(people: Set<PersonFacts>): Problem[] {
    const groupsFor = new Map<string, PersonFacts[][]>();
    for (const r of this.groupRules) {
      if (groupsFor.has(r.groupName)) continue;
      const keys = new Set<string>();
      for (const f of people) {
        const k = r.key(f);
        if (k !== null) keys.add(k);
      }
      const all = this.groups.get(r.groupName)!;
      groupsFor.set(r.groupName, [...keys].map((k) => all.get(k)!).filter(Boolean));
    }
    const { problems } = runOnFacts([...people], groupsFor, this.ctx, this.rules);
    const wanted = new Set([...people].map((f) => f.p.index));
    return problems.filter((p) => wanted.has(p.person));
  }

  /** All problems of the people of these households and of those sharing an ID or account with them. */
  checkHouseholds(householdNos: readonly string[]): { people: number[]; problems: Problem[] } {
    const seed: PersonFacts[] = [];
    for (const h of householdNos) seed.push(...(this.groups.get('household')?.get(h) ?? []));
    const people = this.affected(seed);
    return { people: [...people].map((f) => f.p.index), problems: this.check(people) };
  }

  /**
   * Replace a household's members (an edit, an addition or a removal of people) and re-check.
   * New members get fresh indexes; returns the people re-checked (old and new) and their problems.
   */
  replaceHousehold(householdNo: string, members: readonly Omit<RosterPerson, 'index'>[]): { people: number[]; problems: Problem[] } {
    const old = [...(this.groups.get('household')?.get(householdNo) ?? [])];
    const before = this.affected(old);
    for (const f of old) {
      this.facts[f.p.index] = undefined;
      for (const r of this.groupRules) {
        const k = r.key(f);
        if (k === null) continue;
        const g = this.groups.get(r.groupName)!;
        const list = g.get(k);
        if (!list) continue;
        const rest = list.filter((x) => x !== f);
        if (rest.length) g.set(k, rest);
        else g.delete(k);
      }
    }
    const added: PersonFacts[] = [];
    for (const m of members) {
      const p: RosterPerson = { ...m, householdNo, index: this.facts.length };
      const f = deriveFacts(p, this.ctx.asOf);
      this.facts.push(f);
      added.push(f);
      for (const [name, g] of this.groups) {
        const r = this.groupRules.find((x) => x.groupName === name)!;
        const k = r.key(f);
        if (k === null) continue;
        const list = g.get(k);
        if (list) {
          if (!list.includes(f)) list.push(f);
        } else g.set(k, [f]);
      }
    }
    const people = this.affected(added);
    for (const f of before) if (this.facts[f.p.index] === f) people.add(f);
    const removed = old.map((f) => f.p.index);
    return { people: [...removed, ...[...people].map((f) => f.p.index)], problems: this.check(people) };
  }
}
