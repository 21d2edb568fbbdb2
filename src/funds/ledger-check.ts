// The ledger checks of FORMATS §8.1, pure: rows go in sheet by sheet (资金批次, then 项目, then
// the three money sheets), and `finish()` checks the money entries in the order of §8.1 — by
// 日期, then sheet (资金安排, 拨付, 报账), then row — each against the entries accepted before it.
// Money entries are kept in typed columns (a province ledger has millions), so a check holds
// about 40 bytes per entry; objects are made only when a caller asks for them.
import type { IsoDate } from '../shared/dates.ts';
import { formatFen, type Fen } from '../shared/money.ts';
import { ownCopy } from '../shared/strict-values.ts';
import {
  MONEY_SHEETS,
  LEDGER_SHEETS,
  type CheckedLedger,
  type FundBatch,
  type LedgerProject,
  type LedgerRejection,
  type LedgerSheet,
  type MoneyEntry,
  type MoneySheet,
  type MoneySums,
  type RejectCode,
} from './ledger.types.ts';
import { projectDatesProblem, readBatchRow, readMoneyRow, readProjectRow, type ColumnIndex } from './ledger-rows.ts';

const DAY_OFFSET = 400_000; // days before 1970-01-01 down to year 1000, so day numbers stay positive
const ROW_BITS = 2 ** 28;

/** ISO date → a positive day number (fits in 22 bits for years 1000–9999). */
export function dayNumber(iso: IsoDate): number {
  // days from civil (proleptic Gregorian), from the characters: called once per money entry
  const d2 = (i: number) => (iso.charCodeAt(i) - 48) * 10 + iso.charCodeAt(i + 1) - 48;
  let y = d2(0) * 100 + d2(2);
  const m = d2(5),
    d = d2(8);
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + DAY_OFFSET;
}
export function dayIso(day: number): IsoDate {
  return new Date((day - DAY_OFFSET) * 86_400_000).toISOString().slice(0, 10);
}

/** A growable column of numbers. */
class Column<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
const f64 = () => new Column(new Float64Array(1024), (n) => new Float64Array(n));
const i32 = () => new Column(new Int32Array(1024), (n) => new Int32Array(n));
const u8 = () => new Column(new Uint8Array(1024), (n) => new Uint8Array(n));

export interface SheetCounts {
  accepted: number;
  rejected: number;
}

interface PairSums {
  allocated: Fen;
  disbursed: Fen;
  reimbursed: Fen;
}

export class LedgerChecker {
  readonly batches: (FundBatch & { row: number })[] = [];
  readonly projects: (LedgerProject & { row: number })[] = [];
  readonly rejected: LedgerRejection[] = [];
  private batchIndex = new Map<string, number>();
  private projectIndex = new Map<string, number>();
  private unknownNames: string[] = [];
  private unknownIndex = new Map<string, number>();
  // money entries, one slot each: sheet (0..2), row, day, amount, batch / project (≥ 0 an
  // accepted row's index, < 0 the name of an unknown one), voucher (when kept)
  private sheet = u8();
  private row = i32();
  private day = i32();
  private amount = f64();
  private batch = i32();
  private project = i32();
  private vouchers: (string | null)[] | null;
  private accepted: Uint8Array = new Uint8Array(0);
  private order: Float64Array = new Float64Array(0);
  private finished = false;
  private lastSheet = 0;

  /** keepVouchers: false drops 凭证号, which only an import needs (saves memory on a province ledger). */
  constructor(opts: { keepVouchers?: boolean } = {}) {
    this.vouchers = opts.keepVouchers === false ? null : [];
  }

  private reject(sheet: LedgerSheet, row: number, code: RejectCode, reason: string): void {
    this.rejected.push({ sheet, row, code, reason });
  }

  addBatchRow(row: number, cells: readonly unknown[], col: ColumnIndex): void {
    this.stage(0);
    const r = readBatchRow(cells, col);
    if (!r.ok) {
      this.reject('资金批次', row, r.problem.code, r.problem.reason);
      return;
    }
    const b = r.value;
    const earlier = this.batchIndex.get(b.batchNo);
    if (earlier !== undefined) {
      this.reject('资金批次', row, 'L_DUPLICATE', `批次编号${b.batchNo}已在第${this.batches[earlier].row}行`);
      return;
    }
    if (b.amountFen < 0) {
      this.reject('资金批次', row, 'L_NEGATIVE', `批次金额${formatFen(b.amountFen)}为负数`);
      return;
    }
    this.batchIndex.set(b.batchNo, this.batches.length);
    this.batches.push({ ...b, row });
  }

  addProjectRow(row: number, cells: readonly unknown[], col: ColumnIndex): void {
    this.stage(1);
    const r = readProjectRow(cells, col);
    if (!r.ok) {
      this.reject('项目', row, r.problem.code, r.problem.reason);
      return;
    }
    const p = r.value;
    const earlier = this.projectIndex.get(p.projectNo);
    if (earlier !== undefined) {
      this.reject('项目', row, 'L_DUPLICATE', `项目编号${p.projectNo}已在第${this.projects[earlier].row}行`);
      return;
    }
    const dates = projectDatesProblem(p);
    if (dates) {
      this.reject('项目', row, dates.code, dates.reason);
      return;
    }
    if (p.plannedFen < 0) {
      this.reject('项目', row, 'L_NEGATIVE', `计划投资${formatFen(p.plannedFen)}为负数`);
      return;
    }
    this.projectIndex.set(p.projectNo, this.projects.length);
    this.projects.push({ ...p, row });
  }

  /** A money row; rows of the same sheet come in row order. */
  addMoneyRow(sheet: MoneySheet, row: number, cells: readonly unknown[], col: ColumnIndex): void {
    this.stage(2);
    const r = readMoneyRow(sheet, cells, col);
    if (!r.ok) {
      this.reject(sheet, row, r.problem.code, r.problem.reason);
      return;
    }
    const e = r.value;
    this.sheet.push(MONEY_SHEETS.indexOf(sheet));
    this.row.push(row);
    this.day.push(dayNumber(e.date));
    this.amount.push(e.amountFen);
    this.batch.push(this.batchIndex.get(e.batchNo) ?? -1 - this.unknown(e.batchNo));
    this.project.push(this.projectIndex.get(e.projectNo) ?? -1 - this.unknown(e.projectNo));
    this.vouchers?.push(e.voucherNo); // copied by the row reader
  }

  private unknown(name: string): number {
    let i = this.unknownIndex.get(name);
    if (i === undefined) {
      i = this.unknownNames.length;
      name = ownCopy(name);
      this.unknownNames.push(name);
      this.unknownIndex.set(name, i);
    }
    return i;
  }

  private stage(s: number): void {
    if (this.finished) throw new Error('台账检查已结束，不能再加入行');
    if (s < this.lastSheet) throw new Error('台账各表须按资金批次、项目、资金安排/拨付/报账的顺序读入');
    this.lastSheet = s;
  }

  /** Check the money entries in §8.1 order; rejections end sorted by sheet and row. */
  finish(): this {
    if (this.finished) return this;
    this.finished = true;
    const n = this.row.length;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (this.day.data[i] * 3 + this.sheet.data[i]) * ROW_BITS + i;
    keys.sort(); // i grows with the row inside a sheet, so this is 日期, sheet, row
    this.order = keys;
    this.accepted = new Uint8Array(n);
    const allocatedOfBatch = new Float64Array(this.batches.length);
    const pairs = new Map<number, PairSums>();
    const np = this.projects.length;
    const issued = Int32Array.from(this.batches, (b) => dayNumber(b.issuedOn));
    for (let k = 0; k < n; k++) {
      const i = keys[k] % ROW_BITS;
      const s = this.sheet.data[i];
      const sheet = MONEY_SHEETS[s];
      const b = this.batch.data[i],
        p = this.project.data[i];
      const amount = this.amount.data[i];
      const row = this.row.data[i];
      if (b < 0) {
        this.reject(sheet, row, 'L_UNKNOWN_REF', `批次编号${this.unknownNames[-1 - b]}不存在（或该行被拒绝）`);
        continue;
      }
      if (p < 0) {
        this.reject(sheet, row, 'L_UNKNOWN_REF', `项目编号${this.unknownNames[-1 - p]}不存在（或该行被拒绝）`);
        continue;
      }
      const batch = this.batches[b];
      if (this.day.data[i] < issued[b]) {
        this.reject(sheet, row, 'L_BEFORE_BATCH', `日期${dayIso(this.day.data[i])}早于批次${batch.batchNo}下达日期${batch.issuedOn}`);
        continue;
      }
      if (s === 0 && amount < 0) {
        this.reject(sheet, row, 'L_NEGATIVE', `资金安排金额${formatFen(amount)}为负数`);
        continue;
      }
      const pk = b * np + p;
      let pair = pairs.get(pk);
      if (s === 0) {
        const total = allocatedOfBatch[b] + amount;
        if (total > batch.amountFen) {
          this.reject(sheet, row, 'L_OVER_BATCH', `批次${batch.batchNo}安排累计${formatFen(total)}超过下达金额${formatFen(batch.amountFen)}`);
          continue;
        }
        allocatedOfBatch[b] = total;
        if (!pair) pairs.set(pk, (pair = { allocated: 0, disbursed: 0, reimbursed: 0 }));
        pair.allocated += amount;
      } else {
        const allocated = pair?.allocated ?? 0;
        const before = s === 1 ? (pair?.disbursed ?? 0) : (pair?.reimbursed ?? 0);
        const total = before + amount;
        if (total > allocated) {
          this.reject(
            sheet,
            row,
            'L_OVER_ALLOCATION',
            `${sheet}累计${formatFen(total)}超过批次${batch.batchNo}对项目${this.projects[p].projectNo}已安排的${formatFen(allocated)}`,
          );
          continue;
        }
        if (total < 0) {
          this.reject(sheet, row, 'L_BELOW_ZERO', `冲销后${sheet}累计${formatFen(total)}低于0`);
          continue;
        }
        if (!pair) pairs.set(pk, (pair = { allocated: 0, disbursed: 0, reimbursed: 0 }));
        if (s === 1) pair.disbursed = total;
        else pair.reimbursed = total;
      }
      this.accepted[i] = 1;
    }
    const sheetOrder = (s: LedgerSheet) => LEDGER_SHEETS.indexOf(s);
    this.rejected.sort((a, b) => sheetOrder(a.sheet) - sheetOrder(b.sheet) || a.row - b.row);
    return this;
  }

  /** Accepted and rejected rows per sheet. */
  counts(): Record<LedgerSheet, SheetCounts> {
    this.finish();
    const out = Object.fromEntries(LEDGER_SHEETS.map((s) => [s, { accepted: 0, rejected: 0 }])) as Record<LedgerSheet, SheetCounts>;
    out.资金批次.accepted = this.batches.length;
    out.项目.accepted = this.projects.length;
    for (let i = 0; i < this.row.length; i++) if (this.accepted[i]) out[MONEY_SHEETS[this.sheet.data[i]]].accepted++;
    for (const r of this.rejected) out[r.sheet].rejected++;
    return out;
  }

  /** The accepted money entries in the order they were checked (日期, sheet, row). */
  *acceptedEntries(): Generator<MoneyEntry & { row: number }> {
    this.finish();
    for (let k = 0; k < this.order.length; k++) {
      const i = this.order[k] % ROW_BITS;
      if (!this.accepted[i]) continue;
      yield {
        sheet: MONEY_SHEETS[this.sheet.data[i]],
        batchNo: this.batches[this.batch.data[i]].batchNo,
        projectNo: this.projects[this.project.data[i]].projectNo,
        date: dayIso(this.day.data[i]),
        amountFen: this.amount.data[i],
        voucherNo: this.vouchers?.[i] ?? null,
        row: this.row.data[i],
      };
    }
  }

  /** Everything as the shared CheckedLedger shape (objects for every accepted entry). */
  toCheckedLedger(): CheckedLedger {
    this.finish();
    return { batches: this.batches, projects: this.projects, entries: [...this.acceptedEntries()], rejected: this.rejected };
  }

  /** Accepted money per batch and project dated on or before asOf (all of it when null), straight from the columns. */
  sums(asOf: IsoDate | null): MoneySums[] {
    this.finish();
    const limit = asOf === null ? Infinity : dayNumber(asOf);
    const np = this.projects.length;
    const out = new Map<number, MoneySums>();
    for (let i = 0; i < this.row.length; i++) {
      if (!this.accepted[i] || this.day.data[i] > limit) continue;
      const b = this.batch.data[i],
        p = this.project.data[i];
      let m = out.get(b * np + p);
      if (!m)
        out.set(
          b * np + p,
          (m = { batchNo: this.batches[b].batchNo, projectNo: this.projects[p].projectNo, allocatedFen: 0, disbursedFen: 0, reimbursedFen: 0 }),
        );
      const s = this.sheet.data[i];
      if (s === 0) m.allocatedFen += this.amount.data[i];
      else if (s === 1) m.disbursedFen += this.amount.data[i];
      else m.reimbursedFen += this.amount.data[i];
    }
    return [...out.values()];
  }
}
