// The contract of 防返贫监测: zod schemas of every request and response (routes declare both;
// the web app reads the same types), and the Chinese labels of the codes (codes.ts).
import { z } from 'zod';
import {
  CATEGORIES,
  IDENTIFIED_HOW,
  RISK_TYPES,
  RISK_STATES,
  MEASURE_TYPES,
  REMOVAL_CONDITIONS,
  VISIT_ITEMS,
  ALERT_SOURCES,
  ALERT_TYPES,
  ALERT_STATUSES,
  MATCH_KINDS,
  HOUSEHOLD_STATUSES,
  PROBLEM_STATUSES,
  RELATIONS,
} from './codes.ts';
export * from './codes.ts';
export { REFUSALS } from './risk.ts';

const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
export const Category = z.enum(keys(CATEGORIES));
export const IdentifiedHow = z.enum(keys(IDENTIFIED_HOW));
export const RiskType = z.enum(keys(RISK_TYPES));
export const RiskState = z.enum(keys(RISK_STATES));
export const MeasureType = z.enum(keys(MEASURE_TYPES));
export const RemovalCondition = z.enum(keys(REMOVAL_CONDITIONS));
export const AlertSource = z.enum(keys(ALERT_SOURCES));
export const AlertType = z.enum(keys(ALERT_TYPES));
export const AlertStatus = z.enum(keys(ALERT_STATUSES));
export const MatchKind = z.enum(keys(MATCH_KINDS));
export const HouseholdStatus = z.enum(keys(HOUSEHOLD_STATUSES));
export const ProblemStatus = z.enum(keys(PROBLEM_STATUSES));

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为YYYY-MM-DD');
const Village = z.string().regex(/^\d{12}$/, '村代码应为12位数字');
const Region = z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, '区划代码应为6、9或12位数字');
const Fen = z.number().int().min(0).max(1e13);
const Text = (max: number) => z.string().max(max);
const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
export const IdParam = z.object({ id: z.coerce.number().int().positive() });
export const UnmaskQuery = z.object({ unmask: flag });
export const Ok = z.object({ ok: z.literal(true) });
export const Created = z.object({ id: z.number().int() });

// ---- households ----
export const MemberBody = z.object({
  name: Text(40).min(1, '请填写姓名'),
  idNumber: Text(30).min(1, '请填写身份证号'),
  relation: z.enum(RELATIONS),
  phone: Text(30).optional(),
  healthNote: Text(500).optional(),
});
export const IdentifyBody = z.object({
  villageCode: Village,
  category: Category,
  identifiedOn: Day,
  identifiedHow: IdentifiedHow,
  responsibleName: Text(40),
  responsiblePhone: Text(30).optional(),
  address: Text(200).optional(),
  members: z.array(MemberBody).min(1, '请至少录入一名家庭成员').max(30),
  risks: z
    .array(z.object({ riskType: RiskType, note: Text(500).optional() }))
    .min(1, '请至少选择一项风险类型')
    .max(10),
  incomeYear: z.number().int().min(2000).max(2100).optional(),
  incomeFen: Fen.optional(),
});
export const RiskBody = z.object({ riskType: RiskType, identifiedOn: Day, note: Text(500).optional() });
export const MeasureBody = z.object({
  riskId: z.number().int().positive().nullable().optional(),
  measureType: MeasureType,
  description: Text(500).min(1, '请填写措施内容'),
  startOn: Day,
  endOn: Day.nullable().optional(),
  amountFen: Fen,
});
export const IncomeBody = z.object({ year: z.number().int().min(2000).max(2100), incomeFen: Fen });
export const RemovalBody = z.object({ removalDate: Day, conditions: z.array(z.string().max(40)).max(10), note: Text(2000) });
export const ReturnBody = z.object({ reason: Text(1000) });
export const LineBody = z.object({ lineFen: z.number().int().positive().max(1e9) });
export const YearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

export const ListQuery = z.object({
  status: HouseholdStatus.optional(),
  category: Category.optional(),
  riskType: RiskType.optional(),
  region: Region.optional(),
  identifiedFrom: Day.optional(),
  identifiedTo: Day.optional(),
  removedFrom: Day.optional(),
  removedTo: Day.optional(),
  q: Text(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  unmask: flag,
});

export const HouseholdItem = z.object({
  id: z.number(),
  villageCode: z.string(),
  villageName: z.string(),
  townshipName: z.string(),
  headName: z.string(),
  category: Category,
  categoryName: z.string(),
  identifiedOn: z.string(),
  identifiedHow: IdentifiedHow,
  identifiedHowName: z.string(),
  status: HouseholdStatus,
  statusName: z.string(),
  removedOn: z.string().nullable(),
  people: z.number(),
  riskTypes: z.array(RiskType),
  openRisks: z.array(RiskType),
  pendingRemovals: z.number(),
  responsibleName: z.string(),
  incomeYear: z.number().nullable(),
  incomeFen: z.number().nullable(),
});
export const HouseholdList = z.object({ total: z.number(), people: z.number(), page: z.number(), pageSize: z.number(), items: z.array(HouseholdItem) });

export const MemberView = z.object({
  id: z.number(),
  name: z.string(),
  idNumber: z.string(),
  idValid: z.boolean(),
  relation: z.string(),
  phone: z.string(),
  healthNote: z.string(),
  /** the post-support register's record of this person, when there is one */
  support: z.object({ householdNo: z.string(), status: z.string(), villageCode: z.string() }).nullable(),
});
export const RiskView = z.object({
  id: z.number(),
  riskType: RiskType,
  riskTypeName: z.string(),
  state: RiskState,
  stateName: z.string(),
  identifiedOn: z.string(),
  note: z.string(),
  removalDate: z.string().nullable(),
  removalConditions: z.array(z.string()),
  removalConditionNames: z.array(z.string()),
  removalNote: z.string(),
  removalIncomeFen: z.number().nullable(),
  removalLineFen: z.number().nullable(),
  requestedBy: z.number().nullable(),
  requestedAt: z.string().nullable(),
  townshipBy: z.number().nullable(),
  townshipAt: z.string().nullable(),
  countyBy: z.number().nullable(),
  countyAt: z.string().nullable(),
  returnedNote: z.string(),
  sourceAlertId: z.number().nullable(),
});
export const MeasureView = z.object({
  id: z.number(),
  riskId: z.number().nullable(),
  measureType: MeasureType,
  measureTypeName: z.string(),
  description: z.string(),
  startOn: z.string(),
  endOn: z.string().nullable(),
  amountFen: z.number(),
});
export const VisitView = z.object({
  id: z.number(),
  campaignId: z.number(),
  campaignName: z.string().optional(),
  targetId: z.number(),
  visitedOn: z.string(),
  visitor: z.string(),
  findings: z.array(z.object({ item: z.string(), label: z.string(), ok: z.boolean(), note: z.string() })),
});
export const AlertView = z.object({
  id: z.number(),
  importId: z.number(),
  rowNumber: z.number(),
  source: AlertSource,
  sourceName: z.string(),
  alertType: z.string(),
  alertTypeName: z.string(),
  idNumber: z.string(),
  name: z.string(),
  amountFen: z.number().nullable(),
  note: z.string(),
  alertDate: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string(),
  matchKind: MatchKind,
  matchKindName: z.string(),
  monitoredHouseholdId: z.number().nullable(),
  supportHouseholdNo: z.string().nullable(),
  evidence: z.string(),
  status: AlertStatus,
  statusName: z.string(),
  decisionReason: z.string(),
  decidedAt: z.string().nullable(),
});
export const LoanView = z.object({
  loanNo: z.string(),
  idNumber: z.string(),
  name: z.string(),
  bank: z.string(),
  issuedOn: z.string(),
  dueOn: z.string(),
  amountFen: z.number(),
  balanceFen: z.number(),
  status: z.string(),
});
export const TimelineItem = z.object({
  date: z.string(),
  kind: z.enum(['identified', 'risk', 'removal', 'measure', 'visit', 'alert', 'removed']),
  title: z.string(),
  detail: z.string(),
});

export const HouseholdPage = z.object({
  household: HouseholdItem.extend({ responsiblePhone: z.string(), address: z.string(), sourceAlertId: z.number().nullable(), lineFen: z.number().nullable() }),
  members: z.array(MemberView),
  risks: z.array(RiskView),
  measures: z.array(MeasureView),
  visits: z.array(VisitView),
  alerts: z.array(AlertView),
  loans: z.object({ available: z.boolean(), items: z.array(LoanView) }),
  timeline: z.array(TimelineItem),
  masked: z.boolean(),
});

export const RemovalQueueQuery = z.object({ step: z.enum(['township', 'county']) });
export const RemovalQueue = z.object({
  items: z.array(
    z.object({
      riskId: z.number(),
      householdId: z.number(),
      headName: z.string(),
      villageCode: z.string(),
      villageName: z.string(),
      riskType: RiskType,
      riskTypeName: z.string(),
      removalDate: z.string().nullable(),
      removalConditionNames: z.array(z.string()),
      removalNote: z.string(),
      requestedBy: z.number().nullable(),
      requestedAt: z.string().nullable(),
    }),
  ),
});
export const ApproveResult = z.object({ ok: z.literal(true), householdStatus: HouseholdStatus });
export const Lines = z.object({ lines: z.array(z.object({ year: z.number(), lineFen: z.number() })) });

// ---- figures ----
export const DrillSchema = z.object({
  status: HouseholdStatus.optional(),
  category: Category.optional(),
  riskType: RiskType.optional(),
  region: z.string().optional(),
  identifiedFrom: z.string().optional(),
  identifiedTo: z.string().optional(),
  removedFrom: z.string().optional(),
  removedTo: z.string().optional(),
});
const FigureSchema = z.object({ label: z.string(), households: z.number(), people: z.number(), drill: DrillSchema });
export const FiguresQuery = z.object({ from: Day, to: Day });
export const FiguresResponse = z.object({
  from: z.string(),
  to: z.string(),
  monitoring: FigureSchema,
  byCategory: z.array(FigureSchema),
  byRisk: z.array(FigureSchema),
  identified: FigureSchema,
  removed: FigureSchema,
  byTownship: z.array(
    z.object({ townshipCode: z.string(), townshipName: z.string(), monitoring: FigureSchema, identified: FigureSchema, removed: FigureSchema }),
  ),
  riskByTownship: z.array(z.object({ townshipCode: z.string(), townshipName: z.string(), riskType: RiskType, households: z.number() })),
  byMonth: z.array(z.object({ month: z.string(), identified: z.number(), removed: z.number() })),
});

// ---- campaigns ----
export const CampaignBody = z.object({
  name: Text(100).min(1, '请填写任务名称'),
  startOn: Day,
  endOn: Day,
  villages: z.array(Village).min(1, '请至少选择一个村').max(2000),
});
export const CampaignView = z.object({
  id: z.number(),
  name: z.string(),
  startOn: z.string(),
  endOn: z.string(),
  status: z.enum(['open', 'closed']),
  createdAt: z.string(),
});
export const CampaignList = z.object({ campaigns: z.array(CampaignView) });
export const VillageProgressView = z.object({
  villageCode: z.string(),
  villageName: z.string(),
  townshipName: z.string(),
  targets: z.number(),
  visited: z.number(),
  problems: z.number(),
  openProblems: z.number(),
  overdueProblems: z.number(),
});
export const CampaignBoard = z.object({
  campaign: CampaignView,
  villages: z.array(VillageProgressView),
  totals: VillageProgressView.omit({ villageCode: true, villageName: true, townshipName: true }),
});
export const VillageParams = z.object({ id: z.coerce.number().int().positive(), code: Village });
export const TargetView = z.object({
  id: z.number(),
  villageCode: z.string(),
  kind: z.enum(['monitored', 'support']),
  kindName: z.string(),
  monitoredHouseholdId: z.number().nullable(),
  supportHouseholdNo: z.string().nullable(),
  headName: z.string(),
  visits: z.number(),
  openProblems: z.number(),
});
export const TargetList = z.object({ targets: z.array(TargetView) });
const Finding = z.object({ ok: z.boolean(), note: Text(500).optional() });
export const VisitBody = z.object({
  visitedOn: Day,
  visitor: Text(40),
  findings: z.object(Object.fromEntries(Object.keys(VISIT_ITEMS).map((k) => [k, Finding])) as Record<keyof typeof VISIT_ITEMS, typeof Finding>),
  problemOwner: Text(40).optional(),
  problemDueOn: Day.optional(),
});
export const VisitResult = z.object({ visitId: z.number(), problemIds: z.array(z.number()) });
export const VisitList = z.object({ visits: z.array(VisitView) });
export const ProblemsQuery = z.object({ status: ProblemStatus.optional() });
export const ProblemView = z.object({
  id: z.number(),
  targetId: z.number(),
  item: z.string(),
  itemName: z.string(),
  description: z.string(),
  owner: z.string(),
  dueOn: z.string(),
  status: ProblemStatus,
  statusName: z.string(),
  overdue: z.boolean(),
  clearedOn: z.string().nullable(),
  clearingNote: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  headName: z.string(),
});
export const ProblemList = z.object({ problems: z.array(ProblemView) });
export const ClearBody = z.object({ clearedOn: Day, note: Text(1000) });

// ---- alerts ----
export const ImportQuery = z.object({ source: AlertSource });
const ProblemRowSchema = z.object({ rowNumber: z.number(), column: z.string(), reason: z.string() });
export const ImportResultSchema = z.object({
  importId: z.number(),
  duplicate: z.boolean(),
  rows: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  matched: z.object({ monitored: z.number(), support: z.number(), none: z.number() }),
  problems: z.array(ProblemRowSchema),
  problemCount: z.number(),
  warnings: z.array(z.string()),
});
export const ImportList = z.object({
  imports: z.array(
    z.object({
      id: z.number(),
      source: AlertSource,
      sourceName: z.string(),
      filename: z.string(),
      rows: z.number(),
      accepted: z.number(),
      rejected: z.number(),
      importedAt: z.string(),
    }),
  ),
});
export const ImportProblems = z.object({ problems: z.array(ProblemRowSchema) });
export const AlertsQuery = z.object({
  status: AlertStatus.optional(),
  matchKind: MatchKind.optional(),
  source: AlertSource.optional(),
  importId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  unmask: flag,
});
export const AlertList = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  masked: z.boolean(),
  items: z.array(AlertView),
  counts: z.array(z.object({ status: AlertStatus, matchKind: MatchKind, n: z.number() })),
});
export const DecisionBody = z.object({
  decision: z.enum(['include', 'exclude']),
  reason: Text(1000),
  category: Category.optional(),
  responsibleName: Text(40).optional(),
  villageCode: Village.optional(),
  members: z.array(MemberBody).max(30).optional(),
});
export const DecisionResult = z.object({ ok: z.literal(true), householdId: z.number().nullable() });

export type HouseholdItemT = z.infer<typeof HouseholdItem>;
export type HouseholdPageT = z.infer<typeof HouseholdPage>;
export type FiguresT = z.infer<typeof FiguresResponse>;
export type AlertViewT = z.infer<typeof AlertView>;
export type CampaignBoardT = z.infer<typeof CampaignBoard>;
