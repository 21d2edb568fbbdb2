// `anju funds` — the fund and project ledger (FORMATS §8). File mode here: `check` lists the
// rejected rows of a ledger, `rates` writes a rate table from it. The database side adds its
// source (no --ledger, --county) and `funds import` beside these, using the same pieces.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '../shared/errors.ts';
import { readDateStrict } from '../shared/strict-values.ts';
import type { IsoDate } from '../shared/dates.ts';
import { LEDGER_SHEETS, RATE_KEYS, type RateKey } from './ledger.types.ts';
import type { LedgerChecker } from './ledger-check.ts';
import { checkLedgerSource, ledgerRates, rejectedCsv, writeRateTable } from './ledger-file.ts';
import { ratesFromDatabaseToFile, registerFundsDbCommands } from './funds-db.cli.ts';

/** --by: one of the eight groupings, or a Chinese error (exit 2). */
export function parseRateKey(v: string | undefined): RateKey {
  if (!v || !(RATE_KEYS as readonly string[]).includes(v)) {
    throw new AppError('VALIDATION', `分组方式“${v ?? ''}”无法识别，应为：${RATE_KEYS.join('、')}`);
  }
  return v as RateKey;
}

/** --as-of: a date in a ledger date form, or null when not given. */
export function parseAsOf(v: string | undefined): IsoDate | null {
  if (v === undefined) return null;
  const r = readDateStrict(v);
  if (!r.ok || r.value === null) throw new AppError('VALIDATION', `截止日期“${v}”无法识别（应为YYYY-MM-DD）`);
  return r.value;
}

/** One line per sheet: accepted and rejected rows. */
export function checkSummary(checker: LedgerChecker): string {
  const c = checker.counts();
  return LEDGER_SHEETS.map((s) => `${s}：接受${c[s].accepted}行，拒绝${c[s].rejected}行`).join('\n');
}

export function registerFundsCommands(program: Command): Command {
  const funds = program.command('funds').description('后扶资金项目台账：检查台账、计算资金执行情况');

  funds
    .command('check')
    .description('检查台账（XLSX工作簿或五个CSV文件所在文件夹），输出被拒绝的行')
    .requiredOption('--ledger <path>', '台账：XLSX工作簿，或含资金批次.csv、项目.csv、资金安排.csv、拨付.csv、报账.csv的文件夹')
    .requiredOption('--out <file>', '被拒绝行清单输出文件（CSV）')
    .action(async (o: { ledger: string; out: string }) => {
      const checker = await checkLedgerSource(o.ledger, { keepVouchers: false });
      await writeFile(o.out, rejectedCsv(checker.rejected));
      console.log(checkSummary(checker));
      console.log(`共拒绝${checker.rejected.length}行，清单已写入 ${o.out}`);
    });

  funds
    .command('rates')
    .description('资金执行情况（拨付率、报账率、结存、完工率），按批次或项目属性分组')
    .option('--ledger <path>', '台账：XLSX工作簿或CSV文件夹')
    .requiredOption('--by <key>', `分组方式：${RATE_KEYS.join('、')}`)
    .option('--as-of <date>', '截止日期（含当日）：只计下达日期、资金日期不晚于此日的批次和款项')
    .option('--county <code>', '不给--ledger时从数据库计算：县级区划代码（库中只有一个县的台账时可省略）')
    .requiredOption('--out <file>', '输出文件（CSV）')
    .action(async (o: { ledger?: string; by: string; asOf?: string; county?: string; out: string }) => {
      const by = parseRateKey(o.by);
      const asOf = parseAsOf(o.asOf);
      // without a ledger file: the same table from the database
      if (!o.ledger) {
        await ratesFromDatabaseToFile({ by, asOf, county: o.county, out: o.out });
        return;
      }
      const checker = await checkLedgerSource(o.ledger, { keepVouchers: false });
      const table = ledgerRates(checker, by, asOf);
      await writeRateTable(table, o.out);
      if (checker.rejected.length) console.error(`注意：台账有${checker.rejected.length}行被拒绝，未计入（用 anju funds check 查看）`);
      console.log(`已写入 ${o.out}：${table.rows.length - 1}个分组及合计${asOf ? `（截至${asOf}）` : ''}`);
    });
  funds
    .command('synth')
    .description('生成模拟台账（含各类问题行及预置问题清单truth.csv），供测试和性能评估，全部为虚构数据')
    .requiredOption('--out <path>', '输出：文件夹（五个CSV），或以.xlsx结尾的工作簿（仅适合小台账）')
    .option('--counties <n>', '县数', '1')
    .option('--projects <n>', '每县项目数', '2000')
    .option('--entries <n>', '每县资金安排、拨付、报账合计行数（约数）', '100000')
    .option('--seed <s>', '随机种子', '1')
    .option('--plant-rate <r>', '每类问题行的比例', '0.001')
    .action(async (o: Record<string, string>) => {
      const n = (name: string, v: string) => {
        const x = Number(v);
        if (!Number.isInteger(x) || x <= 0) throw new AppError('VALIDATION', `${name}“${v}”应为正整数`);
        return x;
      };
      const opts = {
        counties: n('县数', o.counties),
        projects: n('项目数', o.projects),
        entries: n('行数', o.entries),
        seed: o.seed,
        plantRate: Number(o.plantRate),
      };
      if (!(opts.plantRate >= 0 && opts.plantRate < 0.1)) throw new AppError('VALIDATION', `问题比例“${o.plantRate}”应在0到0.1之间`);
      const { truthCsv, writeSynthLedgerCsv, writeSynthLedgerXlsx } = await import('./synth-write.ts'); // ExcelJS only when generating
      const xlsx = /\.xlsx$/i.test(o.out);
      const r = xlsx ? await writeSynthLedgerXlsx(o.out, opts) : await writeSynthLedgerCsv(o.out, opts);
      if (xlsx) await writeFile(o.out.replace(/\.xlsx$/i, '_truth.csv'), truthCsv(r.truth));
      console.log(`已生成模拟台账 ${o.out}：${LEDGER_SHEETS.map((s) => `${s}${r.rows[s]}行`).join('，')}；预置问题${r.truth.length}行`);
    });
  registerFundsDbCommands(funds);
  return funds;
}
