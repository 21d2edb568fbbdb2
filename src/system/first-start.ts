// On the first start of an empty database: create the county, the first administrator, and
// load a generated demo county, so a new user has something to look at. Prints what to do next.
// Idempotent: a later start changes nothing and prints nothing about passwords.
import type { AppContext } from '../shared/context.ts';
import { appendAudit, SYSTEM_ACTOR } from '../shared/audit.ts';
import { isCountyCode } from '../shared/region.ts';
import { AppError } from '../shared/errors.ts';
import { generatePassword, hashPassword } from '../auth/index.ts';
import { formatYuan } from '../shared/money.ts';
import { loadWorkingDemo } from './demo-county.ts';
import {
  countCountiesAndUsers,
  firstCounty,
  hasState,
  insertCounty,
  insertFirstAdmin,
  insertState,
  lockSystemState,
  readState,
  writeState,
} from './system.store.ts';

export interface FirstStartOptions {
  countyCode?: string;
  countyName?: string;
  /** persons in the demo county; 0 = no demo */
  demoPersons?: number;
  demoSeed?: number;
}

export function firstStartOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FirstStartOptions {
  const persons = env.ANJU_DEMO === '0' ? 0 : env.ANJU_DEMO_PERSONS ? Number(env.ANJU_DEMO_PERSONS) : 3000;
  if (!Number.isInteger(persons) || persons < 0) throw new AppError('VALIDATION', `ANJU_DEMO_PERSONS“${env.ANJU_DEMO_PERSONS}”应为非负整数`);
  return {
    countyCode: env.ANJU_COUNTY_CODE || '430582',
    countyName: env.ANJU_COUNTY_NAME || '示例县',
    demoPersons: persons,
    demoSeed: env.ANJU_DEMO_SEED ? Number(env.ANJU_DEMO_SEED) : 1,
  };
}

export async function getState<T>(ctx: Pick<AppContext, 'database'>, key: string): Promise<T | undefined> {
  return readState<T>(ctx.database.db, key);
}

async function setState(ctx: Pick<AppContext, 'database'>, key: string, value: unknown) {
  await writeState(ctx.database.db, key, value);
}

type Ctx = Pick<AppContext, 'database'>;

/**
 * The other capabilities' demo data, loaded after the register in this order (projects need the
 * funds' projects, loans and monitored households need the register's people). Each says what it
 * added, or null when the county had it already; one that fails leaves the others loaded.
 */
const CAPABILITY_DEMOS: { what: string; load: (ctx: Ctx, countyCode: string, seed: number) => Promise<string | null> }[] = [
  {
    what: '资金',
    load: async (ctx, countyCode, seed) => {
      const f = await (await import('../funds/index.ts')).loadFundsDemo(ctx, { countyCode, seed });
      return f && `${f.batches} 个资金批次、${f.projects} 个后扶项目、${f.entries} 条资金记录`;
    },
  },
  {
    what: '项目进展',
    load: async (ctx, countyCode, seed) => {
      const p = await (await import('../funds/index.ts')).loadProjectsDemo(ctx, { countyCode, seed });
      return p && '项目阶段、进度报告和任务分解';
    },
  },
  {
    what: '小额信贷',
    load: async (ctx, countyCode) => {
      const m = await (await import('../microcredit/index.ts')).loadMicrocreditDemo(ctx, { countyCode });
      return m.loans ? `${m.loans} 笔贷款、${m.repayments} 条还款` : null;
    },
  },
  {
    what: '防返贫监测',
    load: async (ctx, countyCode, seed) => {
      const m = await (await import('../monitoring/index.ts')).loadMonitoringDemo(ctx, { countyCode, seed });
      return m.households ? `${m.households} 户监测对象、${m.visits} 条走访、${m.alerts} 条部门预警` : null;
    },
  },
];

export async function firstStart(ctx: Pick<AppContext, 'database'>, opts: FirstStartOptions = firstStartOptionsFromEnv()): Promise<string[]> {
  const db = ctx.database.db;
  const lines: string[] = [];
  const countyCode = opts.countyCode ?? '430582';
  const countyName = opts.countyName ?? '示例县';
  if (!isCountyCode(countyCode)) throw new AppError('VALIDATION', `ANJU_COUNTY_CODE“${countyCode}”不是6位县级区划代码`);

  const created = await db.transaction().execute(async (trx) => {
    // one starter at a time (two servers on one database)
    await lockSystemState(trx);
    if (await hasState(trx, 'first_start')) return null;
    const have = await countCountiesAndUsers(trx);
    const result = { county: false, password: null as string | null };
    if (!have.counties) {
      await insertCounty(trx, countyCode, countyName);
      result.county = true;
    }
    if (!have.users) {
      result.password = generatePassword(14);
      await insertFirstAdmin(trx, countyCode, await hashPassword(result.password));
    }
    await insertState(trx, 'first_start', { at: new Date().toISOString(), countyCode });
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'system.first_start',
      entityType: 'county',
      entityId: countyCode,
      countyCode,
      detail: { countyCreated: result.county, countyName, adminCreated: !!result.password },
    });
    return result;
  });
  if (!created) return lines;

  if (created.county) lines.push(`已创建县：${countyCode} ${countyName}`);
  if (created.password) {
    lines.push('已创建系统管理员账号：admin');
    lines.push(`初始密码：${created.password}    （只显示这一次，请立即记下；首次登录后须修改）`);
  }
  if (created.county && (opts.demoPersons ?? 0) > 0) {
    try {
      const summary = await loadWorkingDemo(ctx, { persons: opts.demoPersons!, seed: opts.demoSeed ?? 1, countyCode });
      await setState(ctx, 'demo', { status: 'loaded', persons: opts.demoPersons, summary });
      lines.push(
        `已载入演示数据：${summary.persons} 名后扶人口、${summary.rolls} 个已发放的批次（${formatYuan(summary.paidFen)}）、${summary.cases} 条交叉核对疑似问题（虚构，仅供试用）`,
      );
    } catch (e) {
      await setState(ctx, 'demo', { status: 'failed', error: (e as Error).message });
      lines.push(`演示数据载入失败（系统仍可使用）：${(e as Error).message}`);
      return lines;
    }
    for (const d of CAPABILITY_DEMOS) {
      try {
        const added = await d.load(ctx, countyCode, opts.demoSeed ?? 1);
        if (added) lines.push(`已载入演示${d.what}：${added}（虚构）`);
      } catch (e) {
        lines.push(`演示${d.what}载入失败（系统仍可使用）：${(e as Error).message}`);
      }
    }
  }
  return lines;
}

/** The county this installation serves (the first one on file), for the web header. */
export async function countyInfo(ctx: Pick<AppContext, 'database'>): Promise<{ code: string; name: string } | null> {
  return firstCounty(ctx.database.db);
}
