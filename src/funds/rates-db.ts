// Rate tables (§8.2) from the database: the batches and projects of a county and the money
// summed per batch and project up to the as-of date (over the county's ledger held in memory,
// re-read whenever it changed: ledger-cache.ts), handed to the same computeRates the file mode
// uses, so file and database agree cell for cell.
import type { Kysely } from 'kysely';
import { isValidDate, type IsoDate } from '../shared/dates.ts';
import { AppError } from '../shared/errors.ts';
import type { RateKey, RateTable, RatesInput } from './ledger.types.ts';
import { computeRates } from './rates.ts';
import { fundCounties } from './funds.store.ts';
import { cachedLedger, sumsAsOf } from './ledger-cache.ts';
import type { Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;

export const BATCH_RATE_KEYS: readonly RateKey[] = ['batch', 'level', 'category', 'batch-year'];

/**
 * Everything a rate table needs, as of a date (null: every entry). With a region narrower than
 * the county (a township officer) only its projects and their money are included.
 */
export async function ratesInputFromDb(db: Db, county: string, asOf: IsoDate | null, region = county): Promise<RatesInput> {
  if (asOf !== null && !isValidDate(asOf)) throw new AppError('VALIDATION', `截止日期“${asOf}”不是有效日期（应为YYYY-MM-DD）`);
  const ledger = await cachedLedger(db, county);
  const batches = ledger.batches,
    sums = sumsAsOf(ledger, asOf);
  if (region === county) return { batches, projects: ledger.projects, sums };
  const projects = ledger.projects.filter((p) => p.villageCode.startsWith(region));
  const mine = new Set(projects.map((p) => p.projectNo));
  return { batches, projects, sums: sums.filter((s) => mine.has(s.projectNo)) };
}

export async function ratesFromDb(db: Db, county: string, by: RateKey, asOf: IsoDate | null, region = county): Promise<RateTable> {
  if (region !== county && BATCH_RATE_KEYS.includes(by))
    throw new AppError('FORBIDDEN', '按批次分组的执行情况涉及全县资金，仅县级用户可查看；乡镇用户请按项目或乡镇查看');
  return computeRates(await ratesInputFromDb(db, county, asOf, region), by, asOf);
}

/** The county a database-mode command works on: the one given, or the only one holding a ledger. */
export async function resolveFundCounty(db: Db, given: string | undefined): Promise<string> {
  if (given) {
    if (!/^\d{6}$/.test(given)) throw new AppError('VALIDATION', `县代码“${given}”应为6位数字`);
    return given;
  }
  const counties = await fundCounties(db);
  if (counties.length === 1) return counties[0];
  if (!counties.length) throw new AppError('NOT_FOUND', '数据库中还没有资金台账，请先用 anju funds import 导入');
  throw new AppError('VALIDATION', `数据库中有${counties.length}个县的资金台账（${counties.join('、')}），请用 --county 指定`);
}
