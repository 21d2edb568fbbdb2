// The figures of the pages and the dispatch, from the database: one RatesInput as of a date
// (the same the §8.2 tables use), turned into batch lists, the overview and the 调度表. A
// past date gives the past figures: entries dated after it and batches issued after it do
// not count, whatever was entered since.
import type { Kysely } from 'kysely';
import { todayIso, type IsoDate } from '../shared/dates.ts';
import { formatFen } from '../shared/money.ts';
import { AppError } from '../shared/errors.ts';
import { regionNames } from '../registry/index.ts';
import { ratesFromDb, ratesInputFromDb } from './rates-db.ts';
import { batchFigures, dispatchRows, monthlySeries, projectTotals, ranking, totalsOf, type ProjectProgress } from './figures.ts';
import { disbursedByMonth, getBalanceLimitBp, listProjects } from './funds.store.ts';
import { dispatchXlsx } from './dispatch-xlsx.ts';
import { lifecycleForDispatch } from './projects.service.ts';
import { assertCountyWide, type Actor } from './funds.service.ts';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { rateTableCsv } from './ledger-file.ts';
import type { RateKey } from './ledger.types.ts';

type Db = Kysely<Tables>;

/** Who reads the figures: a county-wide user, or a township user (their projects only). */
type Reader = Pick<Actor, 'countyCode' | 'regionCode'>;

/** Every batch with its figures: county-wide users only. */
export async function batchList(db: Db, reader: Reader, asOf: IsoDate | null) {
  assertCountyWide(reader);
  const county = reader.countyCode;
  const [input, limitBp] = await Promise.all([ratesInputFromDb(db, county, asOf), getBalanceLimitBp(db, county)]);
  return { asOf, limitBp, batches: batchFigures(input, asOf, limitBp) };
}

export async function batchPage(db: Db, reader: Reader, batchNo: string, asOf: IsoDate | null) {
  assertCountyWide(reader);
  const county = reader.countyCode;
  const [input, limitBp] = await Promise.all([ratesInputFromDb(db, county, asOf), getBalanceLimitBp(db, county)]);
  const batch = batchFigures({ ...input, batches: input.batches.filter((b) => b.batchNo === batchNo) }, null, limitBp)[0];
  if (!batch) throw new AppError('NOT_FOUND', `批次${batchNo}不存在`);
  const projects = new Map(input.projects.map((p) => [p.projectNo, p]));
  const rows = input.sums
    .filter((s) => s.batchNo === batchNo)
    .map((s) => {
      const p = projects.get(s.projectNo);
      return {
        projectNo: s.projectNo,
        name: p?.name ?? '',
        townshipCode: p?.villageCode.slice(0, 9) ?? '',
        allocatedFen: s.allocatedFen,
        disbursedFen: s.disbursedFen,
        reimbursedFen: s.reimbursedFen,
      };
    })
    .sort((a, b) => (a.projectNo < b.projectNo ? -1 : 1));
  return { asOf, batch, projects: rows };
}

export async function overview(db: Db, county: string, asOfGiven: IsoDate | null, region = county) {
  const asOf = asOfGiven ?? todayIso();
  const [input, limitBp, townships, byMonth, names] = await Promise.all([
    ratesInputFromDb(db, county, asOf, region),
    getBalanceLimitBp(db, county),
    ratesFromDb(db, county, 'township', asOf, region),
    disbursedByMonth(db, county, Number(asOf.slice(0, 4)), asOf, region),
    regionNames(db, county),
  ]);
  // a township officer: no county batches (their 结存 is the county's), totals over their projects' money
  const scoped = region !== county;
  const batches = scoped ? [] : batchFigures(input, asOf, limitBp);
  const totals = scoped ? projectTotals(input) : totalsOf(batches);
  const warnings = batches
    .filter((b) => b.overLimit)
    .map((b) => `批次${b.batchNo}结存比例${b.balanceRate}%，超过设定的${formatFen(limitBp)}%（结存${formatFen(b.balanceFen)}元）`);
  return {
    asOf,
    limitBp,
    totals,
    batches,
    warnings,
    townships: { by: 'township' as const, asOf, ...townships },
    townshipNames: Object.fromEntries(townships.rows.map((r) => [r[0], names.get(r[0]) ?? ''])),
    monthly: monthlySeries(input.batches, byMonth, asOf),
  };
}

/**
 * Progress %, stage, problems and next step of each project for the dispatch. A project the
 * life cycle tracks takes its approved stage and latest progress report as of the day; one
 * known only from an imported ledger takes its stage from the ledger's dates (验收 → 已验收,
 * 完工 → 已完工, 开工 → 在建, else 未开工).
 */
export async function projectProgressForDispatch(db: Db, county: string, asOf: IsoDate, region = county): Promise<Map<string, ProjectProgress>> {
  const out = new Map<string, ProjectProgress>();
  for (const p of await listProjects(db, county, region)) {
    const done = (d: string | null) => !!d && d <= asOf;
    const stage = done(p.acceptedOn) ? '已验收' : done(p.completedOn) ? '已完工' : done(p.startedOn) ? '在建' : '未开工';
    out.set(p.projectNo, {
      progressPct: done(p.completedOn) ? 100 : done(p.startedOn) ? null : 0,
      stage,
      problems: '',
      nextStep: stage === '未开工' ? '尽快开工' : stage === '在建' ? '加快施工进度' : stage === '已完工' ? '组织县级验收' : '移交管护',
    });
  }
  // projects the life cycle tracks: their approved stage and latest progress report as of the day
  for (const [projectNo, p] of await lifecycleForDispatch(db, county, asOf, region)) out.set(projectNo, p);
  return out;
}

export async function dispatch(db: Db, county: string, asOfGiven: IsoDate | null, region = county) {
  const asOf = asOfGiven ?? todayIso();
  const [input, progress, names] = await Promise.all([
    ratesInputFromDb(db, county, asOf, region),
    projectProgressForDispatch(db, county, asOf, region),
    regionNames(db, county),
  ]);
  return {
    asOf,
    rows: dispatchRows(input, progress, names),
    townships: ranking(
      input,
      asOf,
      (p) => p.villageCode.slice(0, 9),
      (k) => names.get(k) ?? k,
    ),
    units: ranking(
      input,
      asOf,
      (p) => p.unit ?? '',
      (k) => k || '（未填实施单位）',
    ),
  };
}

export async function dispatchWorkbook(db: Db, county: string, asOf: IsoDate | null, region = county): Promise<{ filename: string; content: Buffer }> {
  const d = await dispatch(db, county, asOf, region);
  const title = `后扶项目资金调度表（截至${d.asOf}）`;
  return { filename: `资金调度表_${d.asOf}.xlsx`, content: await dispatchXlsx(title, d.rows, d.townships, d.units) };
}

/** Who exports: audited, and limited to their region's projects. */
type Exporter = AuditActor & { countyCode: string; regionCode: string };

/** The §8.2 table as the CSV the command line writes; the export is audited. */
export async function ratesCsvExport(db: Db, actor: Exporter, by: RateKey, asOf: IsoDate | null, detail: unknown): Promise<string> {
  const t = await ratesFromDb(db, actor.countyCode, by, asOf, actor.regionCode);
  await db
    .transaction()
    .execute((trx) => appendAudit(trx, actor, { action: 'funds.rates_export', entityType: 'fund_rates', entityId: by, countyCode: actor.countyCode, detail }));
  return rateTableCsv(t);
}

/** The 调度表 workbook; the export is audited. */
export async function dispatchExport(db: Db, actor: Exporter, asOf: IsoDate | null): Promise<{ filename: string; content: Buffer }> {
  const f = await dispatchWorkbook(db, actor.countyCode, asOf, actor.regionCode);
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(trx, actor, { action: 'funds.dispatch_export', entityType: 'fund_dispatch', entityId: asOf ?? '', countyCode: actor.countyCode }),
    );
  return f;
}
