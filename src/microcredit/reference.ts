// A brute-force, day-by-day reading of §9 used only to check the fast computation (tests and
// the benchmark's planted truth): walks every calendar day of the quarter with ISO strings.
import { addDays } from '../shared/dates.ts';
import { isoOfDay, type Decimal, type Quarter } from './values.ts';
import type { Loan } from './book.ts';

export interface ReferenceLine {
  days: number;
  productFen: bigint;
  subsidyFen: bigint;
  overdue: boolean;
}

export function referenceQuarter(loan: Loan, q: Quarter): ReferenceLine | null {
  const repayments = loan.repayDays.map((d, i) => ({ date: isoOfDay(d), fen: loan.repayFen[i] }));
  const balance = (date: string) => repayments.reduce((b, r) => (r.date <= date ? b - r.fen : b), loan.amountFen);
  const end = loan.extendedTo ?? loan.dueOn;
  let days = 0,
    product = 0n;
  for (let d = q.first; d <= q.last; d = addDays(d, 1)) {
    if (d < loan.issuedOn || d >= end) continue;
    const b = balance(d);
    if (b > 0) {
      days++;
      product += BigInt(b);
    }
  }
  if (days === 0) return null;
  return { days, productFen: product, subsidyFen: roundedSubsidy(product, loan.subsidyRate), overdue: end <= q.last && balance(end) > 0 };
}

/** fen = product × rate% ÷ 360, by quotient and remainder: half a fen or more rounds up. */
function roundedSubsidy(productFen: bigint, rate: Decimal): bigint {
  const den = 100n * 360n * 10n ** BigInt(rate.s);
  const num = productFen * rate.n;
  const q = num / den,
    r = num % den;
  return r * 2n >= den ? q + 1n : q;
}
