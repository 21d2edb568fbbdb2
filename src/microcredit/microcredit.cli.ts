// anju microcredit subsidy — the quarterly interest subsidy of FORMATS §9 from the bank files.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import type { Database } from '../shared/db/database.ts';
import type { AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { formatFen } from '../shared/money.ts';
import { readBook } from './files.ts';
import { parseQuarter } from './values.ts';
import { quarterSubsidy, rejectedCsv, subsidyCsv, totals, type SubsidyLine } from './subsidy.ts';

interface SubsidyOptions {
  loans?: string;
  repayments?: string;
  rates?: string;
  quarter: string;
  out: string;
  rejected?: string;
  county?: string;
}

function actor(): AuditActor {
  let who = '';
  try {
    who = userInfo().username;
  } catch {
    /* none */
  }
  return { userId: null, username: who ? `命令行(${who})` : '命令行' };
}

// the database (PGlite, pg) is loaded only by the commands that use it: the file mode starts faster
async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const { openDatabase, optionsFromEnv } = await import('../shared/db/database.ts');
  const { migrate } = await import('../shared/db/migrate.ts');
  const d = await openDatabase(optionsFromEnv());
  try {
    await migrate(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}
const service = () => import('./microcredit.service.ts');

/** --county, else the one county the database holds (in its book, or on file). */
async function countyOf(d: Database, given?: string): Promise<string> {
  return (await service()).commandCounty(d.db, given);
}

/** For an import: --county, else the one county on file, else (null) the county of the loans' 村代码. */
async function importCounty(d: Database, given?: string): Promise<string | null> {
  try {
    return await countyOf(d, given);
  } catch (e) {
    if (given) throw e;
    return null;
  }
}

export function registerMicrocreditCommands(program: Command) {
  const c = program.command('microcredit').description('扶贫小额信贷：贷款台账、还款记录、季度贴息');
  c.command('subsidy')
    .description('计算一个季度的贴息（FORMATS §9）：给出三个文件时按文件计算，否则按数据库中已导入的台账')
    .option('--loans <file>', '贷款台账（CSV或xlsx）')
    .option('--repayments <file>', '还款记录（CSV或xlsx）')
    .option('--rates <file>', '贴息利率表（CSV或xlsx）')
    .requiredOption('--quarter <YYYYQn>', '季度，如 2020Q2')
    .requiredOption('--out <file>', '贴息明细输出文件（CSV）')
    .option('--rejected <file>', '被拒收行清单输出文件（CSV）')
    .option('--county <code>', '数据库模式：县级区划代码（默认：库中唯一的县）')
    .action(async (o: SubsidyOptions) => {
      const q = parseQuarter(o.quarter);
      if (!q) throw new AppError('VALIDATION', `季度“${o.quarter}”无法识别，应为如2020Q2（年份加Q1至Q4）`);
      const given = [o.loans, o.repayments, o.rates].filter(Boolean).length;
      if (given !== 0 && given !== 3) throw new AppError('VALIDATION', '按文件计算须同时给出 --loans、--repayments 和 --rates');
      const started = Date.now();
      let lines: SubsidyLine[],
        rejected: number | null = null;
      if (given === 3) {
        const book = await readBook({ loans: o.loans!, repayments: o.repayments!, rates: o.rates! });
        lines = quarterSubsidy(book.loans, q);
        if (o.rejected) writeFileSync(o.rejected, rejectedCsv(book.rejected));
        rejected = book.rejected.length;
      } else {
        if (o.rejected) throw new AppError('VALIDATION', '数据库模式没有拒收清单：拒收行在导入时列出（anju microcredit import --rejected）');
        lines = await withDb(async (d) => (await service()).quarterFromDatabase(d.db, await countyOf(d, o.county), q.label));
      }
      writeFileSync(o.out, subsidyCsv(lines));
      const t = totals(lines);
      console.log(
        `${q.label}贴息：${t.loans}笔贷款，合计${formatFen(t.subsidyFen)}元，其中逾期${t.overdue}笔；${rejected === null ? '按数据库中的台账' : `拒收${rejected}行${o.rejected ? '' : '（用 --rejected 输出清单）'}`}；用时${((Date.now() - started) / 1000).toFixed(1)}秒`,
      );
    });

  c.command('import')
    .description('导入银行的贷款台账、还款记录和贴息利率表（一个事务；同样的文件再导入不改变任何数据）')
    .requiredOption('--loans <file>', '贷款台账（CSV或xlsx）')
    .requiredOption('--repayments <file>', '还款记录（CSV或xlsx）')
    .requiredOption('--rates <file>', '贴息利率表（CSV或xlsx）')
    .option('--county <code>', '县级区划代码（默认：库中唯一的县）')
    .option('--rejected <file>', '被拒收行清单输出文件（CSV）')
    .option('--dry-run', '只检查，不写入')
    .action((o: { loans: string; repayments: string; rates: string; county?: string; rejected?: string; dryRun?: boolean }) =>
      withDb(async (d) => {
        const read = (f: string) => {
          try {
            return { filename: basename(f), content: readFileSync(f) };
          } catch (e) {
            throw new AppError('FILE_UNREADABLE', `无法打开文件${f}：${(e as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : (e as Error).message}`);
          }
        };
        const r = await (await service()).importBook(
          d.db,
          actor(),
          await importCounty(d, o.county),
          { loans: read(o.loans), repayments: read(o.repayments), rates: read(o.rates) },
          { dryRun: o.dryRun },
        );
        if (o.rejected) writeFileSync(o.rejected, rejectedCsv(r.rejected.map((x) => ({ ...x, file: x.file as never }))));
        const head =
          `${r.countyCode}：` +
          (r.dryRun ? '检查完成（未写入）' : r.unchanged ? `与上次导入（第${r.importId}次）的文件相同，未作任何改动` : `已导入（第${r.importId}次）`);
        console.log(
          `${head}：贷款${r.loans}笔，还款${r.repayments}条，贴息利率${r.rates}行；拒收${r.rejected.length}行${o.rejected ? '' : '（用 --rejected 输出清单）'}`,
        );
        if (!r.dryRun && !r.unchanged)
          console.log(`  新增${r.changes.added}笔，变更${r.changes.changed}笔，移除${r.changes.removed}笔，记录展期/续贷${r.changes.events}项`);
      }),
    );
}
