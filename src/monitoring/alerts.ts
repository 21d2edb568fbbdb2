// Department alerts (部门预警), pure: the columns of an alert file, reading one row into an
// alert or into problems (row, column, reason), and matching alerts against the population
// (monitored members first, then the post-support register) by normalised ID number.
import { normalizeId, validateId, ID_WEIGHTS, ID_CHECK_CHARS } from '../shared/idnumber.ts';
import { daysInMonth, parseDateStrict, type IsoDate } from '../shared/dates.ts';
import { parseYuanToFen } from '../shared/money.ts';
import type { ColumnSpec } from '../shared/files/table.ts';
import { ALERT_SOURCES, ALERT_TYPES, MATCH_KINDS, RISK_TYPES, type AlertSource, type AlertType, type MatchKind } from './codes.ts';

/** The alert file (docs/monitoring.md): 身份证号, 姓名 and 预警类型 are required. */
export const ALERT_SPEC: ColumnSpec = {
  columns: { 身份证号: true, 姓名: true, 预警类型: true, 来源: false, 金额: false, 说明: false, 日期: false, 村代码: false },
  aliases: {
    身份证号码: '身份证号',
    公民身份号码: '身份证号',
    证件号码: '身份证号',
    预警类别: '预警类型',
    类型: '预警类型',
    来源部门: '来源',
    数据来源: '来源',
    自付金额: '金额',
    医疗费用: '金额',
    费用金额: '金额',
    备注: '说明',
    情况说明: '说明',
    预警日期: '日期',
    发生日期: '日期',
    认定日期: '日期',
  },
};
export const ALERT_COLUMNS = ['身份证号', '姓名', '预警类型', '来源', '金额', '说明', '日期', '村代码'] as const;

export interface AlertRow {
  rowNumber: number;
  idNumber: string;
  name: string;
  alertType: AlertType;
  source: AlertSource;
  amountFen: number | null;
  note: string;
  alertDate: IsoDate | null;
  villageCode: string;
}

export interface AlertProblem {
  rowNumber: number;
  column: string;
  reason: string;
}

const TYPE_BY_TEXT = new Map<string, AlertType>();
for (const [code, t] of Object.entries(ALERT_TYPES) as [AlertType, (typeof ALERT_TYPES)[AlertType]][]) {
  for (const s of [code, t.label, ...t.aliases]) TYPE_BY_TEXT.set(s, code);
}
const SOURCE_BY_TEXT = new Map<string, AlertSource>();
for (const [code, label] of Object.entries(ALERT_SOURCES) as [AlertSource, string][]) {
  for (const s of [code, label, label + '局', label + '部门']) SOURCE_BY_TEXT.set(s, code);
}
SOURCE_BY_TEXT.set('医疗保障局', 'medical');
SOURCE_BY_TEXT.set('残疾人联合会', 'disability');
SOURCE_BY_TEXT.set('民政局', 'civil');
SOURCE_BY_TEXT.set('教育局', 'education');
SOURCE_BY_TEXT.set('住房和城乡建设局', 'housing');

// the exact text first: a regular expression per row only when that misses
export const alertTypeOf = (text: string): AlertType | null => TYPE_BY_TEXT.get(text) ?? TYPE_BY_TEXT.get(text.replace(/\s+/g, '')) ?? null;
export const alertSourceOf = (text: string): AlertSource | null => SOURCE_BY_TEXT.get(text) ?? SOURCE_BY_TEXT.get(text.replace(/\s+/g, '')) ?? null;
const squeeze = (s: string) => (s.indexOf(' ') < 0 && s.indexOf('\u3000') < 0 && s.indexOf('\t') < 0 ? s : s.replace(/\s+/g, ''));

/**
 * Normalise and validate an ID in one step; the common clean 18-character case without
 * regular expressions (a million-row file spends most of its time here).
 */
export function checkedId(raw: string, today: IsoDate): { ok: true; id: string } | { ok: false; reason: string } {
  if (raw.length === 18) {
    let plain = true;
    for (let k = 0; k < 17 && plain; k++) {
      const c = raw.charCodeAt(k);
      if (c < 48 || c > 57) plain = false;
    }
    const last = raw.charCodeAt(17);
    if (plain && ((last >= 48 && last <= 57) || last === 88 || last === 120) && raw.charCodeAt(0) !== 48) {
      const id = last === 120 ? raw.slice(0, 17) + 'X' : raw;
      const y = digits(id, 6, 4),
        m = digits(id, 10, 2),
        day = digits(id, 12, 2);
      const ymd = y * 10000 + m * 100 + day;
      let sum = 0;
      for (let k = 0; k < 17; k++) sum += (id.charCodeAt(k) - 48) * ID_WEIGHTS[k];
      if (
        provinceOk(id) &&
        y >= 1800 &&
        m >= 1 &&
        m <= 12 &&
        day >= 1 &&
        day <= daysInMonth(y, m) &&
        ymd <= todayNumber(today) &&
        ID_CHECK_CHARS[sum % 11] === id[17]
      )
        return { ok: true, id };
    }
  }
  const v = validateId(raw, today);
  return v.ok ? { ok: true, id: v.normalized } : { ok: false, reason: `身份证号无效：${v.reason}` };
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

// whether the first two digits are a province: learnt from validateId once per prefix (it checks the province first)
const provinces = new Map<string, boolean>();
function provinceOk(id: string): boolean {
  const p = id.slice(0, 2);
  let ok = provinces.get(p);
  if (ok === undefined) {
    const v = validateId(id);
    ok = v.ok || v.problem?.code !== 'REGION';
    provinces.set(p, ok);
  }
  return ok;
}

let lastToday = '',
  lastTodayNumber = 0;
const todayNumber = (t: IsoDate) =>
  t === lastToday ? lastTodayNumber : ((lastToday = t), (lastTodayNumber = Number(t.slice(0, 4) + t.slice(5, 7) + t.slice(8, 10))));

/** YYYY-MM-DD read without regular expressions (the common case in large files); null otherwise. */
function plainIso(v: string): IsoDate | null {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return null;
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = v.charCodeAt(k);
    if (c < 48 || c > 57) return null;
  }
  const y = +v.slice(0, 4),
    m = +v.slice(5, 7),
    d = +v.slice(8, 10);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m) ? v : null;
}

/** Which column indexes the file has, by canonical name (-1 when absent). */
export type Columns = Record<(typeof ALERT_COLUMNS)[number], number>;

/**
 * One row of an alert file → an alert, or its problems. `cell(i)` gives column i's text
 * (trimmed). `fileSource`: the office chosen at import, used when the row names none.
 */
export function readAlertRow(
  cell: (i: number) => string,
  cols: Columns,
  rowNumber: number,
  fileSource: AlertSource | null,
  today: IsoDate,
  problems: AlertProblem[],
): AlertRow | null {
  const before = problems.length;
  const rawId = cell(cols.身份证号);
  let idNumber = '';
  if (!rawId) problems.push({ rowNumber, column: '身份证号', reason: '身份证号为空' });
  else {
    const c = checkedId(rawId, today);
    if (c.ok) idNumber = c.id;
    else problems.push({ rowNumber, column: '身份证号', reason: c.reason });
  }
  const name = squeeze(cell(cols.姓名));
  if (!name) problems.push({ rowNumber, column: '姓名', reason: '姓名为空' });
  const typeText = cell(cols.预警类型);
  const alertType = typeText ? alertTypeOf(typeText) : null;
  if (!typeText) problems.push({ rowNumber, column: '预警类型', reason: '预警类型为空' });
  else if (!alertType)
    problems.push({
      rowNumber,
      column: '预警类型',
      reason: `“${typeText}”不是可识别的预警类型（可填：${Object.values(ALERT_TYPES)
        .map((t) => t.label)
        .join('、')}）`,
    });
  const sourceText = cols.来源 >= 0 ? cell(cols.来源) : '';
  let source: AlertSource | null = fileSource;
  if (sourceText) {
    source = alertSourceOf(sourceText);
    if (!source)
      problems.push({ rowNumber, column: '来源', reason: `“${sourceText}”不是可识别的来源部门（可填：${Object.values(ALERT_SOURCES).join('、')}）` });
  }
  if (!sourceText && !fileSource && alertType) source = ALERT_TYPES[alertType].source;
  const amountText = cols.金额 >= 0 ? cell(cols.金额) : '';
  let amountFen: number | null = null;
  if (amountText) {
    amountFen = parseYuanToFen(amountText);
    if (amountFen === null || amountFen < 0) {
      problems.push({ rowNumber, column: '金额', reason: `“${amountText}”不是金额（元，最多两位小数，不能为负）` });
      amountFen = null;
    }
  }
  const dateText = cols.日期 >= 0 ? cell(cols.日期) : '';
  let alertDate: IsoDate | null = null;
  if (dateText) {
    const fast = plainIso(dateText);
    const d = fast ? { ok: true as const, date: fast } : parseDateStrict(dateText);
    if (!d.ok) problems.push({ rowNumber, column: '日期', reason: d.reason });
    else if (d.date && d.date > today) problems.push({ rowNumber, column: '日期', reason: `“${dateText}”晚于今天` });
    else alertDate = d.date;
  }
  const villageCode = cols.村代码 >= 0 ? cell(cols.村代码) : '';
  if (villageCode && !/^\d{12}$/.test(villageCode)) problems.push({ rowNumber, column: '村代码', reason: `“${villageCode}”不是12位村代码` });
  if (problems.length > before || !alertType || !source) return null;
  return { rowNumber, idNumber, name, alertType, source, amountFen, note: cols.说明 >= 0 ? cell(cols.说明) : '', alertDate, villageCode };
}

/** A person the matcher knows: a monitored member, or a post-support person. */
export interface KnownPerson {
  kind: Exclude<MatchKind, 'none'>;
  name: string;
  villageCode: string;
  /** monitored household id, or the register's household number */
  householdKey: string;
  /** monitored: the risks the household already carries (active or pending) */
  openRisks?: readonly string[];
}

/**
 * The population to match against: one entry per normalised ID. A monitored member wins over
 * a post-support person with the same ID (the monitored household is the one to look at).
 */
export class PopulationIndex {
  private readonly byId = new Map<string, KnownPerson>();
  add(idNumber: string, p: KnownPerson): void {
    const id = normalizeId(idNumber);
    const had = this.byId.get(id);
    if (had && had.kind === 'monitored' && p.kind !== 'monitored') return;
    this.byId.set(id, p);
  }
  get(idNumber: string): KnownPerson | undefined {
    return this.byId.get(idNumber);
  }
  get size(): number {
    return this.byId.size;
  }
}

export interface AlertMatch {
  matchKind: MatchKind;
  person: KnownPerson | null;
  /** a sentence an officer understands: what the office reported and whom it concerns */
  evidence: string;
}

/** Match one alert: who it is, and the evidence to show in the inbox. */
export function matchAlert(a: AlertRow, index: PopulationIndex): AlertMatch {
  const p = index.get(a.idNumber) ?? null;
  const t = ALERT_TYPES[a.alertType];
  const what = `${ALERT_SOURCES[a.source]}报送“${t.label}”${a.alertDate ? `（${a.alertDate}）` : ''}${a.amountFen !== null ? `，金额${(a.amountFen / 100).toFixed(2)}元` : ''}${a.note ? `，${a.note}` : ''}`;
  if (!p) return { matchKind: 'none', person: null, evidence: `${what}；此人不在监测对象和后扶人口中，请核实是否为本县户籍并入户排查` };
  const nameNote = p.name.replace(/\s+/g, '') === a.name ? '' : `（预警姓名“${a.name}”与在册姓名“${p.name}”不一致）`;
  if (p.kind === 'monitored') {
    const risk = t.risk;
    const has = p.openRisks?.includes(risk);
    return {
      matchKind: 'monitored',
      person: p,
      evidence: `${what}；此人是监测户成员${nameNote}，${has ? `该户已有“${RISK_TYPES[risk]}”风险在帮扶中，请核实帮扶措施是否到位` : `该户尚无“${RISK_TYPES[risk]}”风险，请核实是否新增风险`}`,
    };
  }
  return { matchKind: 'support', person: p, evidence: `${what}；此人是后扶人口（户编号${p.householdKey}）${nameNote}，尚未纳入监测，请入户核实是否纳入监测` };
}

/** Counts of a matched file by kind (for the import summary and the benchmark). */
export function emptyMatchCounts(): Record<MatchKind, number> {
  return Object.fromEntries(Object.keys(MATCH_KINDS).map((k) => [k, 0])) as Record<MatchKind, number>;
}
