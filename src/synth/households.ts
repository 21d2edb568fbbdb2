// Synthetic households of a resettlement county: consistent ages and relationships, valid IDs,
// 现状人口 / 原迁人口 with matching dates, shared household accounts, some removals — and, when
// asked, planted problems of every cross-check code (see `Plant`).
import { addDays, isoOf, type IsoDate } from '../shared/dates.ts';
import { checkDigit } from '../shared/idnumber.ts';
import { entitlementFor, DEFAULT_SETTINGS, defaultSupportEnd } from '../shared/entitlement.ts';
import { parsePeriod, type Period } from '../shared/periods.ts';
import { Rng } from './prng.ts';
import { BANKS, HOMOPHONES, IdAllocator, bankCard, birthDate, givenName, phone, placeName, surname, to15 } from './people.ts';

/** Problems the generator can plant on a roster person (each maps to one or two finding codes). */
export type Plant =
  | 'DECEASED_RECORD'
  | 'DECEASED_HUKOU'
  | 'DUPLICATE_PAID'
  | 'REMOVED_PAID'
  | 'TERM_ENDED_PAID'
  | 'AMOUNT'
  | 'UNPAID'
  | 'INVALID_ID'
  | 'NAME'
  | 'NOT_IN_HUKOU'
  | 'CANCELLED'
  | 'DUP_REGISTRY';
export const PLANTS: readonly Plant[] = [
  'DECEASED_RECORD',
  'DECEASED_HUKOU',
  'DUPLICATE_PAID',
  'REMOVED_PAID',
  'TERM_ENDED_PAID',
  'AMOUNT',
  'UNPAID',
  'INVALID_ID',
  'NAME',
  'NOT_IN_HUKOU',
  'CANCELLED',
  'DUP_REGISTRY',
];

export interface SynthPerson {
  /** the true (valid, 18-digit) ID */
  id: string;
  /** the ID as the roster writes it (15-digit, lower-case x, or a planted invalid one) */
  rosterId: string;
  name: string;
  sex: '男' | '女';
  birth: IsoDate;
  relation: string;
  householdNo: string;
  villageCode: string;
  township: string;
  village: string;
  group: string;
  category: '现状人口' | '原迁人口';
  reservoir: string;
  moveDate: IsoDate;
  supportStart: IsoDate;
  /** '' = default term */
  supportEnd: IsoDate | '';
  status: '正常' | '已核减';
  removalDate: IsoDate | '';
  removalReason: string;
  account: string;
  bank: string;
  holder: string;
  phone: string;
  /** a death that a death record / hukou knows about (clean or planted) */
  death?: { date: IsoDate; source: string | null; viaHukou: boolean };
  plant?: Plant;
  /** name the hukou extract gives (differs when NAME is planted) */
  hukouName: string;
  /** hukou status row; null = absent from the extract */
  hukou: { status: '正常' | '死亡注销' | '迁出注销' | '其他注销'; date: IsoDate | '' } | null;
  /** a second roster row in another household (DUP_REGISTRY) */
  duplicateRow?: boolean;
}

export interface HouseholdOptions {
  seed: number | string;
  countyCode: string;
  /** checked years (annual periods); planting needs them to pick periods */
  years: number[];
  /** share of regular persons given a planted problem (0 = clean roster) */
  plantRate: number;
  /**
   * The roster as a working county keeps it on this date (the demo county): several townships of
   * a few villages each, most people 原迁人口 whose 20-year terms run past this date, terms that
   * ended before it already removed (核减, 其他, the day after the term), removals and deaths after
   * the support started, no 户主 removed, no account left on a dead person, and a handful of the
   * slips a real roster has (a mistyped phone, a member without an account).
   */
  asOf?: IsoDate;
}

const RESERVOIRS = ['湖杉水库', '源莲水库', '青山水库', '白沙水库', '龙潭水库'];
const REMOVAL_REASONS = ['农转非', '财政供养', '服刑', '迁出'];
const SOURCES = ['民政', '卫健', '公安', '殡葬'];

/** Endless stream of households with the persons' full synthetic facts. */
export function* households(opts: HouseholdOptions, ids = new IdAllocator()): Generator<SynthPerson[]> {
  const r = new Rng(opts.seed);
  const { countyCode } = opts;
  const periods = opts.years.map((y) => parsePeriod(String(y))!);
  const firstYear = opts.years[0],
    lastYear = opts.years[opts.years.length - 1];
  let townshipNo = 100,
    villageNo = 0,
    householdSeq = 0,
    villageLeft = 0;
  let village = { code: '', township: '', name: '' };
  let pendingDup: SynthPerson | null = null;
  const asOf = opts.asOf;
  // the working-county draws come from their own stream: the default rosters stay as they were
  const w = asOf ? new Rng(`${opts.seed}/working`) : null;
  let villagesInTownship = w ? w.int(2, 4) : 400;
  const townshipNames = new Map<number, string>();
  for (;;) {
    if (villageLeft <= 0) {
      villageNo++;
      if (villageNo > villagesInTownship) {
        villageNo = 1;
        townshipNo++;
        if (w) villagesInTownship = w.int(2, 4);
      }
      const township = w ? townshipName(w, townshipNo, townshipNames) : placeName(new Rng(`${opts.seed}/t${townshipNo}`), '镇');
      village = { code: `${countyCode}${townshipNo}${String(villageNo).padStart(3, '0')}`, township, name: placeName(r, '村') };
      villageLeft = r.int(60, 160);
      if (w) villageLeft = w.int(20, 45);
      householdSeq = 0;
    }
    villageLeft--;
    householdSeq++;
    const householdNo = village.code + String(householdSeq).padStart(4, '0');
    let category: '现状人口' | '原迁人口' = r.chance(0.75) ? '现状人口' : '原迁人口';
    let moveDate = category === '现状人口' ? birthDate(r, 1958, 2005) : birthDate(r, 2007, 2018);
    if (w && asOf) {
      category = w.chance(0.3) ? '现状人口' : '原迁人口';
      moveDate = category === '现状人口' ? birthDate(w, 1958, 2005) : birthDate(w, 2007, Math.max(2008, +asOf.slice(0, 4) - 2));
    }
    const start = category === '现状人口' ? '2006-07-01' : firstOfNextMonth(moveDate);
    const account = bankCard(r),
      bank = r.pick(BANKS);
    const group = `${r.int(1, 12)}组`,
      reservoir = r.pick(RESERVOIRS);
    const headSex: '男' | '女' = r.chance(0.85) ? '男' : '女';
    const headBirth = birthDate(r, 1936, 1978);
    const sur = surname(r);
    const members: { relation: string; sex: '男' | '女'; birth: IsoDate; sur: string }[] = [{ relation: '户主', sex: headSex, birth: headBirth, sur }];
    const hy = +headBirth.slice(0, 4);
    if (r.chance(0.8))
      members.push({ relation: '配偶', sex: headSex === '男' ? '女' : '男', birth: birthDate(r, hy - 4, Math.min(hy + 5, 1985)), sur: surname(r) });
    const startYear = +start.slice(0, 4);
    const kids = r.int(0, 3);
    for (let k = 0; k < kids && hy + 20 < startYear; k++) {
      const sex: '男' | '女' = r.chance(0.5) ? '男' : '女';
      members.push({ relation: sex === '男' ? '子' : '女', sex, birth: birthDate(r, hy + 20, Math.min(hy + 38, startYear - 1)), sur });
    }
    if (members.some((m) => m.relation === '子') && hy + 45 < startYear && r.chance(0.5)) {
      members.push({ relation: '儿媳', sex: '女', birth: birthDate(r, hy + 20, Math.min(hy + 38, startYear - 1)), sur: surname(r) });
      if (r.chance(0.6)) {
        const sex: '男' | '女' = r.chance(0.5) ? '男' : '女';
        members.push({ relation: sex === '男' ? '孙子' : '孙女', sex, birth: birthDate(r, hy + 42, Math.min(hy + 60, startYear - 1)), sur });
      }
    }
    if (hy >= 1960 && r.chance(0.3)) {
      const father = r.chance(0.5);
      members.push({
        relation: father ? '父亲' : '母亲',
        sex: father ? '男' : '女',
        birth: birthDate(r, Math.max(1925, hy - 35), hy - 20),
        sur: father ? sur : surname(r),
      });
    }

    let headName = '';
    const out: SynthPerson[] = [];
    for (const m of members) {
      const name = m.sur + givenName(r, m.sex);
      if (m.relation === '户主') headName = name;
      const id = ids.allocate(countyCode, m.birth, m.sex);
      const p: SynthPerson = {
        id,
        rosterId: id,
        name,
        sex: m.sex,
        birth: m.birth,
        relation: m.relation,
        householdNo,
        villageCode: village.code,
        township: village.township,
        village: village.name,
        group,
        category,
        reservoir,
        moveDate,
        supportStart: start,
        supportEnd: '',
        status: '正常',
        removalDate: '',
        removalReason: '',
        account,
        bank,
        holder: '',
        phone: r.chance(0.7) ? phone(r) : '',
        hukouName: name,
        hukou: { status: '正常', date: '' },
      };
      out.push(p);
      // realistic, clean variety
      const x = r.next();
      if (w && m.relation === '户主') {
        /* a working county changes the head before removing one */
      } else if (x < 0.02) {
        // removed before the checked years
        p.status = '已核减';
        p.removalDate = birthDate(r, 2008, firstYear - 1);
        p.removalReason = r.chance(0.4) ? '死亡' : r.pick(REMOVAL_REASONS);
        if (p.removalReason === '死亡') {
          const d = addDays(p.removalDate, -r.int(5, 90));
          p.death = { date: d, source: r.pick(SOURCES), viaHukou: false };
          p.hukou = { status: '死亡注销', date: d };
        } else if (p.removalReason === '迁出') p.hukou = r.chance(0.5) ? { status: '迁出注销', date: p.removalDate } : null;
      } else if (x < 0.03) {
        // died during the checked years and was removed properly
        const d = birthDate(r, firstYear, lastYear);
        p.death = { date: d, source: r.pick(SOURCES), viaHukou: false };
        p.status = '已核减';
        p.removalDate = addDays(d, r.int(10, 60));
        p.removalReason = '死亡';
        p.hukou = { status: '死亡注销', date: d };
      } else if (x < 0.04) {
        const legacy = to15(id);
        if (legacy) p.rosterId = legacy;
      } else if (id.endsWith('X') && x < 0.3) p.rosterId = id.toLowerCase();
      if (opts.plantRate > 0 && p.status === '正常' && isRegular(p, periods) && r.chance(opts.plantRate)) plant(p, r, firstYear, lastYear);
      if (w && asOf) asKept(p, w, asOf);
    }
    // 一户一卡: the head holds the household's card; a demo member whose account is closed holds none
    for (const p of out) if (!w || p.account) p.holder = headName;
    if (pendingDup) {
      out.push({
        ...pendingDup,
        householdNo,
        villageCode: village.code,
        township: village.township,
        village: village.name,
        relation: '其他',
        group,
        account,
        holder: headName,
        duplicateRow: true,
      });
      pendingDup = null;
    }
    const dup = out.find((p) => p.plant === 'DUP_REGISTRY' && !p.duplicateRow);
    if (dup) pendingDup = dup;
    yield out;
  }
}

/** A person as a working county keeps them on `asOf` (see HouseholdOptions.asOf). */
function asKept(p: SynthPerson, w: Rng, asOf: IsoDate): void {
  if (p.status === '已核减') {
    // nobody is removed before their support started, or after today
    if (p.removalDate <= p.supportStart || p.removalDate > asOf) {
      const latest = Math.max(1, Math.min(700, daysBetween(p.supportStart, asOf) - 1));
      p.removalDate = addDays(p.supportStart, w.int(1, latest));
      if (p.death) {
        const d = addDays(p.removalDate, -w.int(5, 30));
        p.death = { ...p.death, date: d > p.supportStart ? d : p.removalDate };
        if (p.hukou?.status === '死亡注销') p.hukou = { status: '死亡注销', date: p.death.date };
      }
    }
    if (p.removalReason === '死亡') closeAccount(p); // the account of the dead is closed
    return;
  }
  const end = defaultSupportEnd(p.supportStart);
  if (end < asOf) {
    // the term ended: removed the day after
    p.status = '已核减';
    p.removalDate = addDays(end, 1);
    p.removalReason = '其他';
    return;
  }
  if (p.phone && w.chance(0.004)) p.phone = p.phone.slice(0, 10); // a digit lost when typing
  if (p.relation !== '户主' && w.chance(0.003)) closeAccount(p); // a member not yet given a card
}

/** No account means no bank and no holder either: a roster row never names the bank of a card it lacks. */
function closeAccount(p: { account: string; bank: string; holder: string }): void {
  p.account = '';
  p.bank = '';
  p.holder = '';
}

/** One name per township, two different characters, not taken by another township. */
function townshipName(w: Rng, no: number, names: Map<number, string>): string {
  let name = names.get(no);
  while (!name) {
    const t = placeName(w, '镇');
    if (t[0] !== t[1] && ![...names.values()].includes(t)) name = t;
  }
  names.set(no, name);
  return name;
}

function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
}

function firstOfNextMonth(d: IsoDate): IsoDate {
  const y = +d.slice(0, 4),
    m = +d.slice(5, 7);
  return m === 12 ? isoOf(y + 1, 1, 1) : isoOf(y, m + 1, 1);
}

/** Entitled to the full standard in every checked period (so planted amounts are simple). */
function isRegular(p: SynthPerson, periods: Period[]): boolean {
  return periods.every(
    (per) => entitlementFor(per, { supportStart: p.supportStart, supportEnd: null }).fen === (DEFAULT_SETTINGS.standardFen * per.months.length) / 12,
  );
}

function plant(p: SynthPerson, r: Rng, firstYear: number, lastYear: number): void {
  const kind = r.pick(PLANTS);
  p.plant = kind;
  switch (kind) {
    case 'DECEASED_RECORD':
      p.death = { date: birthDate(r, firstYear - 1, lastYear - 1), source: r.pick(SOURCES), viaHukou: false };
      break;
    case 'DECEASED_HUKOU': {
      const d = birthDate(r, firstYear - 1, lastYear - 1);
      p.death = { date: d, source: null, viaHukou: true };
      p.hukou = { status: '死亡注销', date: d };
      break;
    }
    case 'REMOVED_PAID':
      p.status = '已核减';
      p.removalDate = addDays(birthDate(r, firstYear, lastYear - 1), 0);
      if (p.removalDate.endsWith('-01-01')) p.removalDate = p.removalDate.slice(0, 5) + '01-02';
      p.removalReason = r.pick(REMOVAL_REASONS);
      break;
    case 'TERM_ENDED_PAID':
      p.supportEnd = `${r.int(firstYear, lastYear - 1)}-12-31`;
      break;
    case 'INVALID_ID': {
      const right = p.id[17];
      const wrong = '0123456789X'.replace(right, '')[r.int(0, 9)];
      p.rosterId = p.id.slice(0, 17) + wrong;
      break;
    }
    case 'NAME': {
      const given = [...p.name.slice(1)];
      const x = r.next();
      const i = given.length - 1;
      if (x < 0.6 && HOMOPHONES[given[i]]) given[i] = HOMOPHONES[given[i]];
      else if (x < 0.8) given[i] = given[i] === '明' ? '亮' : '明';
      else {
        p.hukouName = (p.name[0] === '欧' ? '王' : '欧阳') + givenName(r, p.sex) + '子';
        return;
      }
      p.hukouName = p.name[0] + given.join('');
      break;
    }
    case 'NOT_IN_HUKOU':
      p.hukou = null;
      break;
    case 'CANCELLED': {
      const x = r.next();
      p.hukou =
        x < 0.5 ? { status: '迁出注销', date: birthDate(r, 2015, lastYear) } : x < 0.75 ? { status: '其他注销', date: '' } : { status: '死亡注销', date: '' };
      break;
    }
    default:
      break; // payment plants are applied by the county generator
  }
}

/** The ID with a check digit recomputed (used by tests). */
export function validForm(first17: string): string {
  return first17 + checkDigit(first17);
}
