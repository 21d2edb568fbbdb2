// A generated demo county: households of consistent ages and relationships, valid IDs under a
// real county code, townships, villages and groups, 一卡通 accounts with Luhn-valid numbers,
// phones, 现状人口 / 原迁人口, and a few removals. Loading it goes through the roster import,
// so it is also a real test of that path. Everything is invented; a seed gives the same county.
import type { AppContext } from '../shared/context.ts';
import { checkDigit } from '../shared/idnumber.ts';
import { addDays, addYears, isoOf, daysInMonth, type IsoDate } from '../shared/dates.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../shared/audit.ts';
import { ROSTER_HEADERS, type RosterColumn } from './roster-file.ts';
import { applyRoster, type ImportSummary } from './roster-import.ts';
import { rosterCsv } from './roster-export.ts';

export type RosterRow = Record<RosterColumn, string>;

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[] | string): T => xs[Math.floor(next() * xs.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const SURNAMES = '王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭肖蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔';
const MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志军德福贵生根发春海松山成金';
const FEMALE = '芳娜敏静丽艳娟霞秀英华玲桂兰萍红梅琴云莲珍凤洁雪燕菊月瑶婷慧莉春花翠香';
const PLACE = '茶竹枫桃杨柳石龙凤塘溪岭山湖田坪冲桥湾河口坡源岗铺坊庄塅洲';
const BANKS: [string, string][] = [['中国农业银行', '622848'], ['中国邮政储蓄银行', '621799'], ['中国建设银行', '621700'], ['农村商业银行', '623190']];
const RESERVOIRS = ['湖杉水库', '石门水库', '柘溪水库', '双牌水库'];
const REMOVALS: [string, number][] = [['死亡', 0.6], ['迁出', 0.15], ['农转非', 0.1], ['财政供养', 0.05], ['服刑', 0.05], ['其他', 0.05]];

const personName = (r: Rng, surname: string, sex: '男' | '女') =>
  surname + (r.chance(0.35) ? '' : r.pick<string>(sex === '男' ? MALE : FEMALE)) + r.pick<string>(sex === '男' ? MALE : FEMALE);

/** Luhn check digit appended to a card number prefix. */
export function luhnComplete(prefix: string): string {
  let sum = 0;
  for (let i = 0; i < prefix.length; i++) {
    let d = prefix.charCodeAt(prefix.length - 1 - i) - 48;
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return prefix + ((10 - (sum % 10)) % 10);
}

export interface GenerateOptions { persons: number; seed?: number; countyCode?: string }

/** Rows in FORMATS.md §1 form, about `persons` of them (whole households). */
export function generateDemoRoster(opts: GenerateOptions): RosterRow[] {
  const r = rng(opts.seed ?? 1);
  const county = opts.countyCode ?? '430582';
  const rows: RosterRow[] = [];
  const usedIds = new Set<string>();
  const seqByBirth = new Map<string, number>();
  const villagesPerTownship = 12;
  const perVillage = 250;
  const nVillages = Math.max(1, Math.ceil(opts.persons / perVillage));
  const villages: { code: string; township: string; name: string }[] = [];
  for (let v = 0; v < nVillages; v++) {
    const t = Math.floor(v / villagesPerTownship);
    const tCode = String(100 + t * 2).padStart(3, '0');
    const township = PLACE[(t * 7) % PLACE.length] + PLACE[(t * 3 + 5) % PLACE.length] + (t % 3 === 2 ? '乡' : '镇');
    villages.push({ code: `${county}${tCode}${String(200 + (v % villagesPerTownship) + 1)}`, township, name: r.pick<string>(PLACE) + r.pick<string>(PLACE) + '村' });
  }
  const idFor = (birth: IsoDate, sex: '男' | '女'): string => {
    const ymd = birth.replaceAll('-', '');
    for (;;) {
      let n = (seqByBirth.get(ymd) ?? r.int(0, 400)) + 1;
      if ((n % 2 === 1) !== (sex === '男')) n++;
      seqByBirth.set(ymd, n);
      const first17 = county + ymd + String(n % 1000).padStart(3, '0');
      const id = first17 + checkDigit(first17);
      if (!usedIds.has(id)) { usedIds.add(id); return id; }
    }
  };
  const birthIn = (year: number): IsoDate => { const m = r.int(1, 12); return isoOf(year, m, r.int(1, daysInMonth(year, m))); };
  let hhSeq = 0;
  while (rows.length < opts.persons) {
    const village = villages[Math.min(villages.length - 1, Math.floor(rows.length / perVillage))];
    hhSeq++;
    const householdNo = `${village.code}${String(hhSeq % 10000).padStart(4, '0')}`;
    const group = `${r.int(1, 12)}组`;
    const moved = r.chance(0.85) ? isoOf(r.int(1958, 2005), r.int(1, 12), r.int(1, 28)) : isoOf(r.int(2007, 2016), r.int(1, 12), r.int(1, 28));
    const category = moved <= '2006-06-30' ? '现状人口' : '原迁人口';
    const start = category === '现状人口' ? '2006-07-01' : isoOf(+moved.slice(0, 4), +moved.slice(5, 7), 1);
    const surname = r.pick([...SURNAMES]);
    const headSex: '男' | '女' = r.chance(0.88) ? '男' : '女';
    const headYear = r.int(1940, 1980);
    const members: { name: string; sex: '男' | '女'; birth: IsoDate; relation: string }[] = [];
    members.push({ name: personName(r, surname, headSex), sex: headSex, birth: birthIn(headYear), relation: '户主' });
    if (r.chance(0.8)) {
      const s: '男' | '女' = headSex === '男' ? '女' : '男';
      members.push({ name: personName(r, r.pick([...SURNAMES]), s), sex: s, birth: birthIn(headYear + r.int(-3, 5)), relation: '配偶' });
    }
    const nChildren = r.int(0, 3);
    for (let c = 0; c < nChildren; c++) {
      const y = Math.min(2005, headYear + r.int(20, 34));
      if (y - headYear < 18) continue;
      const s: '男' | '女' = r.chance(0.5) ? '男' : '女';
      members.push({ name: personName(r, surname, s), sex: s, birth: birthIn(y), relation: s === '男' ? '子' : '女' });
      if (s === '男' && y <= 1980 && r.chance(0.4)) {
        members.push({ name: personName(r, r.pick([...SURNAMES]), '女'), sex: '女', birth: birthIn(y + r.int(-2, 3)), relation: '儿媳' });
        const gy = Math.min(2005, y + r.int(20, 28));
        if (gy - headYear >= 40) { const gs: '男' | '女' = r.chance(0.5) ? '男' : '女'; members.push({ name: personName(r, surname, gs), sex: gs, birth: birthIn(gy), relation: gs === '男' ? '孙子' : '孙女' }); }
      }
    }
    if (headYear >= 1965 && r.chance(0.25)) {
      const ps: '男' | '女' = r.chance(0.5) ? '男' : '女';
      members.push({ name: personName(r, ps === '男' ? surname : r.pick([...SURNAMES]), ps), sex: ps, birth: birthIn(headYear - r.int(22, 32)), relation: ps === '男' ? '父亲' : '母亲' });
    }
    const [bank, bin] = r.pick(BANKS);
    const account = luhnComplete(bin + String(r.int(100000000, 999999999)) + String(r.int(100, 999)));
    const reservoir = r.pick(RESERVOIRS);
    for (const m of members) {
      if (rows.length >= opts.persons) break;
      const removed = r.chance(0.035);
      let removalDate = '', removalReason = '';
      if (removed) {
        let x = r.next();
        removalReason = REMOVALS.find(([, p]) => (x -= p) < 0)?.[0] ?? '其他';
        removalDate = isoOf(r.int(2010, 2024), r.int(1, 12), r.int(1, 28));
        if (removalDate < start) removalDate = addDays(start, r.int(200, 2000));
      }
      const ownEnd = r.chance(0.05) ? addDays(addYears(start, r.int(5, 19)), -1) : '';
      rows.push({
        户编号: householdNo, 姓名: m.name, 身份证号: idFor(m.birth, m.sex), 性别: m.sex, 出生日期: m.birth, 与户主关系: m.relation,
        村代码: village.code, 乡镇: village.township, 村: village.name, 组: group, 人口类别: category, 所属水库: reservoir,
        搬迁日期: moved, 扶持开始日期: start, 扶持截止日期: ownEnd, 状态: removed ? '已核减' : '正常', 核减日期: removalDate,
        核减原因: removalReason, 银行账号: account, 开户银行: bank, 持卡人姓名: members[0].name,
        联系电话: r.chance(0.7) ? `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999999999)).padStart(9, '0')}` : '',
      });
    }
  }
  return rows;
}

export const demoRowsAsTable = (rows: RosterRow[]): string[][] => rows.map((row) => ROSTER_HEADERS.map((h) => row[h]));

/**
 * Generate a demo county and load it through the roster import (one transaction, audited).
 * Called on first start; also `anju demo`.
 */
export async function loadDemoCounty(ctx: Pick<AppContext, 'database'>, opts: { persons?: number; seed?: number; countyCode?: string; actor?: AuditActor } = {}): Promise<ImportSummary> {
  const countyCode = opts.countyCode ?? '430582';
  const rows = generateDemoRoster({ persons: opts.persons ?? 3000, seed: opts.seed ?? 1, countyCode });
  const content = rosterCsv(ROSTER_HEADERS, demoRowsAsTable(rows));
  const { summary } = await applyRoster(ctx.database.db, content, { actor: opts.actor ?? SYSTEM_ACTOR, filename: '演示数据.csv', counties: [countyCode] });
  return summary;
}
