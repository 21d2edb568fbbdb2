// The loan book of FORMATS §9 checked once for all quarters: the rate table, the loans and the
// repayments, each rejected row listed (文件, 行号, 原因 naming the column). Pure: rows come in as
// text cells, already read from CSV or xlsx by the caller. Repayments are fed one row at a
// time so 2 million of them take a few typed arrays, not 2 million objects.
import { validateId } from '../shared/idnumber.ts';
import type { IsoDate } from '../shared/dates.ts';
import { formatFen } from '../shared/money.ts';
import { AppError } from '../shared/errors.ts';
import { mapHeaders } from '../shared/files/table.ts';
import { compareDecimal, dayOf, readDate, readDay, readPercent, readYuan, trimCell, type Decimal } from './values.ts';

export const FILE_NAMES = { loans: '贷款台账', repayments: '还款记录', rates: '贴息利率' } as const;
export type BookFile = (typeof FILE_NAMES)[keyof typeof FILE_NAMES];
const FILE_ORDER: BookFile[] = ['贷款台账', '还款记录', '贴息利率'];

export const LOAN_KINDS = ['新增', '续贷'] as const;
export type LoanKind = (typeof LOAN_KINDS)[number];

/** A text row: spreadsheet row number (header = 1) and its cells. */
export interface TextRow {
  rowNumber: number;
  cells: string[];
}

export interface Rejection {
  file: BookFile;
  row: number;
  reason: string;
}

export interface RateRow {
  effectiveOn: IsoDate;
  day: number;
  rate: Decimal;
  row: number;
}

export interface Loan {
  loanNo: string;
  idNumber: string;
  name: string;
  villageCode: string;
  bank: string;
  issuedOn: IsoDate;
  dueOn: IsoDate;
  extendedTo: IsoDate | null;
  amountFen: number;
  contractRate: Decimal;
  kind: LoanKind;
  row: number;
  /** lower of the contract rate and the table rate in force on 发放日期 */
  subsidyRate: Decimal;
  issueDay: number;
  /** 展期到期日期 when filled, else 到期日期: the first day that no longer counts */
  endDay: number;
  /** accepted repayments in (还款日期, row) order */
  repayDays: number[];
  repayFen: number[];
  repayRows: number[];
}

export interface Book {
  rates: RateRow[];
  loans: Loan[];
  rejected: Rejection[];
}

export const COLUMNS = {
  loans: {
    columns: {
      贷款编号: true,
      身份证号: true,
      姓名: true,
      村代码: true,
      贷款银行: false,
      发放日期: true,
      到期日期: true,
      贷款金额: true,
      合同年利率: true,
      贷款类型: false,
      展期到期日期: false,
    },
  },
  repayments: { columns: { 贷款编号: true, 还款日期: true, 还款本金: true, 交易流水号: false } },
  rates: { columns: { 生效日期: true, 年利率: true } },
} as const;

/** Column positions of a file; a missing required column makes the file unreadable. */
export function columnsOf(file: keyof typeof COLUMNS, headers: string[]): Map<string, number> {
  const m = mapHeaders(headers, { columns: { ...COLUMNS[file].columns } });
  if (m.missing.length) throw new AppError('FILE_COLUMNS', `${FILE_NAMES[file]}缺少必需的列：${m.missing.join('、')}`);
  return m.index;
}

const getter =
  (cols: Map<string, number>) =>
  (row: TextRow, name: string): string => {
    const i = cols.get(name);
    return i === undefined ? '' : trimCell(row.cells[i]);
  };

/** The rate table: unreadable dates or rates and repeated 生效日期 (the later row) rejected. */
export function checkRates(headers: string[], rows: Iterable<TextRow>, rejected: Rejection[]): RateRow[] {
  const get = getter(columnsOf('rates', headers));
  const out: RateRow[] = [];
  const seen = new Map<IsoDate, number>();
  for (const row of rows) {
    const reject = (reason: string) => rejected.push({ file: '贴息利率', row: row.rowNumber, reason });
    const dText = get(row, '生效日期'),
      rText = get(row, '年利率');
    const d = readDate(dText);
    if (d === null) {
      reject('生效日期为空');
      continue;
    }
    if (d === false) {
      reject(`生效日期无法识别：${dText}`);
      continue;
    }
    if (rText === '') {
      reject('年利率为空');
      continue;
    }
    const rate = readPercent(rText);
    if (!rate) {
      reject(`年利率无法识别：${rText}`);
      continue;
    }
    const earlier = seen.get(d);
    if (earlier !== undefined) {
      reject(`生效日期${d}重复（第${earlier}行）`);
      continue;
    }
    seen.set(d, row.rowNumber);
    out.push({ effectiveOn: d, day: dayOf(d), rate, row: row.rowNumber });
  }
  return out.sort((a, b) => a.day - b.day);
}

/** The table rate in force on a day: the row with the latest 生效日期 on or before it. */
export function rateInForce(rates: RateRow[], day: number): RateRow | null {
  let lo = 0,
    hi = rates.length - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rates[mid].day <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : rates[found];
}

/** The loans: each row checked, then 贷款编号 against the loans accepted before it. */
export function checkLoans(headers: string[], rows: Iterable<TextRow>, rates: RateRow[], rejected: Rejection[]): { loans: Loan[]; refused: Set<string> } {
  const get = getter(columnsOf('loans', headers));
  const loans: Loan[] = [];
  const byNo = new Map<string, number>();
  const refused = new Set<string>();
  for (const row of rows) {
    const loanNo = get(row, '贷款编号');
    const reason = loanProblem(row, get, rates);
    const reject = (why: string) => {
      rejected.push({ file: '贷款台账', row: row.rowNumber, reason: why });
      if (loanNo && !byNo.has(loanNo)) refused.add(loanNo);
    };
    if (typeof reason === 'string') {
      reject(reason);
      continue;
    }
    const earlier = byNo.get(loanNo);
    if (earlier !== undefined) {
      reject(`贷款编号${loanNo}重复（第${earlier}行）`);
      continue;
    }
    byNo.set(loanNo, row.rowNumber);
    refused.delete(loanNo);
    loans.push(reason);
  }
  return { loans, refused };
}

function loanProblem(row: TextRow, get: (r: TextRow, n: string) => string, rates: RateRow[]): string | Loan {
  const loanNo = get(row, '贷款编号');
  if (!loanNo) return '贷款编号为空';
  const id = validateId(get(row, '身份证号'));
  if (!id.ok) return id.problem?.code === 'EMPTY' ? '身份证号为空' : `身份证号无效：${id.reason}`;
  const dates: Record<string, IsoDate | null> = {};
  for (const col of ['发放日期', '到期日期', '展期到期日期']) {
    const t = get(row, col);
    const d = readDate(t);
    if (d === false) return `${col}无法识别：${t}`;
    if (d === null && col !== '展期到期日期') return `${col}为空`;
    dates[col] = d;
  }
  const amountText = get(row, '贷款金额');
  if (!amountText) return '贷款金额为空';
  const amountFen = readYuan(amountText);
  if (amountFen === null) return `贷款金额无法识别：${amountText}`;
  if (amountFen <= 0) return `贷款金额须大于0：${amountText}`;
  const rateText = get(row, '合同年利率');
  if (!rateText) return '合同年利率为空';
  const contractRate = readPercent(rateText);
  if (!contractRate) return `合同年利率无法识别：${rateText}`;
  const kindText = get(row, '贷款类型');
  // an empty 贷款类型 reads as 新增 (most bank ledgers leave it blank for new loans)
  const kind = (kindText || '新增') as LoanKind;
  if (!LOAN_KINDS.includes(kind)) return `贷款类型无法识别：${kindText}（应为新增或续贷）`;
  const issuedOn = dates['发放日期']!,
    dueOn = dates['到期日期']!,
    extendedTo = dates['展期到期日期'];
  const issueDay = dayOf(issuedOn);
  const inForce = rateInForce(rates, issueDay);
  if (!inForce)
    return rates.length ? `发放日期${issuedOn}早于贴息利率表首个生效日期${rates[0].effectiveOn}` : '发放日期无可适用的贴息利率（贴息利率表没有有效行）';
  return {
    loanNo,
    idNumber: id.normalized,
    name: get(row, '姓名'),
    villageCode: get(row, '村代码'),
    bank: get(row, '贷款银行'),
    issuedOn,
    dueOn,
    extendedTo,
    amountFen,
    contractRate,
    kind,
    row: row.rowNumber,
    subsidyRate: compareDecimal(contractRate, inForce.rate) <= 0 ? contractRate : inForce.rate,
    issueDay,
    endDay: dayOf(extendedTo ?? dueOn),
    repayDays: [],
    repayFen: [],
    repayRows: [],
  };
}

/** Repayments fed row by row; `finish` applies them per loan in (还款日期, row) order. */
export class RepaymentChecker {
  private readonly get: (r: TextRow, n: string) => string;
  private readonly index = new Map<string, number>();
  private loanOf = new Int32Array(1 << 16);
  private dayOf = new Int32Array(1 << 16);
  private fenOf = new Float64Array(1 << 16);
  private rowOf = new Int32Array(1 << 16);
  private n = 0;

  constructor(
    headers: string[],
    private readonly loans: Loan[],
    private readonly refused: Set<string>,
    private readonly rejected: Rejection[],
  ) {
    const cols = columnsOf('repayments', headers);
    this.get = getter(cols);
    this.cols = { loanNo: cols.get('贷款编号')!, date: cols.get('还款日期')!, amount: cols.get('还款本金')! };
    loans.forEach((l, i) => {
      this.index.set(l.loanNo, i);
    });
  }

  /** Column positions, for readers that hand over fields rather than rows. */
  readonly cols: { loanNo: number; date: number; amount: number };

  add(row: TextRow): void {
    this.addFields(row.rowNumber, this.get(row, '贷款编号'), this.get(row, '还款日期'), this.get(row, '还款本金'));
  }

  /** One repayment row as its three trimmed fields. */
  addFields(rowNumber: number, loanNo: string, dText: string, aText: string): void {
    // no closures here: this runs for every one of millions of rows
    let reason: string | null = null;
    let day = 0,
      fen = 0,
      li: number | undefined;
    if (!loanNo) reason = '贷款编号为空';
    else if (Number.isNaN((day = readDay(dText)))) reason = '还款日期为空';
    else if (day === -Infinity) reason = `还款日期无法识别：${dText}`;
    else if (!aText) reason = '还款本金为空';
    else if ((fen = readYuan(aText) ?? NaN) !== fen) reason = `还款本金无法识别：${aText}`;
    else if (fen <= 0) reason = `还款本金须大于0：${aText}`;
    else if ((li = this.index.get(loanNo)) === undefined)
      reason = this.refused.has(loanNo) ? `贷款${loanNo}已被拒收（见贷款台账）` : `贷款编号${loanNo}不在贷款台账中`;
    if (reason !== null) {
      this.rejected.push({ file: '还款记录', row: rowNumber, reason });
      return;
    }
    if (this.n === this.loanOf.length) this.grow();
    const k = this.n++;
    this.loanOf[k] = li!;
    this.dayOf[k] = day;
    this.fenOf[k] = fen;
    this.rowOf[k] = rowNumber;
  }

  private grow(): void {
    const size = this.loanOf.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, b: T) => {
      b.set(a);
      return b;
    };
    this.loanOf = g(this.loanOf, new Int32Array(size));
    this.dayOf = g(this.dayOf, new Int32Array(size));
    this.fenOf = g(this.fenOf, new Float64Array(size));
    this.rowOf = g(this.rowOf, new Int32Array(size));
  }

  finish(): void {
    // group by loan (counting sort), then order each loan's repayments by (date, row)
    const count = new Int32Array(this.loans.length + 1);
    for (let k = 0; k < this.n; k++) count[this.loanOf[k] + 1]++;
    for (let i = 0; i < this.loans.length; i++) count[i + 1] += count[i];
    const order = new Int32Array(this.n);
    const pos = count.slice();
    for (let k = 0; k < this.n; k++) order[pos[this.loanOf[k]]++] = k;
    for (let li = 0; li < this.loans.length; li++) {
      const from = count[li],
        to = count[li + 1];
      if (from === to) continue;
      // insertion sort by (date, row): a bank's file is mostly in date order already
      const ks = order.subarray(from, to),
        dy = this.dayOf,
        rw = this.rowOf;
      if (ks.length > 64) ks.set(Array.from(ks).sort((x, y) => dy[x] - dy[y] || rw[x] - rw[y]));
      else
        for (let a = 1; a < ks.length; a++) {
          const k = ks[a];
          let b = a - 1;
          while (b >= 0 && (dy[ks[b]] > dy[k] || (dy[ks[b]] === dy[k] && rw[ks[b]] > rw[k]))) {
            ks[b + 1] = ks[b];
            b--;
          }
          ks[b + 1] = k;
        }
      const loan = this.loans[li];
      let balance = loan.amountFen;
      for (const k of ks) {
        const fen = this.fenOf[k];
        if (fen > balance) {
          this.rejected.push({ file: '还款记录', row: this.rowOf[k], reason: `还款本金${formatFen(fen)}超过贷款${loan.loanNo}的余额${formatFen(balance)}` });
          continue; // later repayments are still tried against the same balance
        }
        balance -= fen;
        loan.repayDays.push(this.dayOf[k]);
        loan.repayFen.push(fen);
        loan.repayRows.push(this.rowOf[k]);
      }
    }
  }
}

/** Rejections in the order of the listing: file (贷款台账, 还款记录, 贴息利率), then row. */
export function sortRejections(rejected: Rejection[]): Rejection[] {
  return rejected.sort((a, b) => FILE_ORDER.indexOf(a.file) - FILE_ORDER.indexOf(b.file) || a.row - b.row);
}

/** A whole book from rows already in memory (tests, the database import, small files). */
export function checkBook(input: {
  loans: { headers: string[]; rows: Iterable<TextRow> };
  repayments: { headers: string[]; rows: Iterable<TextRow> };
  rates: { headers: string[]; rows: Iterable<TextRow> };
}): Book {
  const rejected: Rejection[] = [];
  const rates = checkRates(input.rates.headers, input.rates.rows, rejected);
  const { loans, refused } = checkLoans(input.loans.headers, input.loans.rows, rates, rejected);
  const rc = new RepaymentChecker(input.repayments.headers, loans, refused, rejected);
  for (const r of input.repayments.rows) rc.add(r);
  rc.finish();
  return { rates, loans, rejected: sortRejections(rejected) };
}
