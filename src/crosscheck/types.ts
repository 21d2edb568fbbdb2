// Records the cross-check engine reads and the findings it writes (FORMATS.md §1–§6).
// Callers (file mode, the database-backed runs) turn their rows into these shapes.
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';
import type { FindingCode } from './crosscheck.contract.ts';

/** One roster row (FORMATS §1), already parsed. */
export interface RosterRecord {
  householdNo: string;
  name: string;
  /** as written (may be 15-digit, lower-case x, invalid) */
  idNumber: string;
  villageCode: string;
  supportStart: IsoDate | null;
  /** null: the default term (start + termYears − 1 day) */
  supportEnd: IsoDate | null;
  status: '正常' | '已核减';
  removalDate?: IsoDate | null;
  removalReason?: string | null;
  relation?: string | null;
  /** where the row came from, for explanations (file row number or database id) */
  rowNumber?: number;
}

/** One payment line (FORMATS §2). */
export interface PaymentRecord {
  period: string;
  idNumber: string;
  name: string;
  amountFen: Fen;
  /** only 成功 counts as paid */
  success: boolean;
  account?: string | null;
}

/** One death record (FORMATS §3). */
export interface DeathRecord {
  idNumber: string;
  name?: string;
  deathDate: IsoDate;
  source?: string | null;
}

export type HukouStatus = '正常' | '死亡注销' | '迁出注销' | '其他注销';
export const HUKOU_STATUSES: readonly HukouStatus[] = ['正常', '死亡注销', '迁出注销', '其他注销'];

/** One row of a household-registration extract (FORMATS §4). */
export interface HukouRecord {
  idNumber: string;
  name: string;
  status: HukouStatus;
  changeDate?: IsoDate | null;
  /** 户籍地区划代码, 6 or 12 digits; empty → the ID's first 6 digits give the coverage */
  regionCode?: string | null;
}

export { FINDING_CODES, FINDING_LABELS, REMOVABLE_CODES, DEATH_CODES, canBecomeRemoval, type FindingCode } from './crosscheck.contract.ts';

/** Money detail of one period of a finding. */
export interface FindingPeriod {
  period: string;
  /** successful payments */
  paidFen: Fen;
  paidCount: number;
  entitledFen: Fen;
  overFen: Fen;
  underFen: Fen;
}

/** One finding (FORMATS §6): one person (normalised ID) and one code. */
export interface Finding {
  code: FindingCode;
  label: string;
  /** normalised ID (as written when it cannot be normalised) */
  idNumber: string;
  name: string;
  householdNo: string;
  villageCode: string;
  /** periods concerned, in period order */
  periods: string[];
  overFen: Fen;
  underFen: Fen;
  /** 说明 */
  explanation: string;
  /** per-period money detail for payment findings */
  detail?: FindingPeriod[];
  /** DECEASED_PAID, HUKOU_CANCELLED: the death date of the evidence (FORMATS §6), when known — what a 核减 takes as its date */
  deathDate?: string | null;
}

export interface CrosscheckSettings {
  /** standard per person per year, fen (default 60000) */
  standardFen: Fen;
  /** support term in years (default 20) */
  termYears: number;
}

export interface CrosscheckSummary {
  counts: Record<FindingCode, number>;
  overFen: Fen;
  underFen: Fen;
  /** checked periods, in order */
  periods: string[];
  /** county codes the hukou extract was taken to cover */
  coverage: string[];
  rosterRows: number;
  rosterPersons: number;
  paymentRows: number;
  deathRows: number;
  hukouRows: number;
  otherRosterRows: number;
}

export interface CrosscheckResult {
  findings: Finding[];
  summary: CrosscheckSummary;
}
