// The cross-check's codes and answers as data (FORMATS.md §6): the finding codes with their
// Chinese labels, which findings may become a 核减, and the shape of a finding and of a run's
// summary. The engine, the file mode and the database-backed runs (src/cases) all speak this;
// the routes that show it live in cases.contract.ts, which imports this file.
import { z } from 'zod';

export const FINDING_CODES = [
  'DECEASED_PAID',
  'DUPLICATE_PAID',
  'NOT_ELIGIBLE_PAID',
  'AMOUNT_MISMATCH',
  'UNPAID',
  'INVALID_ID',
  'ID_NAME_MISMATCH',
  'NOT_IN_HUKOU',
  'HUKOU_CANCELLED',
  'DUPLICATE_REGISTRY',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const FINDING_LABELS: Record<FindingCode, string> = {
  DECEASED_PAID: '死亡后仍领取',
  DUPLICATE_PAID: '重复领取',
  NOT_ELIGIBLE_PAID: '非扶持对象领取',
  AMOUNT_MISMATCH: '发放金额不符',
  UNPAID: '应发未发',
  INVALID_ID: '身份证号无效',
  ID_NAME_MISMATCH: '姓名与户籍不符',
  NOT_IN_HUKOU: '户籍库中无此人',
  HUKOU_CANCELLED: '户籍已注销仍在册',
  DUPLICATE_REGISTRY: '重复登记',
};

/** findings that mean a death: the 核减 takes its date from the evidence */
export const DEATH_CODES: readonly FindingCode[] = ['DECEASED_PAID', 'HUKOU_CANCELLED'];
/** findings a confirmed case (违规) may turn into a 核减 adjustment: deaths and duplicate registrations */
export const REMOVABLE_CODES: readonly FindingCode[] = [...DEATH_CODES, 'DUPLICATE_REGISTRY'];
/** The 核减 rule: only a case verified as 违规 whose finding is a death or a duplicate registration. */
export const canBecomeRemoval = (c: { code: string; verdict: string | null }) =>
  c.verdict === '违规' && (REMOVABLE_CODES as readonly string[]).includes(c.code);

export const FindingCodeSchema = z.enum(FINDING_CODES);

/** One finding as stored and shown (FORMATS §6): one person (normalised ID) and one code. */
export const FindingSchema = z.object({
  code: FindingCodeSchema,
  label: z.string(),
  idNumber: z.string(),
  name: z.string(),
  householdNo: z.string(),
  villageCode: z.string(),
  periods: z.array(z.string()),
  overFen: z.number(),
  underFen: z.number(),
  explanation: z.string(),
});

/** The counts and money of a run, as the engine sums them. */
export const SummarySchema = z.looseObject({
  counts: z.partialRecord(FindingCodeSchema, z.number()),
  overFen: z.number(),
  underFen: z.number(),
  periods: z.array(z.string()),
  coverage: z.array(z.string()).optional(),
  rosterRows: z.number().optional(),
  rosterPersons: z.number().optional(),
  paymentRows: z.number().optional(),
  deathRows: z.number().optional(),
  hukouRows: z.number().optional(),
  otherRosterRows: z.number().optional(),
});
