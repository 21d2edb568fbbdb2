// Reading a post-support roster (FORMATS.md §1). Pure: a header row and cells in, typed
// records and a list of problems out. Nothing here touches the database.
//
// What is what:
// - rejected: the row cannot be stored (a required value missing, a date that cannot be read,
//   状态 not 正常/已核减, 村代码 not 12 digits, a formula cell, a masked ID, a duplicate key).
// - corrected: the row is stored with a value changed or filled in (15-digit ID → 18, lower-case
//   x, full-width digits, 性别 / 出生日期 taken from the ID when empty).
// - warning: stored as written, but worth a look (an invalid ID: the register must hold it so
//   data quality and cross-checks can flag it; an unknown 与户主关系; removal data incomplete).
// 扶持截止日期 left empty is stored empty (null): the default term (start + 20 years − 1 day)
// is applied where the entitlement is computed, so a later change of the term setting holds.
import { cleanIdText, normalizeId, validateId, sexFromId, birthDateFromId, toHalfWidth, ID_INVALID_RULE } from '../shared/idnumber.ts';

/** The import's kind for the catalogue's severity of an invalid ID: one rule, one severity. */
const ID_KIND: ProblemKind = ID_INVALID_RULE.severity === '错误' ? 'error' : 'warning';
import { parseDateStrict, type IsoDate } from '../shared/dates.ts';
import { cellText, cleanHeader, isFormulaCell, mapHeaders, type ColumnSpec, type HeaderMap } from '../shared/files/table.ts';
import { AppError } from '../shared/errors.ts';
import { ROSTER_COLUMNS, ROSTER_HEADERS, rosterSpec, type RosterColumn } from '../shared/files/roster-columns.ts';
import { unguardFormula } from '../shared/files/csv-write.ts';

export { ROSTER_COLUMNS, ROSTER_HEADERS, type RosterColumn };

/** Columns that carry no data of the person (a row counter): ignored without a warning. */
export const IGNORED_COLUMNS = new Set(['序号', '编号', '行号']);

export const RELATIONS = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲', '儿媳', '女婿', '兄弟姐妹', '其他'];
export const REMOVAL_REASONS = ['死亡', '农转非', '财政供养', '服刑', '迁出', '重复登记', '其他'];
export const CATEGORIES = ['现状人口', '原迁人口'];
export const STATUSES = ['正常', '已核减'] as const;
export type PersonStatus = (typeof STATUSES)[number];

const SPEC: ColumnSpec = rosterSpec();

/** One person as the register holds it (field names follow the persons/accounts tables). */
export interface RosterRecord {
  rowNumber: number;
  countyCode: string;
  householdNo: string;
  name: string;
  idNumber: string;
  idNumberRaw: string;
  idValid: boolean;
  sex: string | null;
  birthDate: IsoDate | null;
  relation: string;
  villageCode: string;
  townshipName: string;
  villageName: string;
  groupName: string;
  category: string | null;
  reservoir: string;
  moveDate: IsoDate | null;
  supportStart: IsoDate;
  supportEnd: IsoDate | null;
  status: PersonStatus;
  removalDate: IsoDate | null;
  removalReason: string | null;
  phone: string;
  accountNo: string;
  bankName: string;
  holderName: string;
  /** unknown columns with a value, by header */
  extra: Record<string, string>;
}

/** rejected: not imported; corrected: imported as corrected; error: imported as written, to be corrected (the 错误 of the quality catalogue); warning: 提示 */
export type ProblemKind = 'rejected' | 'corrected' | 'error' | 'warning';
export interface RowProblem {
  rowNumber: number;
  column: string;
  value: string;
  reason: string;
  kind: ProblemKind;
}

export interface RosterLayout {
  headers: string[];
  map: HeaderMap;
  /** optional columns present in the file: only those are compared and updated on import */
  present: Set<RosterColumn>;
  unknownColumns: string[];
  ignoredColumns: string[];
  /** file-level warnings (unknown / duplicated columns) */
  warnings: string[];
}

/** Match the header row; a missing required column is an error for the whole file. */
export function rosterLayout(headers: string[]): RosterLayout {
  const map = mapHeaders(headers, SPEC);
  if (map.missing.length) {
    throw new AppError(
      'FILE_COLUMNS',
      `文件缺少必需的列：${map.missing.join('、')}。表头应包含：${ROSTER_HEADERS.filter((h) => ROSTER_COLUMNS[h]).join('、')}`,
      { missing: map.missing },
    );
  }
  const ignoredColumns = map.unknown.filter((u) => IGNORED_COLUMNS.has(u.header)).map((u) => u.header);
  map.unknown = map.unknown.filter((u) => !IGNORED_COLUMNS.has(u.header));
  const unknownColumns = map.unknown.map((u) => u.header);
  const warnings: string[] = [];
  if (unknownColumns.length) warnings.push(`文件含有花名册格式以外的列：${unknownColumns.join('、')}，其内容作为附加信息保存`);
  if (map.duplicated.length) warnings.push(`以下列重复出现，只读取第一列：${map.duplicated.join('、')}`);
  const present = new Set<RosterColumn>(ROSTER_HEADERS.filter((h) => map.index.has(h)));
  return { headers: headers.map(cleanHeader), map, present, unknownColumns, ignoredColumns, warnings };
}

/** Text of a cell: trimmed of half- and full-width spaces. */
function text(v: unknown): string {
  return unneutralize(trimSpaces(cellText(v)));
}

// \s as JavaScript reads it, plus U+3000 and the BOM; tested on the two end characters first
// because almost every cell has nothing to trim and the regex would still cost a scan.
const EDGE_SPACES = /^[\s\u3000]+|[\s\u3000]+$/g;
const maybeSpace = (c: number) =>
  c <= 32 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
function trimSpaces(s: string): string {
  if (s === '' || (!maybeSpace(s.charCodeAt(0)) && !maybeSpace(s.charCodeAt(s.length - 1)))) return s;
  return s.replace(EDGE_SPACES, '');
}

/** An exported cell neutralised against formulas ('=…, '+…, '-…, '@…) reads back as written. */
export const unneutralize = unguardFormula;

export interface ParsedRow {
  record: RosterRecord | null;
  problems: RowProblem[];
}

export interface RowOptions {
  /** date IDs are validated against (a birth date after it is not plausible) */
  asOf: IsoDate;
  /** county codes the import may touch; null = any county */
  counties: ReadonlySet<string> | null;
}

// The row being read. Plain functions over it instead of closures made per row: a large roster
// is read at a few microseconds a row, and closures (with their names kept) cost more than that.
interface Row {
  idx: Map<string, number>;
  cells: unknown[];
  rowNumber: number;
  problems: RowProblem[];
}

function raw(r: Row, col: RosterColumn): unknown {
  const i = r.idx.get(col);
  return i === undefined ? null : r.cells[i];
}
function add(r: Row, kind: ProblemKind, column: string, value: unknown, reason: string): void {
  r.problems.push({ rowNumber: r.rowNumber, column, value: typeof value === 'string' ? value : text(value), reason, kind });
}
function get(r: Row, col: RosterColumn): string {
  const c = raw(r, col);
  return isFormulaCell(c) ? '' : text(c);
}
function required(r: Row, col: RosterColumn): string {
  const v = get(r, col);
  if (v === '' && !isFormulaCell(raw(r, col))) add(r, 'rejected', col, '', `${col}为空（必填）`);
  return v;
}
function date(r: Row, col: RosterColumn): IsoDate | null {
  const c = raw(r, col);
  if (isFormulaCell(c)) return null;
  const d = parseDateStrict(typeof c === 'string' ? c.trim() : c);
  if (!d.ok) {
    add(r, 'rejected', col, c, `日期无法识别：${d.reason}`);
    return null;
  }
  return d.date;
}
const hasProblemIn = (r: Row, column: string) => r.problems.some((p) => p.column === column);

/** One data row → a record (or null when rejected) and its problems. */
export function parseRosterRow(layout: RosterLayout, rowNumber: number, cells: unknown[], opts: RowOptions): ParsedRow {
  const problems: RowProblem[] = [];
  const r: Row = { idx: layout.map.index, cells, rowNumber, problems };

  // a formula's cached result is not trusted: the row cannot be stored
  for (const [col, i] of r.idx) {
    const c = cells[i];
    if (isFormulaCell(c)) add(r, 'rejected', col, `=${c.formula}`, '单元格是公式，请将公式转换为数值后再导入');
  }

  const householdNo = toHalfWidth(required(r, '户编号'));
  const name = required(r, '姓名');
  const relation = required(r, '与户主关系');
  const statusText = required(r, '状态');
  let status: PersonStatus = '正常';
  if (statusText !== '') {
    if ((STATUSES as readonly string[]).includes(statusText)) status = statusText as PersonStatus;
    else add(r, 'rejected', '状态', statusText, '状态应为“正常”或“已核减”');
  }
  const villageText = toHalfWidth(required(r, '村代码'));
  const villageOk = /^\d{12}$/.test(villageText);
  if (villageText !== '' && !villageOk) add(r, 'rejected', '村代码', villageText, '村代码应为12位数字');
  const countyCode = villageText.slice(0, 6);
  if (villageOk && opts.counties && !opts.counties.has(countyCode)) {
    add(r, 'rejected', '村代码', villageText, `村代码不属于本次导入的县（${[...opts.counties].join('、')}）`);
  }

  // 身份证号: stored even when invalid (a warning), but a masked or empty one cannot be a key
  const idCell = raw(r, '身份证号');
  const idRaw = isFormulaCell(idCell) ? '' : unneutralize(cellText(idCell));
  let idNumber = '';
  let idValid = false;
  if (idRaw.trim() === '' && !isFormulaCell(idCell)) add(r, 'rejected', '身份证号', '', '身份证号为空（必填）');
  else if (idRaw.includes('*')) add(r, 'rejected', '身份证号', idRaw, '身份证号已脱敏（含*），不能作为导入依据，请使用未脱敏的花名册');
  else if (idRaw !== '') {
    const v = validateId(idRaw, opts.asOf);
    idNumber = v.normalized;
    idValid = v.ok;
    const cleaned = cleanIdText(idRaw);
    if (typeof idCell === 'number' && cleaned.length >= 16)
      add(r, 'warning', '身份证号', idRaw, '身份证号以数字格式保存，末几位可能已丢失，请将该列设为文本格式');
    if (!v.ok) add(r, ID_KIND, '身份证号', idRaw, `${ID_INVALID_RULE.name}（${ID_INVALID_RULE.severity}）：${v.reason}（照原样登记，请更正）`);
    if (cleaned !== idRaw.trim()) {
      const what = [/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/.test(idRaw) ? '全角字符转为半角' : '', /x/.test(idRaw) ? '小写x改为大写X' : '']
        .filter(Boolean)
        .join('，');
      add(r, 'corrected', '身份证号', idRaw, `${what || '已规范'}：${cleaned}`);
    }
    if (cleaned.length === 15 && idNumber.length === 18) add(r, 'corrected', '身份证号', idRaw, `15位身份证号已升为18位：${idNumber}`);
  }

  // 性别 / 出生日期: from the column when filled, otherwise from the ID
  let sex: string | null = get(r, '性别') || null;
  if (sex === '男性' || sex === '女性') sex = sex[0];
  if (sex !== null && sex !== '男' && sex !== '女') {
    add(r, 'warning', '性别', sex, '性别应为“男”或“女”，已按身份证号推算');
    sex = null;
  }
  if (sex === null && idNumber) {
    sex = sexFromId(idNumber);
    if (sex && layout.present.has('性别')) add(r, 'corrected', '性别', '', `性别为空，按身份证号填为${sex}`);
  }
  let birthDate = date(r, '出生日期');
  if (birthDate === null && idNumber && !hasProblemIn(r, '出生日期')) {
    birthDate = birthDateFromId(idNumber);
    if (birthDate && layout.present.has('出生日期')) add(r, 'corrected', '出生日期', '', `出生日期为空，按身份证号填为${birthDate}`);
  }

  const supportStart = date(r, '扶持开始日期');
  if (supportStart === null && get(r, '扶持开始日期') === '' && !isFormulaCell(raw(r, '扶持开始日期')))
    add(r, 'rejected', '扶持开始日期', '', '扶持开始日期为空（必填）');
  const supportEnd = date(r, '扶持截止日期');
  const moveDate = date(r, '搬迁日期');
  const removalDate = date(r, '核减日期');
  const removalReason = get(r, '核减原因') || null;

  if (relation && !RELATIONS.includes(relation)) add(r, 'warning', '与户主关系', relation, `与户主关系“${relation}”不在规定取值中（${RELATIONS.join('、')}）`);
  const category = get(r, '人口类别') || null;
  if (category && !CATEGORIES.includes(category)) add(r, 'warning', '人口类别', category, '人口类别应为“现状人口”或“原迁人口”');
  if (status === '已核减') {
    if (!removalDate && !hasProblemIn(r, '核减日期')) add(r, 'warning', '核减日期', '', '已核减人员缺少核减日期');
    if (!removalReason) add(r, 'warning', '核减原因', '', '已核减人员缺少核减原因');
  }
  if (removalReason && !REMOVAL_REASONS.includes(removalReason)) add(r, 'warning', '核减原因', removalReason, `核减原因应为：${REMOVAL_REASONS.join('、')}`);

  const accountCell = raw(r, '银行账号');
  let accountNo = toHalfWidth(get(r, '银行账号'));
  if (/[\s-]/.test(accountNo)) accountNo = accountNo.replace(/[\s-]/g, '');
  if (accountNo.includes('*')) add(r, 'rejected', '银行账号', accountNo, '银行账号已脱敏（含*），请使用未脱敏的花名册');
  else if (typeof accountCell === 'number' && accountNo.length > 15)
    add(r, 'warning', '银行账号', accountNo, '银行账号以数字格式保存，末几位可能已丢失，请将该列设为文本格式');
  const phone = toHalfWidth(get(r, '联系电话'));
  if (phone.includes('*')) add(r, 'rejected', '联系电话', phone, '联系电话已脱敏（含*），请使用未脱敏的花名册');

  const extra: Record<string, string> = {};
  for (const u of layout.map.unknown) {
    const c = cells[u.index];
    if (isFormulaCell(c)) continue;
    const v = text(c);
    if (v !== '') extra[u.header] = v;
  }

  for (const p of problems) if (p.kind === 'rejected') return { record: null, problems };
  return {
    problems,
    record: {
      rowNumber,
      countyCode,
      householdNo,
      name,
      idNumber,
      idNumberRaw: idRaw,
      idValid,
      sex,
      birthDate,
      relation,
      villageCode: villageText,
      townshipName: get(r, '乡镇'),
      villageName: get(r, '村'),
      groupName: get(r, '组'),
      category,
      reservoir: get(r, '所属水库'),
      moveDate,
      supportStart: supportStart!,
      supportEnd,
      status,
      removalDate,
      removalReason,
      phone,
      accountNo,
      bankName: get(r, '开户银行'),
      holderName: get(r, '持卡人姓名'),
      extra,
    },
  };
}

/** Key of a person in the register: county + household + normalised ID. */
export const personKey = (r: { countyCode: string; householdNo: string; idNumber: string }) => `${r.countyCode}|${r.householdNo}|${r.idNumber}`;

/**
 * Fields compared between a file row and the register, with the column that carries each.
 * A field whose column is absent from the file is neither compared nor changed.
 */
export const COMPARED_FIELDS: { field: keyof RosterRecord; column: RosterColumn | '附加信息' }[] = [
  { field: 'name', column: '姓名' },
  { field: 'sex', column: '性别' },
  { field: 'birthDate', column: '出生日期' },
  { field: 'relation', column: '与户主关系' },
  { field: 'villageCode', column: '村代码' },
  { field: 'townshipName', column: '乡镇' },
  { field: 'villageName', column: '村' },
  { field: 'groupName', column: '组' },
  { field: 'category', column: '人口类别' },
  { field: 'reservoir', column: '所属水库' },
  { field: 'moveDate', column: '搬迁日期' },
  { field: 'supportStart', column: '扶持开始日期' },
  { field: 'supportEnd', column: '扶持截止日期' },
  { field: 'status', column: '状态' },
  { field: 'removalDate', column: '核减日期' },
  { field: 'removalReason', column: '核减原因' },
  { field: 'phone', column: '联系电话' },
  { field: 'accountNo', column: '银行账号' },
  { field: 'bankName', column: '开户银行' },
  { field: 'holderName', column: '持卡人姓名' },
  { field: 'extra', column: '附加信息' },
];

export interface FieldChange {
  field: string;
  column: string;
  before: unknown;
  after: unknown;
}

const same = (a: unknown, b: unknown) => {
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
  return (a ?? null) === (b ?? null);
};
const sortKeys = (o: object) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));

/** Field-level differences between the register's record and the file's (absent columns skipped). */
export function diffRecord(before: RosterRecord, after: RosterRecord, layout: Pick<RosterLayout, 'present' | 'unknownColumns'>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const { field, column } of COMPARED_FIELDS) {
    if (column === '附加信息') {
      if (!layout.unknownColumns.length) continue;
    } else if (!layout.present.has(column)) continue;
    if (!same(before[field], after[field])) out.push({ field, column, before: before[field] ?? null, after: after[field] ?? null });
  }
  return out;
}

/** The record to store: the file's values where its columns are present, the register's elsewhere. */
export function mergeRecord(before: RosterRecord, after: RosterRecord, changes: FieldChange[]): RosterRecord {
  const out = { ...before } as Record<string, unknown>;
  for (const c of changes) out[c.field] = (after as unknown as Record<string, unknown>)[c.field];
  return out as unknown as RosterRecord;
}
