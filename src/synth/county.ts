// A whole synthetic county in the FORMATS files — roster.csv, payments.csv, deaths.csv,
// hukou.csv — plus truth.csv, the (ID, code) pairs planted with the amounts over- and
// under-paid, so a cross-check's precision and recall can be measured. Files are written row
// by row; memory stays small whatever the size.
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { entitlementFor } from '../shared/entitlement.ts';
import { formatFen } from '../shared/money.ts';
import { parsePeriod } from '../shared/periods.ts';
import { addDays } from '../shared/dates.ts';
import { Rng } from './prng.ts';
import { IdAllocator, bankCard, birthDate, givenName, surname } from './people.ts';
import { households, type SynthPerson } from './households.ts';
import { ROSTER_HEADERS, rosterRow } from './roster.ts';

export interface CountyOptions {
  persons: number;
  seed: number | string;
  countyCode?: string;
  years?: number[];
  /** rows in the hukou extract (roster people included); default 5 × persons */
  hukouRows?: number;
  /** death records; default persons / 4 */
  deaths?: number;
  /** share of regular persons with a planted problem; default 0.04 */
  plantRate?: number;
  /** share of persons matched by an extra payee who is not on the roster; default 0.003 */
  strangerRate?: number;
  onProgress?: (personsDone: number) => void;
}

export interface CountyFiles {
  roster: string;
  payments: string;
  deaths: string;
  hukou: string;
  truth: string;
}

export interface TruthRow {
  idNumber: string;
  code: string;
  overFen: number;
  underFen: number;
}

export interface CountySummary {
  files: CountyFiles;
  persons: number;
  rosterRows: number;
  paymentRows: number;
  deathRows: number;
  hukouRows: number;
  truth: { byCode: Record<string, number>; overFen: number; underFen: number };
}

/** Buffered synchronous writer: fast and simple for millions of short lines. */
class LineWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  constructor(path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.buf.push('\ufeff' + header.join(',') + '\n');
  }
  line(cells: readonly string[]): void {
    const s = cells.join(',') + '\n';
    this.buf.push(s);
    this.rows++;
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export const PAYMENT_HEADERS = ['批次号', '发放期间', '身份证号', '姓名', '银行账号', '持卡人姓名', '金额', '发放结果', '发放日期'] as const;
export const HUKOU_HEADERS = ['身份证号', '姓名', '性别', '出生日期', '户籍地区划代码', '户籍状态', '状态变动日期'] as const;
export const DEATH_HEADERS = ['姓名', '身份证号', '死亡日期', '来源'] as const;
export const TRUTH_HEADERS = ['身份证号', '问题代码', '多发金额', '少发金额'] as const;

/** Generate a county's files into `dir`. Deterministic for a given seed and options. */
export function generateCountyFiles(dir: string, o: CountyOptions): CountySummary {
  mkdirSync(dir, { recursive: true });
  const countyCode = o.countyCode ?? '430582';
  const years = o.years ?? [2021, 2022, 2023, 2024];
  const periods = years.map((y) => parsePeriod(String(y))!);
  const files: CountyFiles = {
    roster: join(dir, 'roster.csv'),
    payments: join(dir, 'payments.csv'),
    deaths: join(dir, 'deaths.csv'),
    hukou: join(dir, 'hukou.csv'),
    truth: join(dir, 'truth.csv'),
  };
  const roster = new LineWriter(files.roster, ROSTER_HEADERS);
  const pay = new LineWriter(files.payments, PAYMENT_HEADERS);
  const deaths = new LineWriter(files.deaths, DEATH_HEADERS);
  const hukou = new LineWriter(files.hukou, HUKOU_HEADERS);
  const truthW = new LineWriter(files.truth, TRUTH_HEADERS);
  const r = new Rng(`${o.seed}/county`);
  const ids = new IdAllocator();
  const byCode: Record<string, number> = {};
  let overFen = 0,
    underFen = 0;
  const truth = (idNumber: string, code: string, over = 0, under = 0) => {
    truthW.line([idNumber, code, formatFen(over), formatFen(under)]);
    byCode[code] = (byCode[code] ?? 0) + 1;
    overFen += over;
    underFen += under;
  };
  const payLine = (k: number, id: string, name: string, account: string, holder: string, fen: number, ok = true) =>
    pay.line([
      `${countyCode}-${periods[k].code}-01`,
      periods[k].code,
      id,
      name,
      account,
      holder,
      formatFen(fen),
      ok ? '成功' : '失败',
      `${periods[k].year}-06-${ok ? '15' : '10'}`,
    ]);
  const hukouLine = (id: string, name: string, sex: string, birth: string, region: string, status: string, date: string) =>
    hukou.line([id, name, sex, birth, region, status, date]);

  let persons = 0;
  const hh = households({ seed: o.seed, countyCode, years, plantRate: o.plantRate ?? 0.04 }, ids);
  while (persons < o.persons) {
    const members = hh.next().value as SynthPerson[];
    for (const p of members) {
      if (persons >= o.persons) break;
      roster.line(rosterRow(p));
      if (p.duplicateRow) {
        truth(p.id, 'DUPLICATE_REGISTRY');
        continue;
      } // the second row of a person
      persons++;
      if (persons % 10000 === 0) o.onProgress?.(persons);
      emitPerson(p);
    }
    if (r.chance((o.strangerRate ?? 0.003) * members.length)) stranger();
  }

  function emitPerson(p: SynthPerson): void {
    const payId = p.plant === 'INVALID_ID' ? p.rosterId : r.chance(0.02) ? p.rosterId : p.id;
    const chosen = r.int(0, periods.length - 1);
    let deceasedOver = 0,
      notEligibleOver = 0;
    for (let k = 0; k < periods.length; k++) {
      const per = periods[k];
      const deathKnown = p.plant === 'DECEASED_RECORD' || p.plant === 'DECEASED_HUKOU' ? null : (p.death?.date ?? null);
      const removal = p.status === '已核减' && p.plant !== 'REMOVED_PAID' ? p.removalDate : null;
      const end = p.plant === 'TERM_ENDED_PAID' ? null : p.supportEnd || null;
      const ent = entitlementFor(per, { supportStart: p.supportStart, supportEnd: end, removalDate: removal, deathDate: deathKnown });
      if (!ent.eligible || ent.fen <= 0) continue;
      let fen = ent.fen;
      if (k === chosen && p.plant === 'UNPAID') {
        if (r.chance(0.5)) payLine(k, payId, p.name, p.account, p.holder, fen, false);
        truth(p.id, 'UNPAID', 0, fen);
        continue;
      }
      if (k === chosen && p.plant === 'AMOUNT') {
        const delta = r.pick([-10000, 10000, -50000, 5000, 540000 / 9]);
        fen += delta;
        truth(p.id, 'AMOUNT_MISMATCH', Math.max(0, delta), Math.max(0, -delta));
      }
      if (r.chance(0.01)) payLine(k, payId, p.name, p.account, p.holder, fen, false); // failed, then re-issued
      payLine(k, payId, p.name, p.account, p.holder, fen);
      if (k === chosen && p.plant === 'DUPLICATE_PAID') {
        payLine(k, payId, p.name, bankCard(r), p.name, fen);
        truth(p.id, 'DUPLICATE_PAID', fen);
      }
      if ((p.plant === 'DECEASED_RECORD' || p.plant === 'DECEASED_HUKOU') && p.death!.date < per.first) deceasedOver += fen;
      if (p.plant === 'REMOVED_PAID' && p.removalDate <= per.first) notEligibleOver += fen;
      if (p.plant === 'TERM_ENDED_PAID' && p.supportEnd < per.first) notEligibleOver += fen;
    }
    if (deceasedOver) truth(p.id, 'DECEASED_PAID', deceasedOver);
    if (notEligibleOver) truth(p.id, 'NOT_ELIGIBLE_PAID', notEligibleOver);
    if (p.plant === 'INVALID_ID') {
      truth(p.rosterId, 'INVALID_ID');
      truth(p.rosterId, 'NOT_IN_HUKOU');
    }
    if (p.plant === 'NAME') truth(p.id, 'ID_NAME_MISMATCH');
    if (p.plant === 'NOT_IN_HUKOU') truth(p.id, 'NOT_IN_HUKOU');
    if (p.plant === 'CANCELLED' || p.plant === 'DECEASED_HUKOU') truth(p.id, 'HUKOU_CANCELLED');
    if (p.death && !p.death.viaHukou) deaths.line([p.name, r.chance(0.05) ? p.rosterId : p.id, p.death.date, p.death.source ?? '']);
    if (p.hukou) {
      const region = r.chance(0.5) ? p.villageCode : countyCode;
      hukouLine(p.id, p.hukouName, p.sex, p.birth, region, p.hukou.status, p.hukou.date);
    }
  }

  /** Someone paid who is not on the roster. */
  function stranger(): void {
    const sex = r.chance(0.5) ? '男' : '女';
    const birth = birthDate(r, 1940, 1990);
    const id = ids.allocate(countyCode, birth, sex);
    const name = surname(r) + givenName(r, sex);
    let over = 0;
    const account = bankCard(r);
    for (let k = 0; k < periods.length; k++) {
      if (!r.chance(0.6) && !(k === periods.length - 1 && over === 0)) continue;
      const fen = (60000 * periods[k].months.length) / 12;
      payLine(k, id, name, account, name, fen);
      over += fen;
    }
    truth(id, 'NOT_ELIGIBLE_PAID', over);
    hukouLine(id, name, sex, birth, countyCode, '正常', '');
  }

  // the rest of the hukou extract: people of this and neighbouring counties not on the roster
  const regions = [countyCode, ...[1, 2, 3, 4, 5].map((i) => String(+countyCode + i * 2))];
  const hukouTarget = o.hukouRows ?? o.persons * 5;
  while (hukou.rows < hukouTarget) {
    const sex = r.chance(0.5) ? '男' : '女';
    const birth = birthDate(r, 1930, 2020);
    const region = regions[r.int(0, regions.length - 1)];
    const id = ids.allocate(region, birth, sex);
    const x = r.next();
    const status = x < 0.93 ? '正常' : x < 0.97 ? '死亡注销' : '迁出注销';
    hukouLine(
      id,
      surname(r) + givenName(r, sex),
      sex,
      birth,
      region === countyCode && r.chance(0.5) ? `${region}${r.int(100, 130)}${String(r.int(1, 400)).padStart(3, '0')}` : region,
      status,
      status === '正常' ? '' : birthDate(r, 2000, years[years.length - 1]),
    );
  }
  // the rest of the death records: people not on the roster and never paid
  const deathTarget = o.deaths ?? Math.floor(o.persons / 4);
  while (deaths.rows < deathTarget) {
    const sex = r.chance(0.5) ? '男' : '女';
    const birth = birthDate(r, 1925, 1990);
    const id = ids.allocate(regions[r.int(1, regions.length - 1)], birth, sex);
    deaths.line([surname(r) + givenName(r, sex), id, addDays(birthDate(r, 2010, years[years.length - 1]), 0), ['民政', '卫健', '公安', '殡葬'][r.int(0, 3)]]);
  }
  for (const w of [roster, pay, deaths, hukou, truthW]) w.close();
  return {
    files,
    persons,
    rosterRows: roster.rows,
    paymentRows: pay.rows,
    deathRows: deaths.rows,
    hukouRows: hukou.rows,
    truth: { byCode, overFen, underFen },
  };
}
