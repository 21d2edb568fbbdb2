// File mode: read the roster, payment detail, death records, hukou extract and other
// counties' rosters (FORMATS §1–§4, CSV or XLSX, any encoding) and feed the engine.
// Every row that cannot be read is reported (row, column, reason); none is dropped silently.
import { AppError } from '../shared/errors.ts';
import { daysInMonth, parseDateStrict, type IsoDate } from '../shared/dates.ts';
import { parseYuanToFen } from '../shared/money.ts';
import { scanCsv, type RowView } from '../shared/files/bytecsv.ts';
import { mapHeaders, type ColumnSpec } from '../shared/files/table.ts';
import { ROSTER_HEADERS, rosterSpec } from '../shared/files/roster-columns.ts';
import { CrosscheckEngine, fastNormalizeId, type CrosscheckOptions } from './engine.ts';
import { HUKOU_STATUSES, type CrosscheckResult, type HukouStatus, type PaymentRecord, type RosterRecord } from './types.ts';

export interface RowProblem {
  /** which input: 花名册, 发放明细, 死亡名单, 户籍库, 其他县花名册 */
  file: string;
  rowNumber: number;
  column: string;
  reason: string;
  /** what happened to the row: 已跳过 (not used) or 已按说明处理 (used as described) */
  action: '已跳过' | '已按说明处理';
}

/** The §1 columns the checks use; the other §1 columns are passed over quietly. */
export const ROSTER_SPEC: ColumnSpec = rosterSpec([
  '户编号',
  '姓名',
  '身份证号',
  '与户主关系',
  '村代码',
  '扶持开始日期',
  '扶持截止日期',
  '状态',
  '核减日期',
  '核减原因',
]);
export const PAYMENT_SPEC: ColumnSpec = {
  columns: { 发放期间: true, 身份证号: true, 姓名: true, 金额: true, 发放结果: true, 银行账号: false },
  aliases: { 身份证号码: '身份证号', 发放金额: '金额' },
};
export const DEATH_SPEC: ColumnSpec = {
  columns: { 姓名: true, 身份证号: true, 死亡日期: true, 来源: false },
  aliases: { 身份证号码: '身份证号' },
};
export const HUKOU_SPEC: ColumnSpec = {
  columns: { 姓名: true, 身份证号: true, 户籍状态: true, 状态变动日期: false, 户籍地区划代码: false },
  aliases: { 身份证号码: '身份证号', 公民身份号码: '身份证号' },
};

type Report = (p: RowProblem) => void;

/** Columns of the FORMATS files that the cross-check does not need (no warning for them). */
const IGNORED_QUIETLY = new Set<string>([...ROSTER_HEADERS.filter((h) => !(h in ROSTER_SPEC.columns)), '序号', '发放日期', '批次号', '备注', '来源', '民族']);

/** YYYY-MM-DD checked without regular expressions (the common case in large files). */
function plainIso(v: string): boolean {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = v.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  const m = (v.charCodeAt(5) - 48) * 10 + v.charCodeAt(6) - 48,
    d = (v.charCodeAt(8) - 48) * 10 + v.charCodeAt(9) - 48;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(+v.slice(0, 4), m);
}

/** Read dates leniently: a bad date is reported and treated as empty (undefined). */
function dateCell(v: string, file: string, row: number, column: string, report: Report, consequence: string): IsoDate | null | undefined {
  if (v === '') return null;
  if (plainIso(v)) return v;
  const r = parseDateStrict(v);
  if (r.ok) return r.date;
  report({ file, rowNumber: row, column, reason: `${r.reason}，${consequence}`, action: consequence.startsWith('本行') ? '已跳过' : '已按说明处理' });
  return undefined;
}

const PLAIN_AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
function fen(v: string): number | null {
  if (PLAIN_AMOUNT.test(v)) {
    const dot = v.indexOf('.');
    if (dot < 0) return Number(v) * 100;
    return Number(v.slice(0, dot)) * 100 + Number(v.slice(dot + 1).padEnd(2, '0'));
  }
  return parseYuanToFen(v);
}

/** One shared copy of values that repeat on most rows (status, relation, dates), to save memory. */
function interner(): (s: string) => string {
  const m = new Map<string, string>();
  return (s) => {
    const x = m.get(s);
    if (x !== undefined) return x;
    if (m.size < 50000) m.set(s, s);
    return s;
  };
}

/** Read a roster file into records (FORMATS §1). */
export async function readRosterFile(path: string, label: string, report: Report, progress?: (bytes: number) => void): Promise<RosterRecord[]> {
  const out: RosterRecord[] = [];
  const intern = interner();
  await forRows(path, label, ROSTER_SPEC, progress, (col) => {
    const c = {
      hh: col('户编号'),
      name: col('姓名'),
      id: col('身份证号'),
      village: col('村代码'),
      start: col('扶持开始日期'),
      end: col('扶持截止日期'),
      status: col('状态'),
      rdate: col('核减日期'),
      rreason: col('核减原因'),
    };
    return (rv) => {
      const row = rv.rowNumber;
      const id = rv.ascii(c.id);
      if (!id) return report({ file: label, rowNumber: row, column: '身份证号', reason: '身份证号为空，本行无法核查', action: '已跳过' });
      const hh = rv.ascii(c.hh),
        name = rv.text(c.name),
        village = rv.ascii(c.village);
      if (!hh) report({ file: label, rowNumber: row, column: '户编号', reason: '户编号为空（必填），其余信息照常核查', action: '已按说明处理' });
      if (!name) report({ file: label, rowNumber: row, column: '姓名', reason: '姓名为空（必填），其余信息照常核查', action: '已按说明处理' });
      if (!village) report({ file: label, rowNumber: row, column: '村代码', reason: '村代码为空（必填），其余信息照常核查', action: '已按说明处理' });
      const startText = rv.ascii(c.start);
      let start = dateCell(startText, label, row, '扶持开始日期', report, '按无扶持开始日期处理（不计应发）');
      if (start === null)
        report({
          file: label,
          rowNumber: row,
          column: '扶持开始日期',
          reason: '扶持开始日期为空（必填），按无扶持资格处理（不计应发）',
          action: '已按说明处理',
        });
      if (start === undefined) start = null;
      if (start) start = intern(start);
      const end = dateCell(rv.ascii(c.end), label, row, '扶持截止日期', report, '按默认扶持期限处理') ?? null;
      let status: '正常' | '已核减' = '正常';
      if (!rv.is(c.status, '正常')) {
        const statusText = rv.text(c.status);
        if (statusText === '已核减' || statusText === '核减') status = '已核减';
        else report({ file: label, rowNumber: row, column: '状态', reason: `状态“${statusText}”不是“正常”或“已核减”，按正常处理`, action: '已按说明处理' });
      }
      let removalDate: IsoDate | null = null;
      let removalReason: string | null = null;
      if (status === '已核减') {
        removalReason = intern(rv.text(c.rreason)) || null;
        removalDate = dateCell(rv.ascii(c.rdate), label, row, '核减日期', report, '按未注明核减日期处理') ?? null;
        if (!removalDate)
          report({
            file: label,
            rowNumber: row,
            column: '核减日期',
            reason: '已核减人员没有可用的核减日期，无法确定核减生效的期间，按未核减计算应发',
            action: '已按说明处理',
          });
      }
      out.push({
        householdNo: hh,
        name,
        idNumber: id,
        villageCode: intern(village),
        relation: null, // not needed by the checks
        supportStart: start,
        supportEnd: end,
        status,
        removalDate,
        removalReason,
        rowNumber: row,
      });
    };
  });
  return out;
}

export interface FileInputs {
  roster: string;
  payments: string;
  deaths?: string;
  hukou?: string;
  otherRosters?: string[];
}

export interface FileRunOptions extends CrosscheckOptions {
  report: Report;
  /** notes about whole files (columns ignored or repeated), in Chinese */
  warn?: (message: string) => void;
  /** called after each batch with bytes read so far and the total of all inputs */
  onProgress?: (done: number, total: number, stage: string) => void;
}

/** Run the cross-check on files (the `anju crosscheck` command). */
export async function runCrosscheckFiles(files: FileInputs, opts: FileRunOptions): Promise<CrosscheckResult> {
  const { report } = opts;
  warnSink = opts.warn;
  const { stat } = await import('node:fs/promises');
  const all = [files.roster, files.payments, files.deaths, files.hukou, ...(files.otherRosters ?? [])].filter(Boolean) as string[];
  const sizes = new Map<string, number>();
  for (const f of all) {
    try {
      sizes.set(f, (await stat(f)).size);
    } catch {
      throw new AppError('FILE_UNREADABLE', `无法打开文件${f}：文件不存在`);
    }
  }
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  let doneBefore = 0;
  const tick = (stage: string) => (bytes: number) => opts.onProgress?.(doneBefore + bytes, total, stage);
  const finishFile = (f: string) => {
    doneBefore += sizes.get(f)!;
  };

  const roster = await readRosterFile(files.roster, '花名册', report, tick('花名册'));
  finishFile(files.roster);
  const engine = new CrosscheckEngine(roster, opts);

  await forRows(files.payments, '发放明细', PAYMENT_SPEC, tick('发放明细'), (col) => {
    const ci = { period: col('发放期间'), id: col('身份证号'), name: col('姓名'), amount: col('金额'), result: col('发放结果') };
    let current: RowView;
    // one reused record; the name is decoded only when the engine needs it (someone not on the roster)
    const rec: PaymentRecord = {
      period: '',
      idNumber: '',
      amountFen: 0,
      success: false,
      get name() {
        return current.text(ci.name);
      },
    };
    return (rv) => {
      const row = rv.rowNumber;
      const keyed = rv.idKey(ci.id);
      const id = keyed ? '' : rv.ascii(ci.id);
      if (!keyed && !id) return report({ file: '发放明细', rowNumber: row, column: '身份证号', reason: '身份证号为空，本行无法核查', action: '已跳过' });
      let amount: number | null = rv.plainFen(ci.amount);
      if (amount < 0) {
        const amountText = rv.text(ci.amount);
        amount = fen(amountText);
        if (amount === null)
          return report({
            file: '发放明细',
            rowNumber: row,
            column: '金额',
            reason: amountText ? `金额“${amountText}”不是有效金额（元，最多两位小数），本行未计入` : '金额为空，本行未计入',
            action: '已跳过',
          });
      }
      const success = rv.is(ci.result, '成功');
      if (!success && !rv.is(ci.result, '失败'))
        return report({
          file: '发放明细',
          rowNumber: row,
          column: '发放结果',
          reason: `发放结果“${rv.text(ci.result)}”不是“成功”或“失败”，本行未计入`,
          action: '已跳过',
        });
      current = rv;
      rec.period = rv.ascii(ci.period);
      rec.idNumber = id;
      rec.amountFen = amount;
      rec.success = success;
      if (!(keyed ? engine.addPaymentKey(rv.idHi, rv.idLo, rec) : engine.addPayment(rec))) {
        report({
          file: '发放明细',
          rowNumber: row,
          column: '发放期间',
          reason: `发放期间“${rv.text(ci.period)}”无法识别（应为2024、2024H1或2024H2），本行未计入`,
          action: '已跳过',
        });
      }
    };
  });
  finishFile(files.payments);

  for (const f of files.otherRosters ?? []) {
    const name = f.replace(/^.*[\\/]/, '');
    const rows = await readRosterFile(f, `其他县花名册${name}`, report, tick('其他县花名册'));
    for (const r of rows) engine.addOtherRosterRow(`其他县花名册（${name}）`, r);
    finishFile(f);
  }

  if (files.deaths) {
    await forRows(files.deaths, '死亡名单', DEATH_SPEC, tick('死亡名单'), (col) => {
      const ci = { id: col('身份证号'), name: col('姓名'), date: col('死亡日期'), source: col('来源') };
      return (rv) => {
        const row = rv.rowNumber;
        const keyed = rv.idKey(ci.id);
        const id = keyed ? '' : rv.ascii(ci.id);
        if (!keyed && !id) return report({ file: '死亡名单', rowNumber: row, column: '身份证号', reason: '身份证号为空，本行无法核查', action: '已跳过' });
        const dt = rv.ascii(ci.date);
        if (!dt) return report({ file: '死亡名单', rowNumber: row, column: '死亡日期', reason: '死亡日期为空，本行未计入', action: '已跳过' });
        const d = dateCell(dt, '死亡名单', row, '死亡日期', report, '本行未计入');
        if (!d) return;
        engine.stats.deathRows++;
        const slot = keyed ? engine.slotOfKey(rv.idHi, rv.idLo) : (engine.slotOf.get(fastNormalizeId(id)) ?? -1);
        if (slot >= 0) engine.addDeathAt(slot, d, rv.text(ci.source) || null);
      };
    });
    finishFile(files.deaths);
  }

  if (files.hukou) {
    engine.hukouGiven = true;
    await forRows(files.hukou, '户籍库', HUKOU_SPEC, tick('户籍库'), (col) => {
      const ci = { id: col('身份证号'), name: col('姓名'), status: col('户籍状态'), date: col('状态变动日期'), region: col('户籍地区划代码') };
      return (rv) => {
        const row = rv.rowNumber;
        let slot: number;
        if (rv.idKey(ci.id)) slot = engine.hukouRowKey(rv.idHi, rv.idLo, rv.county6(ci.region));
        else {
          const id = rv.ascii(ci.id);
          if (!id) return report({ file: '户籍库', rowNumber: row, column: '身份证号', reason: '身份证号为空，本行无法核查', action: '已跳过' });
          slot = engine.hukouRow(id, rv.ascii(ci.region));
        }
        if (slot < 0) return; // about nobody on the roster or paid: only its county (coverage) is needed
        const status = HUKOU_STATUSES.find((x) => rv.is(ci.status, x)) ?? (rv.text(ci.status) as HukouStatus);
        if (!HUKOU_STATUSES.includes(status))
          return report({
            file: '户籍库',
            rowNumber: row,
            column: '户籍状态',
            reason: `户籍状态“${status}”不是正常、死亡注销、迁出注销或其他注销，本行未计入`,
            action: '已跳过',
          });
        const dt = rv.ascii(ci.date);
        const date = dt ? (dateCell(dt, '户籍库', row, '状态变动日期', report, '按未注明日期处理') ?? null) : null;
        engine.addHukouAt(slot, rv.text(ci.name), status, date);
      };
    });
    finishFile(files.hukou);
  }
  opts.onProgress?.(total, total, '核对');
  return engine.finish();
}

/** Scan a file, refusing it when a required column is missing; `make` builds the row handler. */
let warnSink: ((m: string) => void) | undefined;

async function forRows(
  path: string,
  label: string,
  spec: ColumnSpec,
  progress: ((bytes: number) => void) | undefined,
  make: (col: (name: string) => number) => (rv: RowView) => void,
): Promise<void> {
  let each: (rv: RowView) => void = () => {};
  await scanCsv(path, {
    onHeader: ({ headers }) => {
      const m = mapHeaders(headers, spec);
      if (m.missing.length) {
        throw new AppError('FILE_COLUMNS', `${label}文件缺少必需的列：${m.missing.join('、')}（文件中的列为：${headers.filter(Boolean).join('、')}）`);
      }
      if (m.duplicated.length) warnSink?.(`${label}文件中列“${m.duplicated.join('、')}”出现多次，只使用第一列`);
      const ignored = m.unknown.map((u) => u.header).filter((h) => !IGNORED_QUIETLY.has(h));
      if (ignored.length) warnSink?.(`${label}文件中的列“${ignored.join('、')}”核对时用不到，已忽略`);
      each = make((name) => m.index.get(name) ?? -1);
    },
    onRow: (rv) => each(rv),
    onProgress: (bytes) => progress?.(bytes),
  });
}
