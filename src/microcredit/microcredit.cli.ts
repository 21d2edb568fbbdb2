// anju microcredit subsidy — the quarterly interest subsidy of FORMATS §9 from the bank files.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { AppError } from '../shared/errors.ts';
import { formatFen } from '../shared/money.ts';
import { readBook } from './files.ts';
import { parseQuarter } from './values.ts';
import { quarterSubsidy, rejectedCsv, subsidyCsv, totals } from './subsidy.ts';

interface SubsidyOptions { loans: string; repayments: string; rates: string; quarter: string; out: string; rejected?: string }

export function registerMicrocreditCommands(program: Command) {
  const c = program.command('microcredit').description('扶贫小额信贷：贷款台账、还款记录、季度贴息');
  c.command('subsidy').description('按银行文件计算一个季度的贴息（FORMATS §9）')
    .requiredOption('--loans <file>', '贷款台账（CSV或xlsx）')
    .requiredOption('--repayments <file>', '还款记录（CSV或xlsx）')
    .requiredOption('--rates <file>', '贴息利率表（CSV或xlsx）')
    .requiredOption('--quarter <YYYYQn>', '季度，如 2020Q2')
    .requiredOption('--out <file>', '贴息明细输出文件（CSV）')
    .option('--rejected <file>', '被拒收行清单输出文件（CSV）')
    .action(async (o: SubsidyOptions) => {
      const q = parseQuarter(o.quarter);
      if (!q) throw new AppError('VALIDATION', `季度“${o.quarter}”无法识别，应为如2020Q2（年份加Q1至Q4）`);
      const started = Date.now();
      const book = await readBook({ loans: o.loans, repayments: o.repayments, rates: o.rates });
      const lines = quarterSubsidy(book.loans, q);
      writeFileSync(o.out, subsidyCsv(lines));
      if (o.rejected) writeFileSync(o.rejected, rejectedCsv(book.rejected));
      const t = totals(lines);
      console.log(`${q.label}贴息：${t.loans}笔贷款，合计${formatFen(t.subsidyFen)}元，其中逾期${t.overdue}笔；拒收${book.rejected.length}行${o.rejected ? '' : '（用 --rejected 输出清单）'}；用时${((Date.now() - started) / 1000).toFixed(1)}秒`);
    });
}
