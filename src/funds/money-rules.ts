// The §8.1 money rules for one new entry against what is already booked: the same rules the
// ledger check applies row by row, here applied to the database's running sums (a web entry, a
// ledger import). Pure: the caller locks the batch and reads the sums inside its transaction.
import type { IsoDate } from '../shared/dates.ts';
import { formatFen, type Fen } from '../shared/money.ts';
import type { MoneySheet, RejectCode } from './ledger.types.ts';

export const ENTRY_KINDS = ['allocation', 'disbursement', 'reimbursement'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const KIND_OF_SHEET: Record<MoneySheet, EntryKind> = { 资金安排: 'allocation', 拨付: 'disbursement', 报账: 'reimbursement' };
export const SHEET_OF_KIND: Record<EntryKind, MoneySheet> = { allocation: '资金安排', disbursement: '拨付', reimbursement: '报账' };

/** Booked money of one batch and project (all dates). */
export interface PairSums {
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
}
export const ZERO_PAIR: PairSums = { allocatedFen: 0, disbursedFen: 0, reimbursedFen: 0 };

export interface EntryCandidate {
  kind: EntryKind;
  date: IsoDate;
  amountFen: Fen;
  /** a reversing entry (红字冲销) of an earlier one: the only way an allocation goes negative */
  reversal?: boolean;
}

export interface EntryContext {
  batch: { issuedOn: IsoDate; amountFen: Fen } | null;
  projectKnown: boolean;
  /** allocations of the batch to every project */
  batchAllocatedFen: Fen;
  pair: PairSums;
}

export interface RuleBreach {
  code: RejectCode;
  message: string;
}

const yuan = formatFen;

/** The first §8.1 code that applies to this entry, in the order of the table, or null when it may be booked. */
export function checkMoneyEntry(e: EntryCandidate, c: EntryContext): RuleBreach | null {
  if (!Number.isSafeInteger(e.amountFen) || e.amountFen === 0) return { code: 'L_BAD_VALUE', message: '金额不能为0' };
  if (!c.batch) return { code: 'L_UNKNOWN_REF', message: '批次编号不存在' };
  if (!c.projectKnown) return { code: 'L_UNKNOWN_REF', message: '项目编号不存在' };
  if (e.date < c.batch.issuedOn) return { code: 'L_BEFORE_BATCH', message: `日期${e.date}早于批次下达日期${c.batch.issuedOn}` };
  if (e.kind === 'allocation') {
    if (e.amountFen < 0 && !e.reversal) return { code: 'L_NEGATIVE', message: '资金安排金额不能为负（更正请冲销原安排）' };
    if (e.amountFen > 0 && c.batchAllocatedFen + e.amountFen > c.batch.amountFen) {
      return {
        code: 'L_OVER_BATCH',
        message: `安排后批次累计安排${yuan(c.batchAllocatedFen + e.amountFen)}元，超过批次金额${yuan(c.batch.amountFen)}元（尚可安排${yuan(c.batch.amountFen - c.batchAllocatedFen)}元）`,
      };
    }
    if (e.amountFen < 0) {
      const after = c.pair.allocatedFen + e.amountFen;
      if (after < 0) return { code: 'L_BELOW_ZERO', message: `冲销后安排金额为${yuan(after)}元，低于零` };
      const used = Math.max(c.pair.disbursedFen, c.pair.reimbursedFen);
      if (after < used) return { code: 'L_OVER_ALLOCATION', message: `冲销后安排${yuan(after)}元，少于已拨付或已报账的${yuan(used)}元` };
    }
    return null;
  }
  const sum = e.kind === 'disbursement' ? c.pair.disbursedFen : c.pair.reimbursedFen;
  const label = e.kind === 'disbursement' ? '拨付' : '报账';
  if (e.amountFen > 0 && sum + e.amountFen > c.pair.allocatedFen) {
    return {
      code: 'L_OVER_ALLOCATION',
      message: `${label}后累计${yuan(sum + e.amountFen)}元，超过该批次对该项目的安排${yuan(c.pair.allocatedFen)}元（尚可${label}${yuan(c.pair.allocatedFen - sum)}元）`,
    };
  }
  if (e.amountFen < 0 && sum + e.amountFen < 0) {
    return { code: 'L_BELOW_ZERO', message: `冲销后${label}累计为${yuan(sum + e.amountFen)}元，低于零` };
  }
  return null;
}

/** The pair's sums after booking the entry. */
export function addToPair(p: PairSums, kind: EntryKind, amountFen: Fen): PairSums {
  if (kind === 'allocation') return { ...p, allocatedFen: p.allocatedFen + amountFen };
  if (kind === 'disbursement') return { ...p, disbursedFen: p.disbursedFen + amountFen };
  return { ...p, reimbursedFen: p.reimbursedFen + amountFen };
}
