// The cross-check engine (交叉核对), FORMATS.md §5–§6. Pure: no files, no database.
// Memory grows with the roster (and the people paid), not with the extracts: payments are
// aggregated per (person, period) in typed arrays; death records, hukou rows and other
// counties' rosters are streamed and only rows about known IDs are kept.
//
// Use `runCrosscheck` with async iterables, or drive `CrosscheckEngine` yourself in this order:
// constructor(roster) → addPayment* → addOtherRosterRow* / addDeath* / addHukou* (any order) → finish().
import { checkDigit, validateId, type IdValidation } from '../shared/idnumber.ts';
import { parsePeriod, comparePeriods, type Period } from '../shared/periods.ts';
import { daysInMonth, todayIso, type IsoDate } from '../shared/dates.ts';
import { DEFAULT_SETTINGS } from '../shared/entitlement.ts';
import { AppError } from '../shared/errors.ts';
import { cleanName } from './names.ts';
import { evaluate } from './evaluate.ts';
import type { CrosscheckResult, CrosscheckSettings, DeathRecord, HukouRecord, HukouStatus, PaymentRecord, RosterRecord } from './types.ts';

import { normalizeId } from '../shared/idnumber.ts';
const NORMAL18 = /^\d{17}[\dX]$/;
/** Normalised ID, with a fast path for the common already-normal 18-digit form. */
export function fastNormalizeId(raw: string): string {
  return raw.length === 18 && NORMAL18.test(raw) ? raw : normalizeId(raw);
}

/** The 18-character ID back from its two integers. */
export function keyToId(hi: number, lo: number): string {
  const c = lo % 11;
  return String(hi).padStart(9, '0') + String((lo - c) / 11).padStart(8, '0') + (c === 10 ? 'X' : String(c));
}

function hashKey(hi: number, lo: number): number {
  return (Math.imul(hi, 0x9e3779b1) ^ Math.imul(lo ^ (lo >>> 15), 0x85ebca77)) >>> 0;
}

export interface CrosscheckOptions {
  /** named periods; default: every 发放期间 present in the payments */
  periods?: string[];
  /** stated hukou coverage (6-digit county codes); default: counties present in the extract */
  coverage?: string[];
  settings?: Partial<CrosscheckSettings>;
  /** date IDs are validated against (birth date not after it); default today */
  checkDate?: IsoDate;
}

export interface Person {
  id: string;
  rows: RosterRecord[];
  active: boolean;
}

export interface HukouInfo {
  names: string[];
  hasNormal: boolean;
  /** first cancellation seen (a dated 死亡注销 preferred) */
  cancel?: { status: HukouStatus; date: IsoDate | null };
  deathDate?: IsoDate;
}

export interface DeathInfo {
  date: IsoDate;
  evidence: string;
}

export interface OtherRosterHit {
  source: string;
  householdNo: string;
  villageCode: string;
  status: string;
}

export class CrosscheckEngine {
  readonly settings: CrosscheckSettings;
  readonly checkDate: IsoDate;
  private readonly checkYmd: number;
  readonly persons: Person[] = [];
  /** normalised ID → slot; roster persons first, then people paid but not on the roster */
  readonly slotOf = new Map<string, number>();
  /** for slots beyond the roster: name and ID as written in the payments */
  readonly payeeName: string[] = [];
  readonly payeeId: string[] = [];
  readonly namedPeriods: Set<string> | null;
  readonly periodCodes: string[] = [];
  readonly periodObjs: Period[] = [];
  private periodIdx = new Map<string, number>();
  private periodText = new Map<string, number>();
  /** capacity of periods per slot in the accumulation arrays */
  P = 8;
  private slotsCap = 0;
  cnt = new Int32Array(0);
  fail = new Int32Array(0);
  sum = new Float64Array(0);
  readonly deaths = new Map<number, DeathInfo>();
  readonly hukou = new Map<number, HukouInfo>();
  readonly others = new Map<number, OtherRosterHit[]>();
  readonly coverageSeen = new Set<string>();
  readonly statedCoverage: Set<string> | null;
  hukouGiven = false;
  stats = { rosterRows: 0, paymentRows: 0, paymentRowsSkipped: 0, deathRows: 0, hukouRows: 0, otherRosterRows: 0 };

  constructor(roster: Iterable<RosterRecord>, options: CrosscheckOptions = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.checkDate = options.checkDate ?? todayIso();
    this.checkYmd = +this.checkDate.replace(/-/g, '');
    this.statedCoverage = options.coverage?.length ? new Set(options.coverage.map((c) => c.trim().slice(0, 6))) : null;
    this.namedPeriods = null;
    if (options.periods?.length) {
      const named = new Set<string>();
      for (const t of options.periods) {
        const p = parsePeriod(t);
        if (!p) throw new AppError('VALIDATION', `核查期间“${t}”无法识别（应为2024、2024H1或2024H2）`);
        named.add(p.code);
      }
      this.namedPeriods = named;
      for (const c of [...named].sort(comparePeriods)) this.periodSlot(c);
    }
    for (const r of roster) {
      this.stats.rosterRows++;
      const id = fastNormalizeId(r.idNumber);
      let slot = this.slotOf.get(id);
      if (slot === undefined) {
        slot = this.persons.length;
        this.slotOf.set(id, slot);
        this.persons.push({ id, rows: [r], active: r.status === '正常' });
      } else {
        const p = this.persons[slot];
        p.rows.push(r);
        if (r.status === '正常') p.active = true;
      }
    }
    this.grow(this.persons.length + 1024);
  }

  get rosterSize(): number {
    return this.persons.length;
  }

  private grow(minSlots: number, newP = this.P): void {
    if (minSlots <= this.slotsCap && newP === this.P) return;
    const cap = Math.max(minSlots, newP === this.P ? Math.ceil(this.slotsCap * 1.5) : this.slotsCap, 1024);
    const cnt = new Int32Array(cap * newP),
      fail = new Int32Array(cap * newP),
      sum = new Float64Array(cap * newP);
    if (newP === this.P) {
      cnt.set(this.cnt);
      fail.set(this.fail);
      sum.set(this.sum);
    } else {
      for (let s = 0; s < this.slotsCap; s++) {
        for (let k = 0; k < this.P; k++) {
          cnt[s * newP + k] = this.cnt[s * this.P + k];
          fail[s * newP + k] = this.fail[s * this.P + k];
          sum[s * newP + k] = this.sum[s * this.P + k];
        }
      }
    }
    this.cnt = cnt;
    this.fail = fail;
    this.sum = sum;
    this.slotsCap = cap;
    this.P = newP;
  }

  /** Index of a checked period; adds it when new. */
  private periodSlot(code: string): number {
    let k = this.periodIdx.get(code);
    if (k !== undefined) return k;
    k = this.periodCodes.length;
    this.periodIdx.set(code, k);
    this.periodCodes.push(code);
    this.periodObjs.push(parsePeriod(code)!);
    if (k >= this.P) this.grow(this.slotsCap, this.P * 2);
    return k;
  }

  /**
   * Add one payment line. Returns false when its period cannot be read (the caller reports
   * the row); payments outside the named periods are skipped and counted.
   */
  /** Checked-period index of a 发放期间 text: -1 unreadable, -2 outside the named periods. */
  private periodOf(text: string): number {
    let k = this.periodText.get(text);
    if (k === undefined) {
      const per = parsePeriod(text);
      if (!per) k = -1;
      else if (this.namedPeriods && !this.namedPeriods.has(per.code)) k = -2;
      else k = this.periodSlot(per.code);
      this.periodText.set(text, k);
    }
    return k;
  }

  addPayment(p: PaymentRecord): boolean {
    const k = this.periodOf(p.period);
    if (k === -1) return false;
    this.stats.paymentRows++;
    if (k === -2) {
      this.stats.paymentRowsSkipped++;
      return true;
    }
    const id = fastNormalizeId(p.idNumber);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      if (!p.success) return true; // a failed payment to someone unknown costs nothing
      slot = this.newPayee(id, p.name);
    }
    this.record(slot, k, p);
    return true;
  }

  /** addPayment for a standard ID given as integers (RowView.idKey); p.idNumber is not read. */
  addPaymentKey(hi: number, lo: number, p: PaymentRecord): boolean {
    const k = this.periodOf(p.period);
    if (k === -1) return false;
    this.stats.paymentRows++;
    if (k === -2) {
      this.stats.paymentRowsSkipped++;
      return true;
    }
    let slot = this.slotOfKey(hi, lo);
    if (slot < 0) {
      if (!p.success) return true;
      slot = this.newPayee(keyToId(hi, lo), p.name);
    }
    this.record(slot, k, p);
    return true;
  }

  private newPayee(id: string, name: string): number {
    const slot = this.persons.length + this.payeeName.length;
    this.slotOf.set(id, slot);
    this.payeeName.push(cleanName(name));
    this.payeeId.push(id);
    if (this.keyMask >= 0 && NORMAL18.test(id)) this.insertKey(id, slot);
    if (slot >= this.slotsCap) this.grow(slot + 1);
    return slot;
  }

  private record(slot: number, k: number, p: PaymentRecord): void {
    const i = slot * this.P + k;
    if (p.success) {
      this.cnt[i]++;
      this.sum[i] += p.amountFen;
    } else this.fail[i]++;
  }

  addDeath(d: DeathRecord): void {
    this.stats.deathRows++;
    const slot = this.slotOf.get(fastNormalizeId(d.idNumber));
    if (slot !== undefined && d.deathDate) this.addDeathAt(slot, d.deathDate, d.source ?? null);
  }

  /** A death record about a known slot; the earliest date wins. */
  addDeathAt(slot: number, date: IsoDate, source: string | null): void {
    const prev = this.deaths.get(slot);
    if (!prev || date < prev.date) this.deaths.set(slot, { date, evidence: source ? `死亡人员名单（${source}）` : '死亡人员名单' });
  }

  addHukou(h: HukouRecord): void {
    const slot = this.hukouRow(h.idNumber, (h.regionCode ?? '').trim());
    if (slot >= 0) this.addHukouAt(slot, h.name, h.status, h.changeDate ?? null);
  }

  /**
   * Count one hukou row: its county joins the coverage (户籍地区划代码, else the ID's first 6
   * digits). Returns the slot of a person on the roster or paid, or -1 (then the row is not needed).
   */
  hukouRow(rawId: string, regionCode: string): number {
    this.stats.hukouRows++;
    this.hukouGiven = true;
    const id = fastNormalizeId(rawId);
    const county = regionCode.length >= 6 ? regionCode.slice(0, 6) : id.slice(0, 6);
    if (county.length === 6) this.coverageSeen.add(county);
    return this.slotOf.get(id) ?? -1;
  }

  addHukouAt(slot: number, rawName: string, status: HukouStatus, date: IsoDate | null): void {
    let info = this.hukou.get(slot);
    if (!info) {
      info = { names: [], hasNormal: false };
      this.hukou.set(slot, info);
    }
    const name = cleanName(rawName);
    if (name && !info.names.includes(name)) info.names.push(name);
    if (status === '正常') info.hasNormal = true;
    else {
      if (status === '死亡注销' && date && (!info.deathDate || date < info.deathDate)) info.deathDate = date;
      const better = !info.cancel || (status === '死亡注销' && date && (info.cancel.status !== '死亡注销' || !info.cancel.date || date < info.cancel.date));
      if (better) info.cancel = { status, date };
    }
  }

  /** A row of another county's roster: kept only when its ID is on this roster or was paid. */
  addOtherRosterRow(source: string, r: RosterRecord): void {
    this.stats.otherRosterRows++;
    const slot = this.slotOf.get(fastNormalizeId(r.idNumber));
    if (slot === undefined) return;
    let hits = this.others.get(slot);
    if (!hits) {
      hits = [];
      this.others.set(slot, hits);
    }
    hits.push({ source, householdNo: r.householdNo, villageCode: r.villageCode, status: r.status });
  }

  /** Death date of a slot: earliest of death records and dated hukou 死亡注销 (FORMATS §6). */
  deathOf(slot: number): DeathInfo | null {
    const d = this.deaths.get(slot);
    const h = this.hukou.get(slot)?.deathDate;
    if (h && (!d || h < d.date)) return { date: h, evidence: '户籍库死亡注销' };
    return d ?? null;
  }

  /** Counties the hukou extract covers: stated by the user, or seen in the extract. */
  coverage(): Set<string> {
    if (this.statedCoverage) return this.statedCoverage;
    for (const c of this.coverageInts) this.coverageSeen.add(String(c).padStart(6, '0'));
    this.coverageInts.clear();
    return this.coverageSeen;
  }

  // --- allocation-free lookups for the large extracts: a standard 18-character ID as two integers
  private readonly coverageInts = new Set<number>();
  private keyMask = -1;
  private keyHi = new Int32Array(0);
  private keyLo = new Int32Array(0);
  private keySlot = new Int32Array(0);

  private keyCount = 0;
  /** (Re)build the integer-key table over every known standard ID. */
  private buildKeys(): void {
    let cap = 1024;
    while (cap < this.slotOf.size * 2 + 2048) cap *= 2;
    this.keyMask = cap - 1;
    this.keyCount = 0;
    this.keyHi = new Int32Array(cap);
    this.keyLo = new Int32Array(cap);
    this.keySlot = new Int32Array(cap).fill(-1);
    for (const [id, slot] of this.slotOf) if (NORMAL18.test(id)) this.insertKey(id, slot);
  }

  private insertKey(id: string, slot: number): void {
    if ((this.keyCount + 1) * 2 > this.keyMask + 1) {
      this.buildKeys();
      return;
    } // grows; includes id (already in slotOf)
    const hi = +id.slice(0, 9),
      lo = +id.slice(9, 17) * 11 + (id[17] === 'X' ? 10 : +id[17]);
    let h = hashKey(hi, lo) & this.keyMask;
    while (this.keySlot[h] !== -1) {
      if (this.keyHi[h] === hi && this.keyLo[h] === lo) return;
      h = (h + 1) & this.keyMask;
    }
    this.keyHi[h] = hi;
    this.keyLo[h] = lo;
    this.keySlot[h] = slot;
    this.keyCount++;
  }

  /** Slot of a standard ID given as integers (see RowView.idKey), or -1. */
  slotOfKey(hi: number, lo: number): number {
    if (this.keyMask < 0) this.buildKeys();
    let h = hashKey(hi, lo) & this.keyMask;
    for (;;) {
      const s = this.keySlot[h];
      if (s === -1) return -1;
      if (this.keyHi[h] === hi && this.keyLo[h] === lo) return s;
      h = (h + 1) & this.keyMask;
    }
  }

  /** hukouRow for a standard ID given as integers; `county` is the 户籍地区划代码's first 6 digits or -1. */
  hukouRowKey(hi: number, lo: number, county: number): number {
    this.stats.hukouRows++;
    this.hukouGiven = true;
    this.coverageInts.add(county >= 0 ? county : Math.floor(hi / 1000));
    return this.slotOfKey(hi, lo);
  }

  private provinceOk = new Map<string, boolean>();
  /** GB 11643 validation; a cheap positive path for well-formed valid numbers, validateId otherwise. */
  validate(raw: string): IdValidation {
    if (raw.length === 18 && NORMAL18.test(raw) && checkDigit(raw) === raw[17]) {
      const prov = raw.slice(0, 2);
      let pOk = this.provinceOk.get(prov);
      if (pOk === undefined) {
        const probe = `${prov}0000198001010${'01'}`;
        pOk = validateId(probe + checkDigit(probe), '2000-01-01').ok;
        this.provinceOk.set(prov, pOk);
      }
      const ymd = +raw.slice(6, 14),
        y = Math.floor(ymd / 10000),
        m = Math.floor(ymd / 100) % 100,
        d = ymd % 100;
      if (pOk && ymd >= 18000101 && ymd <= this.checkYmd && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { ok: true, normalized: raw };
    }
    return validateId(raw, this.checkDate);
  }

  finish(): CrosscheckResult {
    return evaluate(this);
  }
}

export interface RunCrosscheckInput extends CrosscheckOptions {
  roster: Iterable<RosterRecord>;
  payments: AsyncIterable<PaymentRecord> | Iterable<PaymentRecord>;
  deaths?: AsyncIterable<DeathRecord> | Iterable<DeathRecord>;
  hukou?: AsyncIterable<HukouRecord> | Iterable<HukouRecord>;
  otherRosters?: { source: string; rows: AsyncIterable<RosterRecord> | Iterable<RosterRecord> }[];
}

/**
 * Run the whole cross-check over in-memory roster records and streamed payments, death records,
 * hukou rows and other counties' rosters. Payments whose period cannot be read are counted in
 * `unreadablePayments` (callers are expected to have validated their rows).
 */
export async function runCrosscheck(input: RunCrosscheckInput): Promise<CrosscheckResult & { unreadablePayments: number }> {
  const engine = new CrosscheckEngine(input.roster, input);
  let unreadablePayments = 0;
  for await (const p of input.payments) if (!engine.addPayment(p)) unreadablePayments++;
  for (const o of input.otherRosters ?? []) for await (const r of o.rows) engine.addOtherRosterRow(o.source, r);
  if (input.deaths) for await (const d of input.deaths) engine.addDeath(d);
  if (input.hukou) {
    engine.hukouGiven = true;
    for await (const h of input.hukou) engine.addHukou(h);
  }
  return { ...engine.finish(), unreadablePayments };
}
