// Generated rosters for tests and benchmarks: clean households (valid IDs, consistent dates,
// plausible relationships, Luhn-valid accounts) with FORMATS §7 problems planted at known
// places. `expected` lists every (rule, person) hit the planted problems must cause; the
// clean part must cause none. Also plants look-alikes that must NOT be flagged (boundaries,
// 15-digit and lower-case IDs, padded IDs, removed heads, accounts shared within a household).
import { addDays, addYears, wholeYearsBetween, type IsoDate } from '../shared/dates.ts';
import { birthDateFromId, checkDigit, isValidId, normalizeId, sexFromId } from '../shared/idnumber.ts';
import { emptyPerson } from './roster-file.ts';
import type { RosterPerson } from './types.ts';
import { luhnCheckDigit } from '../shared/luhn.ts';

export interface SynthOptions {
  persons: number;
  seed?: number;
  asOf?: IsoDate;
  /** share of households that get a planted problem (default 0.02) */
  plantRate?: number;
  counties?: string[];
}

export interface SynthRoster {
  persons: RosterPerson[];
  asOf: IsoDate;
  /** `${code}:${personIndex}` for every hit the plants must cause */
  expected: Set<string>;
  /** planted problems per rule code */
  planted: Map<string, number>;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '明华建国伟芳军秀英丽强敏静磊洋艳勇杰娟涛超霞平刚桂兰红春梅云玉珍凤文辉斌宇浩琴燕飞鹏志海林波';

export function makeSynthRoster(o: SynthOptions): SynthRoster {
  const rand = rng(o.seed ?? 1);
  const asOf = o.asOf ?? '2024-12-31';
  const counties = o.counties ?? ['430582', '430602'];
  const plantRate = o.plantRate ?? 0.02;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const persons: RosterPerson[] = [];
  const expected = new Set<string>();
  const planted = new Map<string, number>();
  const ids = new Set<string>();
  const hhs: Hh[] = [];
  /** Reserve an ID text (planted invalid IDs must not collide: that would be an unplanned DUP_ID). */
  const claim = (id: string) => {
    if (ids.has(id)) return false;
    ids.add(id);
    return true;
  };
  const dupGroups = new Map<string, RosterPerson[]>();
  const sharedUsers = new Map<string, RosterPerson[]>();
  let accountSeq = 0;
  let hhSeq = 0;

  const name = () => pick([...SURNAMES]) + pick([...GIVEN]) + (rand() < 0.6 ? pick([...GIVEN]) : '');
  const dateIn = (from: IsoDate, to: IsoDate): IsoDate => {
    const a = Date.parse(from),
      b = Date.parse(to);
    return new Date(a + Math.floor(rand() * ((b - a) / 86400000 + 1)) * 86400000).toISOString().slice(0, 10);
  };
  /** A new unique valid 18-digit ID. */
  function newId(county: string, birth: IsoDate, sex: '男' | '女'): string {
    for (;;) {
      const seq = int(0, 99) * 10 + (sex === '男' ? pick([1, 3, 5, 7, 9]) : pick([0, 2, 4, 6, 8]));
      const first17 = county + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
      const id = first17 + checkDigit(first17);
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  }
  function account(): string {
    const body = '621700' + String(++accountSeq).padStart(12, '0');
    return body + luhnCheckDigit(body);
  }
  const formats = [
    (d: IsoDate) => d,
    (d: IsoDate) => d,
    (d: IsoDate) => d,
    (d: IsoDate) => d.replace(/-/g, ''),
    (d: IsoDate) => `${+d.slice(0, 4)}/${+d.slice(5, 7)}/${+d.slice(8, 10)}`,
    (d: IsoDate) => `${+d.slice(0, 4)}年${+d.slice(5, 7)}月${+d.slice(8, 10)}日`,
  ];
  const writeDate = (d: IsoDate) => pick(formats)(d);

  interface Hh {
    no: string;
    village: string;
    county: string;
    members: RosterPerson[];
    headBirth: IsoDate;
    headSex: '男' | '女';
    category: string;
    move: IsoDate;
    start: IsoDate;
  }

  function member(h: Hh, relation: string, birth: IsoDate, sex: '男' | '女', opts: { fillSex?: boolean; fillBirth?: boolean } = {}): RosterPerson {
    const p = emptyPerson(persons.length);
    const id = newId(h.county, birth, sex);
    p.householdNo = h.no;
    p.name = name();
    p.idRaw = id;
    p.relation = relation;
    p.villageCode = h.village;
    p.sex = (opts.fillSex ?? rand() < 0.85) ? sex : '';
    p.birthDate = (opts.fillBirth ?? rand() < 0.85) ? writeDate(birth) : '';
    p.township = '竹田镇';
    p.village = '茶雁村';
    p.group = `${int(1, 12)}组`;
    p.category = h.category;
    p.reservoir = '湖杉水库';
    p.moveDate = h.move;
    p.supportStart = writeDate(h.start);
    p.status = '正常';
    const r = rand();
    if (r < 0.3) p.supportEnd = addDays(addYears(h.start, 20), -1);
    else if (r < 0.35) p.supportEnd = addDays(h.start, int(0, 5000));
    p.account = rand() < 0.3 && h.members.length ? h.members[0].account : account();
    p.bank = '中国建设银行';
    p.holder = p.name;
    p.phone = rand() < 0.7 ? '1' + int(3, 9) + String(int(0, 999999999)).padStart(9, '0') : '';
    // legacy 15-digit, lower-case x and padded IDs are fine (never a problem)
    const s = rand();
    if (s < 0.05 && birth < '2000-01-01') p.idRaw = id.slice(0, 6) + id.slice(8, 17);
    else if (s < 0.1 && id.endsWith('X')) p.idRaw = id.slice(0, 17) + 'x';
    else if (s < 0.12) p.idRaw = ` ${id} `;
    persons.push(p);
    h.members.push(p);
    return p;
  }

  function household(county = pick(counties)): Hh {
    const village = county + String(int(100, 130)) + String(int(200, 260));
    const no = village + String(++hhSeq).padStart(hhSeq < 10000 ? 4 : 7, '0');
    const current = rand() < 0.8;
    const move = current ? dateIn('1960-01-01', '2006-06-30') : dateIn('2006-07-01', '2020-12-31');
    const start = current ? '2006-07-01' : move;
    const headBirth = dateIn('1942-01-01', '1975-12-31');
    const headSex = rand() < 0.8 ? '男' : '女';
    // household numbers are unique: the sequence part makes village+seq unique per run
    const h: Hh = { no, village, county, members: [], headBirth, headSex, category: current ? '现状人口' : '原迁人口', move, start };
    hhs.push(h);
    const head = member(h, '户主', headBirth, headSex);
    if (rand() < 0.03) {
      head.status = '已核减';
      head.removalDate = dateIn(h.start, asOf);
      head.removalReason = pick(['死亡', '迁出', '农转非']);
    }
    if (rand() < 0.85) member(h, '配偶', dateIn(addYears(headBirth, -5), addYears(headBirth, 5)), headSex === '男' ? '女' : '男');
    const kids = int(0, 3);
    for (let i = 0; i < kids; i++) {
      const b = dateIn(addYears(headBirth, 20), minDate(addYears(headBirth, 35), '2006-06-30'));
      const sex = rand() < 0.5 ? '男' : '女';
      member(h, sex === '男' ? '子' : '女', b, sex);
    }
    if (headBirth < '1955-01-01' && rand() < 0.3) {
      const sex = rand() < 0.5 ? '男' : '女';
      member(h, sex === '男' ? '孙子' : '孙女', dateIn(addYears(headBirth, 40), minDate(addYears(headBirth, 50), '2006-06-30')), sex);
    }
    if (headBirth > '1950-01-01' && rand() < 0.2) {
      const sex = rand() < 0.5 ? '男' : '女';
      member(h, sex === '男' ? '父亲' : '母亲', dateIn(addYears(headBirth, -30), addYears(headBirth, -20)), sex);
    }
    if (rand() < 0.1) member(h, '兄弟姐妹', dateIn(addYears(headBirth, -8), addYears(headBirth, 8)), rand() < 0.5 ? '男' : '女');
    for (const m of h.members) {
      if (m !== head && rand() < 0.02) {
        m.status = '已核减';
        m.removalDate = dateIn(h.start, asOf);
        m.removalReason = pick(['死亡', '迁出', '农转非', '财政供养']);
      }
    }
    return h;
  }

  const expect = (code: string, ...ps: RosterPerson[]) => {
    for (const p of ps) expected.add(`${code}:${p.index}`);
    planted.set(code, (planted.get(code) ?? 0) + 1);
  };
  /** A new 其他 member with the sex and birth date columns filled and the ID in its 18-digit form. */
  const other = (h: Hh, birth?: IsoDate, sex?: '男' | '女') => {
    const p = member(h, '其他', birth ?? dateIn(addYears(h.headBirth, -5), addYears(h.headBirth, 5)), sex ?? (rand() < 0.5 ? '男' : '女'), {
      fillSex: true,
      fillBirth: true,
    });
    p.idRaw = normalizeId(p.idRaw);
    return p;
  };
  const byRel = (h: Hh, rels: string[]) => h.members.find((m) => rels.includes(m.relation));
  const birthOf = (p: RosterPerson) => {
    const id = p.idRaw.trim();
    const s = id.length === 15 ? '19' + id.slice(6, 12) : id.slice(6, 14);
    return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  };
  function rebirth(h: Hh, p: RosterPerson, birth: IsoDate, sex?: '男' | '女') {
    ids.delete(p.idRaw.trim());
    const s =
      sex ??
      (p.relation === '子' || p.relation === '孙子' || p.relation === '父亲'
        ? '男'
        : p.relation === '女' || p.relation === '孙女' || p.relation === '母亲'
          ? '女'
          : rand() < 0.5
            ? '男'
            : '女');
    p.idRaw = newId(h.county, birth, s);
    p.birthDate = birth;
    p.sex = s;
  }

  /** A one-person household whose head is born on `birth` (原迁人口, moved and supported after birth). */
  function minorHead(birth: IsoDate) {
    const county = pick(counties);
    const village = county + String(int(100, 130)) + String(int(200, 260));
    const move = addDays(birth, 10);
    const h: Hh = {
      no: village + String(++hhSeq).padStart(hhSeq < 10000 ? 4 : 7, '0'),
      village,
      county,
      members: [],
      headBirth: birth,
      headSex: '女',
      category: '原迁人口',
      move,
      start: move,
    };
    const head = member(h, '户主', birth, '女');
    head.supportEnd = '';
    if (wholeYearsBetween(birth, asOf) < 16) expect('MINOR_HEAD', head);
  }

  const plants: ((h: Hh) => boolean)[] = [
    (h) => {
      const p = other(h);
      const id = p.idRaw.trim();
      if (!claim(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'))) return false;
      p.idRaw = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
      expect('ID_INVALID', p);
      return true;
    },
    (h) => {
      const p = other(h);
      if (!claim(p.idRaw.trim().slice(0, 17))) return false;
      p.idRaw = p.idRaw.trim().slice(0, 17);
      expect('ID_INVALID', p);
      return true;
    },
    (h) => {
      const p = other(h);
      const id = p.idRaw.trim();
      const bad = id.slice(0, 10) + '13' + id.slice(12);
      if (!claim(bad)) return false;
      p.idRaw = bad;
      expect('ID_INVALID', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.sex = p.sex === '男' ? '女' : '男';
      expect('ID_SEX_MISMATCH', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.birthDate = addDays(birthOf(p), -int(1, 300));
      expect('ID_BIRTH_MISMATCH', p);
      return true;
    },
    (h) => {
      const src = persons[int(0, persons.length - 1)];
      if (src.householdNo === h.no || !isValidId(src.idRaw, asOf)) return false;
      const p = other(h);
      ids.delete(p.idRaw.trim());
      const id = src.idRaw.trim();
      p.idRaw = rand() < 0.5 ? id.toLowerCase() : normalizeId(id);
      p.sex = sexFromId(id) ?? '';
      p.birthDate = birthDateFromId(id) ?? '';
      p.category = src.category;
      p.moveDate = src.moveDate;
      p.supportStart = src.supportStart;
      p.supportEnd = src.supportEnd;
      const norm = normalizeId(id);
      const group = dupGroups.get(norm) ?? [src];
      group.push(p);
      dupGroups.set(norm, group);
      expect('DUP_ID', ...group);
      return true;
    },
    (h) => {
      const head = h.members[0];
      head.relation = '其他';
      expect('HOUSEHOLD_NO_HEAD', ...h.members);
      return true;
    },
    (h) => {
      const sp = byRel(h, ['配偶']);
      if (!sp || sp.status !== '正常') return false;
      sp.relation = '户主';
      expect('HOUSEHOLD_MULTI_HEAD', ...h.members);
      return true;
    },
    (h) => {
      const sp = byRel(h, ['配偶']);
      if (!sp) return false;
      rebirth(h, sp, birthOf(sp), h.headSex);
      expect('SPOUSE_SAME_SEX', sp);
      return true;
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c) return false;
      rebirth(h, c, addDays(addYears(h.headBirth, 15), -1));
      expect('CHILD_AGE_GAP', c);
      return true;
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c || h.headBirth.endsWith('02-29')) return false;
      rebirth(h, c, addYears(h.headBirth, 15));
      return true; /* exactly 15: fine */
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c) return false;
      c.relation = c.relation === '子' ? '女婿' : '儿媳';
      rebirth(h, c, addDays(h.headBirth, -int(1, 900)), c.relation === '女婿' ? '男' : '女');
      expect('CHILD_AGE_GAP', c);
      return true;
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c) return false;
      c.relation = c.relation === '子' ? '孙子' : '孙女';
      rebirth(h, c, addYears(h.headBirth, int(16, 29)));
      expect('GRANDCHILD_AGE_GAP', c);
      return true;
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c || h.headBirth.endsWith('02-29')) return false;
      c.relation = c.relation === '子' ? '孙子' : '孙女';
      rebirth(h, c, addYears(h.headBirth, 30));
      return true; /* exactly 30 */
    },
    (h) => {
      const c = byRel(h, ['子', '女']);
      if (!c) return false;
      c.relation = c.relation === '子' ? '父亲' : '母亲';
      expect('PARENT_AGE_GAP', c);
      return true;
    },
    (h) => {
      const p = member(h, '母亲', addDays(addYears(h.headBirth, -15), 1), '女', { fillBirth: true });
      expect('PARENT_AGE_GAP', p);
      return true;
    },
    (h) => {
      if (h.headBirth.endsWith('02-29')) return false;
      member(h, '父亲', addYears(h.headBirth, -15), '男');
      return true; /* exactly 15 older */
    },
    (h) => {
      const p = other(h, addDays(addYears(asOf, -111), -int(0, 1000)));
      expect('AGE_IMPLAUSIBLE', p);
      return true;
    },
    (h) => {
      other(h, addYears(asOf, -110));
      return true; /* exactly 110 */
    },
    (h) => {
      const p = other(h);
      const future = addDays(asOf, int(1, 20000));
      const f17 = h.county + future.replace(/-/g, '') + '123';
      if (!claim(f17 + checkDigit(f17))) return false;
      ids.delete(p.idRaw.trim());
      p.idRaw = f17 + checkDigit(f17);
      p.birthDate = future;
      p.sex = '男';
      expect('AGE_IMPLAUSIBLE', p);
      expect('ID_INVALID', p);
      expect('SUPPORT_BEFORE_BIRTH', p);
      return true;
    },
    () => {
      minorHead(addDays(addYears(asOf, -16), int(1, 3000)));
      return true;
    },
    () => {
      minorHead(addYears(asOf, -16));
      return true; /* exactly 16 */
    },
    (h) => {
      const p = other(h, '2010-05-05');
      p.category = '现状人口';
      p.moveDate = dateIn('1990-01-01', '2006-06-30');
      p.supportStart = '2006-07-01';
      p.supportEnd = '';
      expect('SUPPORT_BEFORE_BIRTH', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.category = '现状人口';
      p.moveDate = dateIn('2006-07-01', '2015-01-01');
      expect('CATEGORY_DATE_CONFLICT', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.category = '原迁人口';
      p.moveDate = dateIn('1970-01-01', '2006-06-30');
      expect('CATEGORY_DATE_CONFLICT', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.category = '现状人口';
      p.moveDate = '2006-06-30';
      return true;
    },
    (h) => {
      const p = other(h);
      p.category = '原迁人口';
      p.moveDate = '2006-07-01';
      p.supportStart = '2006-07-01';
      p.supportEnd = '';
      return true;
    },
    (h) => {
      const p = other(h);
      p.supportEnd = addDays(h.start, -int(1, 2000));
      expect('TERM_INVALID', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.supportEnd = addYears(h.start, 20);
      expect('TERM_INVALID', p);
      return true;
    },
    (h) => {
      const p = other(h);
      p.supportEnd = addDays(addYears(h.start, 20), -1);
      return true;
    },
    (h) => {
      const p = other(h);
      p.status = '已核减';
      p.removalDate = rand() < 0.5 ? '' : dateIn(h.start, asOf);
      p.removalReason = p.removalDate ? '' : pick(['', '迁出']);
      expect('REMOVED_INCOMPLETE', p);
      return true;
    },
    (h) => {
      const p = other(h);
      if (rand() < 0.5) p.removalDate = dateIn(h.start, asOf);
      else p.removalReason = '其他';
      expect('ACTIVE_WITH_REMOVAL', p);
      return true;
    },
    (h) => {
      const dh = pick(hhs);
      const donor = pick(dh.members);
      if (dh === h || !donor.account) return false;
      const users = sharedUsers.get(donor.account) ?? dh.members.filter((x) => x.account === donor.account);
      const victim = h.members[h.members.length - 1];
      victim.account = donor.account;
      victim.holder = donor.holder;
      users.push(victim);
      sharedUsers.set(donor.account, users);
      expect('ACCOUNT_SHARED', ...users);
      return true;
    },
    (h) => {
      const p = other(h);
      p.villageCode = rand() < 0.5 ? h.village.slice(0, 11) : h.village + '3';
      expect('VILLAGE_CODE_INVALID', p);
      return true;
    },
  ];

  while (persons.length < o.persons) {
    const h = household();
    if (rand() < plantRate) {
      for (let tries = 0; tries < 5; tries++) if (pick(plants)(h)) break;
    }
  }
  // a small county (well under 1% of the roster) is outside the default coverage
  const small = Math.max(1, Math.floor(persons.length / 1000));
  const outside = household('431224');
  while (outside.members.length > small) {
    const x = outside.members.pop()!;
    persons.pop();
    ids.delete(x.idRaw.trim());
  }
  expect('VILLAGE_CODE_INVALID', ...outside.members);
  return { persons, asOf, expected, planted };
}

function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

/** The roster as §1 CSV text (UTF-8 with BOM). */
export function synthRosterCsv(persons: readonly RosterPerson[]): string {
  const head =
    '户编号,姓名,身份证号,性别,出生日期,与户主关系,村代码,乡镇,村,组,人口类别,所属水库,搬迁日期,扶持开始日期,扶持截止日期,状态,核减日期,核减原因,银行账号,开户银行,持卡人姓名,联系电话';
  const lines = [head];
  for (const p of persons) {
    lines.push(
      [
        p.householdNo,
        p.name,
        p.idRaw,
        p.sex,
        p.birthDate,
        p.relation,
        p.villageCode,
        p.township,
        p.village,
        p.group,
        p.category,
        p.reservoir,
        p.moveDate,
        p.supportStart,
        p.supportEnd,
        p.status,
        p.removalDate,
        p.removalReason,
        p.account,
        p.bank,
        p.holder,
        p.phone,
      ].join(','),
    );
  }
  return '\ufeff' + lines.join('\n') + '\n';
}
