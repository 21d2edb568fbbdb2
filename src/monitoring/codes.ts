// The codes of 防返贫监测 and their Chinese labels, in one place: the contract, the pure logic,
// the files and the web app all read them from here. Pure data, no imports.

export const CATEGORIES = { stable_out: '脱贫户', unstable: '脱贫不稳定户', edge: '边缘易致贫户', sudden: '突发严重困难户' } as const;
export type Category = keyof typeof CATEGORIES;

export const IDENTIFIED_HOW = { declared: '农户申报', screening: '干部排查', alert: '部门预警' } as const;
export type IdentifiedHow = keyof typeof IDENTIFIED_HOW;

export const RISK_TYPES = {
  illness: '因病',
  disability: '因残',
  schooling: '因学',
  disaster: '因灾',
  accident: '因意外',
  employment: '务工就业不稳',
  industry: '产业失败',
  housing: '住房',
  water: '饮水',
  other: '其他',
} as const;
export type RiskType = keyof typeof RISK_TYPES;

export const RISK_STATES = { active: '帮扶中（风险未消除）', pending_township: '待乡镇审核', pending_county: '待县级审定', removed: '风险已消除' } as const;
export type RiskState = keyof typeof RISK_STATES;

export const HOUSEHOLD_STATUSES = { monitoring: '监测中', removed: '风险已消除' } as const;
export type HouseholdStatus = keyof typeof HOUSEHOLD_STATUSES;

export const MEASURE_TYPES = {
  industry: '产业帮扶',
  employment: '就业帮扶',
  health: '健康帮扶',
  education: '教育帮扶',
  safety_net: '兜底保障',
  microcredit: '小额信贷',
  other: '其他',
} as const;
export type MeasureType = keyof typeof MEASURE_TYPES;

/**
 * Conditions a removal may record (风险消除条件). Every removal must record all REQUIRED ones;
 * `income_stable` is only accepted when the household's per-capita income of the removal year
 * is at or above that year's monitoring line.
 */
export const REMOVAL_CONDITIONS = {
  income_stable: '人均纯收入稳定高于当年监测标准',
  basics_secured: '“两不愁三保障”及饮水安全有保障',
  risk_resolved: '致贫返贫风险已稳定消除或自然消除',
  measures_in_place: '帮扶措施已落实并见效',
  no_new_risk: '无新增致贫返贫风险',
} as const;
export type RemovalCondition = keyof typeof REMOVAL_CONDITIONS;
export const REQUIRED_CONDITIONS: readonly RemovalCondition[] = ['income_stable', 'basics_secured', 'risk_resolved'];

/** 两不愁三保障 and 饮水安全: the items a visit checks. */
export const VISIT_ITEMS = {
  food: '不愁吃',
  clothing: '不愁穿',
  schooling: '义务教育有保障',
  medical: '基本医疗有保障',
  housing: '住房安全有保障',
  water: '饮水安全有保障',
} as const;
export type VisitItem = keyof typeof VISIT_ITEMS;

export const PROBLEM_STATUSES = { open: '未整改', cleared: '已清零' } as const;

/** Offices that send alert files, by code. */
export const ALERT_SOURCES = { medical: '医保', disability: '残联', civil: '民政', education: '教育', housing: '住建' } as const;
export type AlertSource = keyof typeof ALERT_SOURCES;

/**
 * Alert types (the file's 预警类型 column), the office they come from and the risk they point
 * at. Aliases are spellings offices use for the same type.
 */
export const ALERT_TYPES = {
  high_medical: { label: '高额医疗费用', source: 'medical', risk: 'illness', aliases: ['大额医疗费用', '高额医疗支出', '医疗费用高'] },
  disability: { label: '新增残疾', source: 'disability', risk: 'disability', aliases: ['残疾', '新办残疾证', '残疾人'] },
  dibao: { label: '低保', source: 'civil', risk: 'other', aliases: ['纳入低保', '最低生活保障'] },
  tekun: { label: '特困', source: 'civil', risk: 'other', aliases: ['特困供养', '特困人员'] },
  dropout: { label: '辍学', source: 'education', risk: 'schooling', aliases: ['失学辍学', '辍学学生', '控辍保学'] },
  unsafe_housing: { label: '危房', source: 'housing', risk: 'housing', aliases: ['C级危房', 'D级危房', '住房不安全'] },
} as const satisfies Record<string, { label: string; source: AlertSource; risk: RiskType; aliases: readonly string[] }>;
export type AlertType = keyof typeof ALERT_TYPES;

export const ALERT_STATUSES = { open: '待研判', included: '纳入监测', excluded: '不纳入' } as const;
export type AlertStatus = keyof typeof ALERT_STATUSES;

export const MATCH_KINDS = { monitored: '已是监测户', support: '后扶人口（未监测）', none: '未在册' } as const;
export type MatchKind = keyof typeof MATCH_KINDS;

export const RELATIONS = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲', '儿媳', '女婿', '兄弟姐妹', '其他'] as const;

/** Label lookup that accepts an unknown code (shows it as written). */
export function labelOf(table: Record<string, string | { label: string }>, code: string): string {
  const v = table[code];
  if (v === undefined) return code;
  return typeof v === 'string' ? v : v.label;
}
