// Loan figures (pure): balances on a date, loans falling due in a period and how each was
// handled (还清, 续贷, 展期, 逾期), balances by township and bank, the overdue list, and the
// headline counts — each figure carries the loan numbers behind it so a page can drill down.
import type { IsoDate } from '../shared/dates.ts';
import { balanceOn } from './subsidy.ts';
import { dayOf, isoOfDay, compareCodePoints } from './values.ts';
import type { Loan } from './book.ts';

export type Handling = '还清' | '续贷' | '展期' | '逾期' | '未到期';
export const HANDLINGS: Handling[] = ['还清', '续贷', '展期', '逾期', '未到期'];

export interface LoanState {
  loanNo: string;
  idNumber: string;
  name: string;
  villageCode: string;
  bank: string;
  kind: string;
  issuedOn: IsoDate;
  dueOn: IsoDate;
  extendedTo: IsoDate | null;
  amountFen: number;
  /** balance at the end of the as-of date */
  balanceFen: number;
  repaidFen: number;
  /** the day the balance reached 0, if it did by the as-of date */
  paidOffOn: IsoDate | null;
  overdue: boolean;
  /** the 续贷 loan that followed this one, if any */
  renewedBy: string | null;
}

/** renewals: previous loan number → the 续贷 loan that follows it (same borrower). */
export function renewalsOf(loans: Loan[]): Map<string, string> {
  const byId = new Map<string, Loan[]>();
  for (const l of loans) {
    const a = byId.get(l.idNumber);
    if (a) a.push(l);
    else byId.set(l.idNumber, [l]);
  }
  const next = new Map<string, string>();
  for (const ls of byId.values()) {
    ls.sort((a, b) => a.issueDay - b.issueDay || compareCodePoints(a.loanNo, b.loanNo));
    for (let i = 1; i < ls.length; i++) if (ls[i].kind === '续贷') next.set(ls[i - 1].loanNo, ls[i].loanNo);
  }
  return next;
}

/** 续贷 loan → the loan it renews (the same borrower's previous loan). */
export function renewedFromOf(loans: Loan[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [prev, next] of renewalsOf(loans)) m.set(next, prev);
  return m;
}

export function loanState(l: Loan, asOf: IsoDate, renewedBy: string | null = null): LoanState {
  const day = dayOf(asOf);
  const balance = balanceOn(l, day);
  let paidOffOn: IsoDate | null = null,
    b = l.amountFen;
  for (let i = 0; i < l.repayDays.length && l.repayDays[i] <= day; i++) {
    b -= l.repayFen[i];
    if (b === 0) {
      paidOffOn = isoOfDay(l.repayDays[i]);
      break;
    }
  }
  return {
    loanNo: l.loanNo,
    idNumber: l.idNumber,
    name: l.name,
    villageCode: l.villageCode,
    bank: l.bank,
    kind: l.kind,
    issuedOn: l.issuedOn,
    dueOn: l.dueOn,
    extendedTo: l.extendedTo,
    amountFen: l.amountFen,
    balanceFen: l.issueDay <= day ? balance : 0,
    repaidFen: l.amountFen - balance,
    paidOffOn,
    overdue: l.endDay <= day && balanceOn(l, l.endDay) > 0 && balance > 0,
    renewedBy,
  };
}

/** How a loan falling due was handled, seen on the as-of date. */
export function handlingOf(s: LoanState, asOf: IsoDate): Handling {
  if (s.renewedBy) return '续贷';
  if (s.extendedTo) return s.overdue ? '逾期' : '展期';
  if (s.paidOffOn !== null && s.paidOffOn <= (s.extendedTo ?? s.dueOn)) return '还清';
  if (s.overdue) return '逾期';
  if (s.balanceFen === 0) return '还清';
  return (s.extendedTo ?? s.dueOn) > asOf ? '未到期' : '逾期';
}

export interface DueLoan extends LoanState {
  handling: Handling;
}

/** Loans whose 到期日期 falls in [from, to], each with its handling as of asOf. */
export function dueLoans(loans: Loan[], from: IsoDate, to: IsoDate, asOf: IsoDate): DueLoan[] {
  const renewals = renewalsOf(loans);
  return loans
    .filter((l) => l.dueOn >= from && l.dueOn <= to)
    .map((l) => {
      const s = loanState(l, asOf, renewals.get(l.loanNo) ?? null);
      return { ...s, handling: handlingOf(s, asOf) };
    })
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : compareCodePoints(a.loanNo, b.loanNo)));
}

export interface Group {
  key: string;
  loans: number;
  balanceFen: number;
  loanNos: string[];
}

/** Outstanding balances on a date grouped by township (first 9 digits of 村代码) or bank. */
export function balancesBy(loans: Loan[], asOf: IsoDate, by: 'township' | 'bank'): Group[] {
  const day = dayOf(asOf);
  const groups = new Map<string, Group>();
  for (const l of loans) {
    if (l.issueDay > day) continue;
    const b = balanceOn(l, day);
    if (b <= 0) continue;
    const key = by === 'bank' ? l.bank || '（未填）' : l.villageCode.slice(0, 9);
    const g = groups.get(key) ?? { key, loans: 0, balanceFen: 0, loanNos: [] };
    g.loans++;
    g.balanceFen += b;
    g.loanNos.push(l.loanNo);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => compareCodePoints(a.key, b.key));
}

export interface Headline {
  asOf: IsoDate;
  from: IsoDate;
  to: IsoDate;
  outstanding: { loans: number; balanceFen: number; loanNos: string[] };
  issued: { loans: number; amountFen: number; loanNos: string[] };
  repaid: { loans: number; amountFen: number; loanNos: string[] };
  renewed: { loans: number; loanNos: string[] };
  extended: { loans: number; loanNos: string[] };
  overdue: { loans: number; balanceFen: number; loanNos: string[] };
}

/** Outstanding on asOf; issued, repaid, renewed and extended in [from, to]; overdue on asOf. */
export function headline(loans: Loan[], from: IsoDate, to: IsoDate, asOf: IsoDate): Headline {
  const h: Headline = {
    asOf,
    from,
    to,
    outstanding: { loans: 0, balanceFen: 0, loanNos: [] },
    issued: { loans: 0, amountFen: 0, loanNos: [] },
    repaid: { loans: 0, amountFen: 0, loanNos: [] },
    renewed: { loans: 0, loanNos: [] },
    extended: { loans: 0, loanNos: [] },
    overdue: { loans: 0, balanceFen: 0, loanNos: [] },
  };
  const f = dayOf(from),
    t = dayOf(to);
  for (const l of loans) {
    const s = loanState(l, asOf);
    if (l.issuedOn <= asOf && s.balanceFen > 0) {
      h.outstanding.loans++;
      h.outstanding.balanceFen += s.balanceFen;
      h.outstanding.loanNos.push(l.loanNo);
    }
    if (s.overdue) {
      h.overdue.loans++;
      h.overdue.balanceFen += s.balanceFen;
      h.overdue.loanNos.push(l.loanNo);
    }
    if (l.issueDay >= f && l.issueDay <= t) {
      h.issued.loans++;
      h.issued.amountFen += l.amountFen;
      h.issued.loanNos.push(l.loanNo);
      if (l.kind === '续贷') {
        h.renewed.loans++;
        h.renewed.loanNos.push(l.loanNo);
      }
    }
    if (l.extendedTo && l.dueOn >= from && l.dueOn <= to) {
      h.extended.loans++;
      h.extended.loanNos.push(l.loanNo);
    }
    let paid = 0;
    for (let i = 0; i < l.repayDays.length; i++) if (l.repayDays[i] >= f && l.repayDays[i] <= t) paid += l.repayFen[i];
    if (paid > 0) {
      h.repaid.loans++;
      h.repaid.amountFen += paid;
      h.repaid.loanNos.push(l.loanNo);
    }
  }
  return h;
}

/** Month-end balances from the first to the last month given (YYYY-MM), for the chart. */
export function monthlyBalances(loans: Loan[], fromMonth: string, toMonth: string): { month: string; loans: number; balanceFen: number }[] {
  const out: { month: string; loans: number; balanceFen: number }[] = [];
  let y = +fromMonth.slice(0, 4),
    m = +fromMonth.slice(5, 7);
  const endY = +toMonth.slice(0, 4),
    endM = +toMonth.slice(5, 7);
  while (y < endY || (y === endY && m <= endM)) {
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const day = dayOf(next) - 1;
    let n = 0,
      total = 0;
    for (const l of loans) {
      if (l.issueDay > day) continue;
      const b = balanceOn(l, day);
      if (b > 0) {
        n++;
        total += b;
      }
    }
    out.push({ month: `${y}-${String(m).padStart(2, '0')}`, loans: n, balanceFen: total });
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
