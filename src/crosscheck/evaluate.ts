// From the gathered facts to findings (FORMATS §6): entitlement per person and period,
// over/under-payment with the precedence DECEASED_PAID → NOT_ELIGIBLE_PAID → DUPLICATE_PAID →
// AMOUNT_MISMATCH (under-payment: UNPAID when nothing succeeded, else AMOUNT_MISMATCH), and
// the register checks INVALID_ID, ID_NAME_MISMATCH, NOT_IN_HUKOU, HUKOU_CANCELLED, DUPLICATE_REGISTRY.
import { defaultSupportEnd, entitlementFor, type Entitlement } from '../shared/entitlement.ts';
import { comparePeriods } from '../shared/periods.ts';
import type { CrosscheckEngine, Person } from './engine.ts';
import { cleanName, compareNames } from './names.ts';
import * as say from './explain.ts';
import { FINDING_CODES, FINDING_LABELS, type CrosscheckResult, type Finding, type FindingCode, type FindingPeriod } from './types.ts';

/** Why an over-paid period is not eligible (for the explanation). */
export type Ineligible =
  | { kind: 'not-in-roster' }
  | { kind: 'removal'; date: string; reason: string }
  | { kind: 'term'; start: string; end: string }
  | { kind: 'no-start' };

interface Acc {
  periods: FindingPeriod[];
  why?: Ineligible[];
}

export function evaluate(e: CrosscheckEngine): CrosscheckResult {
  // checked periods in order; the accumulation arrays are indexed by insertion order
  const order = e.periodCodes.map((c, k) => k).sort((a, b) => comparePeriods(e.periodCodes[a], e.periodCodes[b]));
  const periods = order.map((k) => e.periodObjs[k]);
  const P = e.P;
  const findings: Finding[] = [];
  const coverage = e.coverage();
  const entCache = new Map<string, Entitlement[]>();

  const entitlementsOf = (p: Person, death: string | null): Entitlement[] => {
    // the largest of the rows' entitlements, per period
    let best: Entitlement[] | null = null;
    for (const r of p.rows) {
      const removal = r.status === '已核减' ? (r.removalDate ?? null) : null;
      // the common case (default term, not removed, no death) is keyed by the start date alone
      const plain = !r.supportEnd && !removal && !death && r.supportStart;
      const key = plain ? r.supportStart! : `${r.supportStart}|${r.supportEnd}|${removal}|${death}|`;
      let ents = entCache.get(key);
      if (!ents) {
        ents = periods.map((per) =>
          entitlementFor(per, { supportStart: r.supportStart, supportEnd: r.supportEnd, removalDate: removal, deathDate: death }, e.settings),
        );
        entCache.set(key, ents);
      }
      if (!best) best = ents;
      else if (ents !== best) best = best.map((b, i) => (ents![i].fen > b.fen || (ents![i].eligible && !b.eligible) ? ents![i] : b));
    }
    return best!;
  };

  // per-slot state, reused so that the many people without findings allocate nothing
  let acc: Map<FindingCode, Acc> | null = null;
  let unpaidFailed = 0;
  const add = (code: FindingCode, fp: FindingPeriod, why?: Ineligible) => {
    acc ??= new Map();
    let a = acc.get(code);
    if (!a) {
      a = { periods: [] };
      acc.set(code, a);
    }
    a.periods.push(fp);
    if (why) (a.why ??= []).push(why);
  };
  const push = (slot: number, person: Person | null, code: FindingCode, explanation: string, detail?: FindingPeriod[], deathDate?: string | null) => {
    const first = person?.rows[0];
    let over = 0,
      under = 0;
    if (detail)
      for (const d of detail) {
        over += d.overFen;
        under += d.underFen;
      }
    findings.push({
      code,
      label: FINDING_LABELS[code],
      idNumber: person ? person.id || first!.idNumber : e.payeeId[slot - e.persons.length],
      name: person ? cleanName(first!.name) : e.payeeName[slot - e.persons.length],
      householdNo: first?.householdNo ?? '',
      villageCode: first?.villageCode ?? '',
      periods: detail ? detail.map((d) => d.period) : [],
      overFen: over,
      underFen: under,
      explanation,
      detail,
      ...(deathDate ? { deathDate } : {}),
    });
  };

  const totalSlots = e.persons.length + e.payeeName.length;
  for (let slot = 0; slot < totalSlots; slot++) {
    const person = slot < e.persons.length ? e.persons[slot] : null;
    const death = e.deathOf(slot);
    const ents = person ? entitlementsOf(person, death?.date ?? null) : null;
    acc = null;
    unpaidFailed = 0;
    const base = slot * P;
    for (let j = 0; j < order.length; j++) {
      const i = base + order[j];
      const count = e.cnt[i];
      const ent = ents ? ents[j] : null;
      if (count === 0) {
        if (ent && ent.eligible && ent.fen > 0) {
          unpaidFailed += e.fail[i];
          add('UNPAID', { period: periods[j].code, paidFen: 0, paidCount: 0, entitledFen: ent.fen, overFen: 0, underFen: ent.fen });
        }
        continue;
      }
      const paid = e.sum[i];
      const entitled = ent && ent.eligible ? ent.fen : 0;
      if (paid === entitled) continue;
      const per = periods[j];
      const fp: FindingPeriod = { period: per.code, paidFen: paid, paidCount: count, entitledFen: entitled, overFen: 0, underFen: 0 };
      if (paid > entitled) {
        fp.overFen = paid - entitled;
        if (death && death.date < per.first) add('DECEASED_PAID', fp);
        else if (!person || !ent || !ent.eligible) add('NOT_ELIGIBLE_PAID', fp, ineligibleWhy(person, ent, e.settings.termYears));
        else if (count > 1) add('DUPLICATE_PAID', fp);
        else add('AMOUNT_MISMATCH', fp);
      } else {
        fp.underFen = entitled - paid;
        add('AMOUNT_MISMATCH', fp);
      }
    }

    if (acc) {
      for (const [code, a] of acc as Map<FindingCode, Acc>) {
        let text: string;
        switch (code) {
          case 'DECEASED_PAID':
            text = say.deceasedPaid(death!, a.periods);
            break;
          case 'NOT_ELIGIBLE_PAID':
            text = say.notEligiblePaid(a.periods, a.why!, e.others.get(slot));
            break;
          case 'DUPLICATE_PAID':
            text = say.duplicatePaid(a.periods);
            break;
          case 'AMOUNT_MISMATCH':
            text = say.amountMismatch(a.periods);
            break;
          default:
            text = say.unpaid(a.periods, unpaidFailed);
            break;
        }
        push(slot, person, code, text, a.periods, code === 'DECEASED_PAID' ? (death?.date ?? null) : null);
      }
    }

    if (!person) continue;
    const first = person.rows[0];
    const v = e.validate(first.idNumber);
    if (!v.ok) push(slot, person, 'INVALID_ID', say.invalidId(first.idNumber, v.reason ?? ''));
    const hk = e.hukou.get(slot);
    if (hk && hk.names.length) {
      const rosterName = cleanName(first.name);
      if (!hk.names.includes(rosterName)) {
        push(slot, person, 'ID_NAME_MISMATCH', say.nameMismatch(rosterName, hk.names[0], compareNames(rosterName, hk.names[0])));
      }
    }
    if (person.active && e.hukouGiven) {
      if (!hk) {
        const county = activeCounty(person, coverage);
        if (county) push(slot, person, 'NOT_IN_HUKOU', say.notInHukou(county));
      } else if (!hk.hasNormal && hk.cancel) {
        push(slot, person, 'HUKOU_CANCELLED', say.hukouCancelled(hk.cancel.status, hk.cancel.date), undefined, death?.date ?? null);
      }
    }
    const others = e.others.get(slot);
    if (person.rows.length > 1 || others) push(slot, person, 'DUPLICATE_REGISTRY', say.duplicateRegistry(person.rows, others));
  }

  const rank = new Map(FINDING_CODES.map((c, i) => [c, i]));
  findings.sort((a, b) => rank.get(a.code)! - rank.get(b.code)! || (a.idNumber < b.idNumber ? -1 : a.idNumber > b.idNumber ? 1 : 0));
  const counts = Object.fromEntries(FINDING_CODES.map((c) => [c, 0])) as Record<FindingCode, number>;
  let overFen = 0,
    underFen = 0;
  for (const f of findings) {
    counts[f.code]++;
    overFen += f.overFen;
    underFen += f.underFen;
  }
  return {
    findings,
    summary: {
      counts,
      overFen,
      underFen,
      periods: periods.map((p) => p.code),
      coverage: e.hukouGiven ? [...coverage].sort() : [],
      rosterRows: e.stats.rosterRows,
      rosterPersons: e.persons.length,
      paymentRows: e.stats.paymentRows,
      deathRows: e.stats.deathRows,
      hukouRows: e.stats.hukouRows,
      otherRosterRows: e.stats.otherRosterRows,
    },
  };
}

function ineligibleWhy(person: Person | null, ent: Entitlement | null, termYears: number): Ineligible {
  if (!person || !ent) return { kind: 'not-in-roster' };
  if (ent.excludedBy === 'removal') {
    const r = person.rows.find((x) => x.status === '已核减' && x.removalDate) ?? person.rows[0];
    return { kind: 'removal', date: r.removalDate ?? '', reason: r.removalReason ?? '' };
  }
  if (ent.excludedBy === 'no-start') return { kind: 'no-start' };
  const r = person.rows.find((x) => x.supportStart) ?? person.rows[0];
  return { kind: 'term', start: r.supportStart ?? '', end: r.supportEnd ?? (r.supportStart ? defaultSupportEnd(r.supportStart, termYears) : '') };
}

/** The county (first 6 digits of 村代码) of an active row that the extract covers, if any. */
function activeCounty(p: Person, coverage: Set<string>): string | null {
  for (const r of p.rows) {
    if (r.status !== '正常') continue;
    const c = (r.villageCode ?? '').trim().slice(0, 6);
    if (coverage.has(c)) return c;
  }
  return null;
}
