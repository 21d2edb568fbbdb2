// The database side of `anju funds`: import a ledger (--dry-run to preview), rate tables from the
// database (`funds rates` without --ledger), the dispatch workbook. The CLI works as the county
// operator; audit entries name the command line and the OS user.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { userInfo } from 'node:os';
import type { Database } from '../shared/db/database.ts';
import { AppError } from '../shared/errors.ts';
import type { IsoDate } from '../shared/dates.ts';
import type { RateKey } from './ledger.types.ts';
import { rejectedCsv, writeRateTable } from './ledger-file.ts';
import type { Actor } from './funds.service.ts';

// the database side is loaded when a command needs it, so `funds check` stays light
const dbSide = async () => ({
  ...(await import('./ledger-import-file.ts')),
  ...(await import('./rates-db.ts')),
  ...(await import('./figures.service.ts')),
});

function cliActor(countyCode: string): Actor {
  let who = '';
  try {
    who = userInfo().username;
  } catch {
    /* none */
  }
  return { userId: null, username: who ? `命令行(${who})` : '命令行', countyCode, regionCode: countyCode };
}

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

/** sha256 of a ledger: the workbook's bytes, or the five CSV files' bytes in name order. */
function ledgerHash(path: string): string {
  const h = createHash('sha256');
  if (statSync(path).isDirectory()) {
    for (const f of readdirSync(path)
      .filter((x) => x.toLowerCase().endsWith('.csv'))
      .sort())
      h.update(f).update(readFileSync(join(path, f)));
  } else h.update(readFileSync(path));
  return h.digest('hex');
}

/** `anju funds rates --by KEY` without --ledger: the same table from the database. */
export async function ratesFromDatabaseToFile(o: { by: RateKey; asOf: IsoDate | null; county?: string; out: string }): Promise<number> {
  return withDb(async (d) => {
    const { resolveFundCounty, ratesFromDb } = await dbSide();
    const county = await resolveFundCounty(d.db, o.county);
    const table = await ratesFromDb(d.db, county, o.by, o.asOf);
    await writeRateTable(table, o.out);
    console.log(`已写入 ${o.out}：县${county}，${table.rows.length - 1}个分组及合计（数据库${o.asOf ? `，截至${o.asOf}` : ''}）`);
    return table.rows.length;
  });
}

export function registerFundsDbCommands(funds: Command): void {
  funds
    .command('import <ledger>')
    .description('导入资金台账（XLSX工作簿或CSV文件夹）：导入通过检查的行，列出被拒绝的行；重复导入同一台账不会重复记账')
    .option('--dry-run', '只预览，不写入')
    .option('--county <code>', '县级区划代码（默认：按项目村代码判断）')
    .option('--county-name <name>', '数据库尚无该县时使用的县名')
    .option('--rejected <file>', '被拒绝行清单输出文件（CSV）')
    .action((ledger: string, o: { dryRun?: boolean; county?: string; countyName?: string; rejected?: string }) =>
      withDb(async (d) => {
        const started = Date.now();
        const { importLedgerSource } = await dbSide();
        const res = await importLedgerSource(
          d.db,
          cliActor(o.county ?? ''),
          ledger,
          { filename: basename(ledger), sha256: ledgerHash(ledger), countyCode: o.county, countyName: o.countyName },
          { dryRun: !!o.dryRun },
        );
        console.log(`${res.dryRun ? '预览（未写入）' : '已导入'}：县${res.countyCode}`);
        console.log(`  资金批次：新增${res.batches.added}，已有${res.batches.present}`);
        console.log(`  项目：新增${res.projects.added}，已有${res.projects.present}（补填日期${res.projects.datesFilled}）`);
        console.log(`  资金记录：新增${res.entries.added}，已有${res.entries.present}`);
        if (res.regionsAdded) console.log(`  新增区划${res.regionsAdded}个`);
        console.log(`  拒绝${res.rejected.length}行`);
        for (const r of res.rejected.slice(0, 50)) console.log(`    ${r.sheet} 第${r.row}行 ${r.code}：${r.reason}`);
        if (res.rejected.length > 50) console.log(`    ……另有${res.rejected.length - 50}行${o.rejected ? '' : '（用 --rejected 输出完整清单）'}`);
        if (o.rejected) {
          writeFileSync(o.rejected, rejectedCsv(res.rejected));
          console.log(`  被拒绝行清单已写入 ${o.rejected}`);
        }
        console.log(`  用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
      }),
    );

  funds
    .command('dispatch')
    .description('资金调度表（xlsx：每个项目一行，附乡镇和实施单位排名）')
    .option('--as-of <date>', '截止日期（默认今天）')
    .option('--county <code>', '县级区划代码（默认：库中唯一有台账的县）')
    .requiredOption('--out <file>', '输出文件（xlsx）')
    .action((o: { asOf?: string; county?: string; out: string }) =>
      withDb(async (d) => {
        if (o.asOf && !/^\d{4}-\d{2}-\d{2}$/.test(o.asOf)) throw new AppError('VALIDATION', `截止日期“${o.asOf}”应为YYYY-MM-DD`);
        const { dispatchWorkbook, resolveFundCounty } = await dbSide();
        const f = await dispatchWorkbook(d.db, await resolveFundCounty(d.db, o.county), o.asOf ?? null);
        writeFileSync(o.out, f.content);
        console.log(`已写入 ${o.out}`);
      }),
    );
}
