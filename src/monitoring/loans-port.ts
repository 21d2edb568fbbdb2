// The household page's 小额信贷 tab asks the microcredit capability for a household's loans
// through this one function. Monitoring owns the interface, not the loans: until a provider
// is registered (by the app, from the microcredit capability) the tab shows an empty state.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

export interface LoanSummary {
  loanNo: string;
  idNumber: string;
  name: string;
  bank: string;
  issuedOn: string;
  /** 到期日期, or 展期到期日期 when extended */
  dueOn: string;
  amountFen: number;
  balanceFen: number;
  /** e.g. 正常, 逾期, 已还清, 已展期 */
  status: string;
}

/** Loans of the people with these normalised ID numbers, in one county. */
export type LoansByIdNumbers = (db: Kysely<Tables>, countyCode: string, idNumbers: string[]) => Promise<LoanSummary[]>;

let provider: LoansByIdNumbers | null = null;

/** Called once at start-up by whoever provides loans (src/app.ts wires the microcredit capability). */
export function registerLoanLookup(fn: LoansByIdNumbers | null): void {
  provider = fn;
}

/** null: no microcredit capability yet (the page shows an empty state). */
export async function loansOf(db: Kysely<Tables>, countyCode: string, idNumbers: string[]): Promise<LoanSummary[] | null> {
  if (!provider) return null;
  return idNumbers.length ? provider(db, countyCode, idNumbers) : [];
}
