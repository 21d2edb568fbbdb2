// Demo funds for the demo county (first start): a year of batches at several levels and in
// several categories, about 60 projects in the county's villages at every stage (未开工, 在建,
// 已完工, 已验收), and their money (allocations, 拨付 with a 红字冲销, 报账), the year plan by use.
// Invented, seeded (the same seed gives the same ledger), and booked through the same money
// rules as every entry: nothing here could not have been entered by hand.
import type { Kysely } from 'kysely';
import type { AppContext } from '../shared/context.ts';
import { appendAudit, SYSTEM_ACTOR } from '../shared/audit.ts';
import { addDays, todayIso, type IsoDate } from '../shared/dates.ts';
import { Rng } from '../synth/index.ts';
import { regionNames } from '../registry/index.ts';
import type { FundBatch, LedgerProject, ProjectCategory } from './ledger.types.ts';
import { addToPair, checkMoneyEntry, ZERO_PAIR, type EntryKind, type PairSums } from './money-rules.ts';
import { fundCounties, lockFundData, insertBatches, insertEntries, insertProjects, type NewEntry } from './funds.store.ts';
import { PLAN_USES, type PlanUse } from './funds.service.ts';
import { savePlanRow } from './corrections.store.ts';
import type { Tables } from '../shared/db/tables.ts';

const WAN = 1_000_000; // fen in 1 万元

const NAMES: Record<ProjectCategory, string[]> = {
  基础设施: ['通组公路硬化', '安全饮水巩固提升', '村道拓宽', '机耕道修建', '灌溉渠道维修', '便民桥修建', '山塘清淤扩容'],
  产业发展: ['油茶基地建设', '黄花菜种植基地', '生猪养殖小区', '中药材种植', '果园提质改造', '农产品冷库'],
  美丽家园: ['人居环境整治', '村庄亮化', '文化广场', '污水管网', '公厕改造'],
  能力提升: ['移民技能培训基地', '电商服务站', '农技培训中心'],
  其他: ['村级服务中心维修', '移民档案室建设'],
};
const CATEGORIES = Object.keys(NAMES) as ProjectCategory[];
const UNITS = ['县交通运输局', '县水利局', '县农业农村局', '乡镇人民政府', '村民委员会', '县住建局'];

interface Plan {
  batches: FundBatch[];
  projects: LedgerProject[];
  entries: NewEntry[];
  plan: Record<PlanUse, number>;
}

/** The demo ledger of a county for the year of `today` (pure: seeded, no database). */
export function demoLedger(countyCode: string, villages: string[], today: IsoDate, seed = 1): Plan {
  const rng = new Rng(`funds-${countyCode}-${seed}`);
  const year = Number(today.slice(0, 4));
  const y = (md: string) => `${year}-${md}`;
  // batches issued through the year up to today
  const specs: [string, FundBatch['level'], FundBatch['category'], string, number, boolean][] = [
    ['01', '中央', '到县资金', '02-20', 980, true],
    ['02', '省级', '重点移民村专项', '03-15', 360, true],
    ['03', '中央', '到县资金', '05-10', 420, true],
    ['04', '省级', '突出问题处理', '06-18', 150, true],
    ['05', '市级', '培训宣传', '04-08', 43, true],
    ['06', '县级', '困难移民扶助', '07-22', 80, true],
    ['07', '省级', '对口帮扶', '09-05', 120, true],
    ['08', '中央', '到县资金', '11-12', 200, false],
  ];
  const batches: FundBatch[] = specs
    .filter(([, , , md]) => y(md) <= today)
    .map(([n, level, category, md, wan, counts]) => ({
      batchNo: `ZJ${year}-${n}`,
      year,
      level,
      category,
      docNo: `${level === '县级' ? '县财' : level === '市级' ? '市财' : level === '省级' ? '省财农' : '财农'}〔${year}〕${10 + Number(n) * 7}号`,
      issuedOn: y(md),
      amountFen: wan * WAN,
      countsInRates: counts,
    }));
  const vs = villages.length
    ? villages
    : Array.from({ length: 20 }, (_, i) => `${countyCode}${String(101 + (i % 5)).padStart(3, '0')}${String(201 + i).padStart(3, '0')}`);
  // about 60 projects: a quarter not started, a third under way, the rest completed or accepted
  const projects: LedgerProject[] = [];
  for (let i = 0; i < 60; i++) {
    const category = CATEGORIES[i % 7 < 3 ? 0 : i % 7 < 5 ? 1 : i % 7 === 5 ? 2 : 3 + (i % 2)];
    const list = NAMES[category];
    const village = vs[rng.int(0, vs.length - 1)];
    const stage = i < 14 ? 0 : i < 34 ? 1 : i < 46 ? 2 : 3;
    const start = addDays(y('03-01'), rng.int(0, 150));
    const started = stage >= 1 && start <= today ? start : null;
    const completed = stage >= 2 && started ? minDate(addDays(started, rng.int(40, 120)), today) : null;
    const accepted = stage >= 3 && completed ? minDate(addDays(completed, rng.int(10, 40)), today) : null;
    projects.push({
      projectNo: `XM${year}-${String(i + 1).padStart(3, '0')}`,
      name: `${list[rng.int(0, list.length - 1)]}项目`,
      year,
      villageCode: village,
      category,
      plannedFen: rng.int(10, 70) * WAN,
      unit: UNITS[rng.int(0, UNITS.length - 1)],
      startedOn: started,
      completedOn: completed,
      acceptedOn: accepted,
    });
  }
  // money: each project funded from one or two batches, 拨付 and 报账 following its stage
  const entries: NewEntry[] = [];
  const left = new Map(batches.map((b) => [b.batchNo, b.amountFen]));
  const projectBatches = batches.filter((b) => b.category !== '培训宣传');
  projects.forEach((p, i) => {
    const stage = p.acceptedOn ? 3 : p.completedOn ? 2 : p.startedOn ? 1 : 0;
    const sources = [projectBatches[i % projectBatches.length], projectBatches[(i * 3 + 1) % projectBatches.length]];
    let need = p.plannedFen;
    for (const b of sources) {
      const avail = left.get(b.batchNo)!;
      const amount = Math.min(need, avail, Math.round((p.plannedFen * (sources[0] === b ? 0.7 : 0.3)) / 100) * 100);
      if (amount <= 0 || (stage === 0 && i % 3 === 0)) continue;
      const allocDate = maxDate(b.issuedOn, addDays(b.issuedOn, rng.int(5, 30)));
      if (allocDate > today) continue;
      left.set(b.batchNo, avail - amount);
      need -= amount;
      entries.push({
        kind: 'allocation',
        batchNo: b.batchNo,
        projectNo: p.projectNo,
        date: allocDate,
        amountFen: amount,
        voucherNo: `安排${year}-${entries.length + 1}`,
      });
      const share = [0, 0.6, 0.95, 1][stage];
      if (!share) continue;
      const disburse = Math.round((amount * share) / 100) * 100;
      const d1 = minDate(maxDate(allocDate, p.startedOn ?? allocDate), today);
      entries.push({
        kind: 'disbursement',
        batchNo: b.batchNo,
        projectNo: p.projectNo,
        date: d1,
        amountFen: disburse,
        voucherNo: `记-${year}-${entries.length + 1}`,
      });
      if (i % 17 === 5) {
        // a transfer to the wrong account, reversed a few days later and booked again
        const d2 = minDate(addDays(d1, 3), today);
        entries.push({
          kind: 'disbursement',
          batchNo: b.batchNo,
          projectNo: p.projectNo,
          date: d2,
          amountFen: -disburse,
          voucherNo: `记-${year}-${entries.length + 1}`,
          note: '红字冲销：收款账户错误',
        });
        entries.push({
          kind: 'disbursement',
          batchNo: b.batchNo,
          projectNo: p.projectNo,
          date: d2,
          amountFen: disburse,
          voucherNo: `记-${year}-${entries.length + 1}`,
        });
      }
      const reimburse = Math.round((disburse * (stage === 3 ? 1 : 0.8)) / 100) * 100;
      if (reimburse > 0)
        entries.push({
          kind: 'reimbursement',
          batchNo: b.batchNo,
          projectNo: p.projectNo,
          date: minDate(addDays(d1, rng.int(10, 60)), today),
          amountFen: reimburse,
          voucherNo: `报-${year}-${entries.length + 1}`,
        });
    }
  });
  // training batch: 培训宣传 spent on the 能力提升 projects
  const training = batches.find((b) => b.category === '培训宣传');
  const trainees = projects.filter((p) => p.category === '能力提升' && p.startedOn);
  if (training && trainees.length) {
    const each = Math.floor((training.amountFen * 0.8) / trainees.length / 100) * 100;
    for (const p of trainees) {
      const d = maxDate(training.issuedOn, p.startedOn!);
      if (d > today) continue;
      entries.push({ kind: 'allocation', batchNo: training.batchNo, projectNo: p.projectNo, date: d, amountFen: each, voucherNo: null });
      entries.push({
        kind: 'disbursement',
        batchNo: training.batchNo,
        projectNo: p.projectNo,
        date: d,
        amountFen: Math.round((each * 0.6) / 100) * 100,
        voucherNo: null,
      });
    }
  }
  const total = batches.reduce((s, b) => s + b.amountFen, 0);
  const trainingFen = training?.amountFen ?? 0;
  const other = Math.round((total * 0.03) / 100) * 100;
  const plan: Record<PlanUse, number> = { 直补: 0, 项目: total - trainingFen - other, 培训宣传: trainingFen, 其他: other };
  return { batches, projects, entries: entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)), plan };
}

const minDate = (a: IsoDate, b: IsoDate) => (a < b ? a : b);
const maxDate = (a: IsoDate, b: IsoDate) => (a > b ? a : b);

/**
 * Load the demo ledger into the demo county, once (a county that already holds a ledger is left
 * alone). Every entry passes the §8.1 money rules before it is booked. Called from first start.
 */
export async function loadFundsDemo(
  ctx: Pick<AppContext, 'database'>,
  opts: { countyCode: string; seed?: number; today?: IsoDate },
): Promise<{ batches: number; projects: number; entries: number } | null> {
  const db: Kysely<Tables> = ctx.database.db;
  if ((await fundCounties(db)).includes(opts.countyCode)) return null;
  const names = await regionNames(db, opts.countyCode);
  const villages = [...names.keys()].filter((c) => /^\d{12}$/.test(c)).sort();
  const ledger = demoLedger(opts.countyCode, villages, opts.today ?? todayIso(), opts.seed ?? 1);
  // the same rules as a web entry, in date order
  const batchOf = new Map(ledger.batches.map((b) => [b.batchNo, b]));
  const pairs = new Map<string, PairSums>();
  const allocated = new Map<string, number>();
  const booked = ledger.entries.filter((e) => {
    const k = `${e.batchNo}|${e.projectNo}`;
    const pair = pairs.get(k) ?? ZERO_PAIR;
    if (
      checkMoneyEntry(
        { kind: e.kind as EntryKind, date: e.date, amountFen: e.amountFen },
        { batch: batchOf.get(e.batchNo) ?? null, projectKnown: true, batchAllocatedFen: allocated.get(e.batchNo) ?? 0, pair },
      )
    )
      return false;
    pairs.set(k, addToPair(pair, e.kind, e.amountFen));
    if (e.kind === 'allocation') allocated.set(e.batchNo, (allocated.get(e.batchNo) ?? 0) + e.amountFen);
    return true;
  });
  await db.transaction().execute(async (trx) => {
    await lockFundData(trx);
    await insertBatches(trx, opts.countyCode, ledger.batches, null, null);
    await insertProjects(trx, opts.countyCode, ledger.projects, null, null);
    await insertEntries(trx, opts.countyCode, booked, null, null);
    if (ledger.batches.length) for (const u of PLAN_USES) await savePlanRow(trx, opts.countyCode, ledger.batches[0].year, u, ledger.plan[u], null);
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'fund_ledger.demo',
      entityType: 'fund_import',
      entityId: 'demo',
      countyCode: opts.countyCode,
      detail: { batches: ledger.batches.length, projects: ledger.projects.length, entries: booked.length },
    });
  });
  return { batches: ledger.batches.length, projects: ledger.projects.length, entries: booked.length };
}
