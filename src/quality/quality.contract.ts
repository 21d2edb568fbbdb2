// Request and answer shapes of /api/quality (the rule catalogue, custom rules, runs, problem
// lists and their work, the import pre-check, the trend): one zod schema is one type for the
// server and the web app. The Chinese labels of its codes live here too. Pure.
import { z } from 'zod';
import { parseDateStrict } from '../shared/dates.ts';

/** A date as written by a person (checked strictly), answered as YYYY-MM-DD. */
const isoDate = z
  .string()
  .refine((s) => {
    const r = parseDateStrict(s);
    return r.ok && !!r.date;
  }, '日期无效（应为YYYY-MM-DD）')
  .transform((s) => parseDateStrict(s) as { ok: true; date: string })
  .transform((r) => r.date);

export const SEVERITIES = ['错误', '提示'] as const;
export const PROBLEM_STATUSES = ['未处理', '已更正', '确认无误'] as const;
export const RUN_KINDS = ['full', 'incremental'] as const;
export const RUN_KIND_LABELS: Record<(typeof RUN_KINDS)[number], string> = { full: '全部', incremental: '增量' };
export const ProblemStatus = z.enum(PROBLEM_STATUSES);

/** A custom rule as a county administrator writes it (validated again on save, with Chinese errors). */
export const customRuleSchema = z.object({
  code: z.string().regex(/^CUSTOM_[A-Z0-9_]{1,40}$/, '规则代码应以CUSTOM_开头，只含大写字母、数字和下划线'),
  name: z.string().trim().min(2, '规则名称至少2个字').max(40, '规则名称最多40个字'),
  severity: z.enum(SEVERITIES),
  expression: z.string().trim().min(1, '请填写规则条件').max(2000, '规则条件最多2000个字符'),
  /** explanation shown to the village: may use {姓名} {身份证号} {户编号} {村代码} {与户主关系} */
  message: z.string().trim().max(200, '说明最多200个字').optional(),
  enabled: z.boolean().default(true),
  version: z.number().int().positive().default(1),
});
export type CustomRuleDef = z.infer<typeof customRuleSchema>;

/** The body of a saved custom rule: checked against customRuleSchema by the service, so a mistake answers one Chinese message. */
export const SaveRuleBody = z.unknown();
export const CatalogueEntry = z.object({
  code: z.string(),
  name: z.string(),
  severity: z.string(),
  scope: z.string(),
  set: z.string(),
  version: z.number(),
  description: z.string(),
  templates: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  custom: z.boolean(),
  expression: z.string().optional(),
  message: z.string().optional(),
});
export type CatalogueEntryView = z.infer<typeof CatalogueEntry>;
export const Catalogue = z.object({
  rules: z.array(CatalogueEntry),
  fields: z.array(z.object({ names: z.array(z.string()), type: z.string(), label: z.string() })),
  functions: z.array(z.object({ names: z.array(z.string()), doc: z.string() })),
});
export const ExpressionBody = z.object({ expression: z.string().max(2000) });
export const ExpressionCheck = z.object({ ok: z.boolean(), error: z.string().optional(), position: z.number().optional() });
export const RulePreviewBody = customRuleSchema.extend({ asOf: isoDate.optional() });
export const RulePreview = z.object({ flagged: z.number(), total: z.number(), samples: z.array(z.record(z.string(), z.string())) });
export const RuleCodeParam = z.object({ code: z.string().max(60) });
export const RuleSwitchBody = z.object({ enabled: z.boolean() });
export const Ok = z.object({ ok: z.boolean() });

export const ImportCheckParam = z.object({ importId: z.string().uuid() });
export const ImportCheck = z.object({
  persons: z.number(),
  asOf: z.string(),
  total: z.number(),
  byRule: z.array(z.object({ code: z.string(), name: z.string(), severity: z.string(), count: z.number() })),
  items: z.array(
    z.object({
      rowNumber: z.number(),
      code: z.string(),
      name: z.string(),
      severity: z.string(),
      householdNo: z.string(),
      personName: z.string(),
      idNumber: z.string(),
      message: z.string(),
    }),
  ),
});

export const RunSummary = z.object({
  runId: z.number(),
  kind: z.enum(RUN_KINDS),
  asOf: z.string(),
  persons: z.number(),
  found: z.number(),
  newProblems: z.number(),
  corrected: z.number(),
  openAfter: z.number(),
  ruleCounts: z.record(z.string(), z.number()),
  townshipCounts: z.record(z.string(), z.number()),
});
export const RunBody = z.object({ asOf: isoDate.optional(), householdNos: z.array(z.string().min(1).max(40)).max(1000).optional() });

export const ProblemView = z.object({
  id: z.number(),
  ruleCode: z.string(),
  ruleName: z.string(),
  severity: z.string(),
  personId: z.number(),
  householdNo: z.string(),
  idNumber: z.string(),
  name: z.string(),
  villageCode: z.string(),
  townshipCode: z.string(),
  message: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  assignedTo: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type ProblemItemView = z.infer<typeof ProblemView>;
export const ProblemList = z.object({ total: z.number(), items: z.array(ProblemView) });
export const ProblemQuery = z.object({
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  villageCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  ruleCode: z.string().max(60).optional(),
  severity: z.enum(SEVERITIES).optional(),
  status: ProblemStatus.optional(),
  assignedTo: z.string().max(60).optional(),
  householdNo: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const ProblemIdParam = z.object({ id: z.coerce.number().int().positive() });
export const ProblemUpdate = z.object({
  status: ProblemStatus.optional(),
  reason: z.string().max(500).optional(),
  assignedTo: z.string().max(60).nullable().optional(),
});

export const TrendQuery = z.object({ since: isoDate.optional() });
export const Trend = z.object({
  corrected: z.number(),
  byStatus: z.record(z.string(), z.number()),
  runs: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(RUN_KINDS),
      asOf: z.string(),
      at: z.string(),
      found: z.number(),
      newProblems: z.number(),
      corrected: z.number(),
      openAfter: z.number(),
      ruleCounts: z.record(z.string(), z.number()),
      townshipCounts: z.record(z.string(), z.number()),
    }),
  ),
});
