// The quarterly interest subsidy (贴息) of FORMATS §9, exact to the fen. Pure: the same function
// serves the file mode and the database. A loan's balance changes only on repayment dates, so
// day-balances are summed over the intervals between them, not day by day.
import { formatFen } from '../shared/money.ts';
import { csvDocument } from '../shared/files/csv-write.ts';
import { compareCodePoints, formatDecimal, isoOfDay, type Decimal, type Quarter } from './values.ts';
import type { Loan, Rejection } from './book.ts';

export interface SubsidyLine {
  loanNo: string;
  idNumber: string;
  name: string;
  villageCode: string;
  bank: string;
  quarter: string;
  /** 计息天数 */
  days: number;
  /** 余额积数 in fen·days */
  productFen: number;
  rate: Decimal;
  /** 贴息金额 in fen */
  subsidyFen: number;
  overdue: boolean;
  /** balance of the loan's end date when overdue (fen) */
  overdueFen: number;
  note: string;
}

/** 余额积数 × rate ÷ 100 ÷ 360, rounded half up to the fen. productFen is in fen, so ÷ 36000 ÷ 10^s. */
export function subsidyFen(productFen: bigint, rate: Decimal): number {
  const num = productFen * rate.n;
  const den = 36000n * 10n ** BigInt(rate.s);
  return Number((2n * num + den) / (2n * den));
}

/** The subsidy line of one loan in one quarter, or null when no day counts. */
export function loanQuarter(loan: Loan, q: Quarter): SubsidyLine | null {
  const start = Math.max(q.firstDay, loan.issueDay);
  const stop = Math.min(q.lastDay + 1, loan.endDay); // first day that does not count
  const rd = loan.repayDays,
    rf = loan.repayFen;
  let i = 0,
    balance = loan.amountFen;
  while (i < rd.length && rd[i] <= start) balance -= rf[i++];
  // fen·days stay exact in a double while amount × 92 days < 2^53 (any real loan); BigInt beyond
  const exact = loan.amountFen * 92 < Number.MAX_SAFE_INTEGER;
  let days = 0,
    sum = 0,
    big = 0n,
    cur = start;
  while (cur < stop) {
    const next = i < rd.length ? Math.min(rd[i], stop) : stop;
    if (balance > 0 && next > cur) {
      days += next - cur;
      if (exact) sum += balance * (next - cur);
      else big += BigInt(balance) * BigInt(next - cur);
    }
    cur = next;
    while (i < rd.length && rd[i] <= cur) balance -= rf[i++];
  }
  if (days === 0) return null;
  const product = exact ? BigInt(sum) : big;
  const notes: string[] = [];
  // 逾期: the end date falls on or before the quarter's last day with money still owed on it
  let endBalance = 0;
  const overdue = loan.endDay <= q.lastDay && (endBalance = balanceOn(loan, loan.endDay)) > 0;
  if (overdue) notes.push(`逾期：到期日${isoOfDay(loan.endDay)}尚欠${formatFen(endBalance)}元`);
  const paidOff = paidOffIn(loan, q);
  if (paidOff !== null) notes.push(`${isoOfDay(paidOff)}还清`);
  if (loan.extendedTo) notes.push(`展期至${loan.extendedTo}`);
  if (loan.kind === '续贷') notes.push('续贷');
  return {
    loanNo: loan.loanNo,
    idNumber: loan.idNumber,
    name: loan.name,
    villageCode: loan.villageCode,
    bank: loan.bank,
    quarter: q.label,
    days,
    productFen: Number(product),
    rate: loan.subsidyRate,
    subsidyFen: subsidyFen(product, loan.subsidyRate),
    overdue,
    overdueFen: overdue ? endBalance : 0,
    note: notes.join('；'),
  };
}

/** Balance of day d: the amount less the accepted repayments dated on or before d. */
export function balanceOn(loan: Loan, day: number): number {
  let b = loan.amountFen;
  for (let i = 0; i < loan.repayDays.length && loan.repayDays[i] <= day; i++) b -= loan.repayFen[i];
  return b;
}

/** The day within the quarter on which the balance reached 0, if it did. */
function paidOffIn(loan: Loan, q: Quarter): number | null {
  let b = loan.amountFen;
  for (let i = 0; i < loan.repayDays.length; i++) {
    b -= loan.repayFen[i];
    if (b === 0) return loan.repayDays[i] >= q.firstDay && loan.repayDays[i] <= q.lastDay ? loan.repayDays[i] : null;
  }
  return null;
}

/** Every loan's line for the quarter, sorted by 贷款编号 in code point order. */
export function quarterSubsidy(loans: Iterable<Loan>, q: Quarter): SubsidyLine[] {
  const out: SubsidyLine[] = [];
  for (const loan of loans) {
    const line = loanQuarter(loan, q);
    if (line) out.push(line);
  }
  return out.sort((a, b) => compareCodePoints(a.loanNo, b.loanNo));
}

export const SUBSIDY_HEADERS = ['贷款编号', '身份证号', '姓名', '村代码', '季度', '计息天数', '余额积数', '贴息利率', '贴息金额', '说明'] as const;
export const REJECTED_HEADERS = ['文件', '行号', '原因'] as const;

export function subsidyCsv(lines: SubsidyLine[]): string {
  return csvDocument(
    SUBSIDY_HEADERS,
    lines.map((l) => [
      l.loanNo,
      l.idNumber,
      l.name,
      l.villageCode,
      l.quarter,
      l.days,
      formatFen(l.productFen),
      formatDecimal(l.rate),
      formatFen(l.subsidyFen),
      l.note,
    ]),
    ['text', 'raw', 'text', 'text', 'raw', 'raw', 'raw', 'raw', 'raw', 'text'],
  );
}

export function rejectedCsv(rejected: Rejection[]): string {
  return csvDocument(
    REJECTED_HEADERS,
    rejected.map((r) => [r.file, r.row, r.reason]),
    ['text', 'raw', 'text'],
  );
}

export function totals(lines: SubsidyLine[]): { loans: number; subsidyFen: number; overdue: number } {
  let subsidy = 0,
    overdue = 0;
  for (const l of lines) {
    subsidy += l.subsidyFen;
    if (l.overdue) overdue++;
  }
  return { loans: lines.length, subsidyFen: subsidy, overdue };
}
