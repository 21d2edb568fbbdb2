// `anju crosscheck` — the cross-check on files, no database needed (FORMATS §6 output).
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AppError } from '../shared/errors.ts';
import { formatFen, parseYuanToFen } from '../shared/money.ts';
import { parseDate } from '../shared/dates.ts';
import { runCrosscheckFiles, type RowProblem } from './files.ts';
import { findingsCsv, problemLine, PROBLEMS_HEADER } from './findings-csv.ts';
import { FINDING_CODES, FINDING_LABELS } from './types.ts';

const list = (v?: string) =>
  v
    ? v
        .split(/[,，;；\s]+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** Side file next to the findings: 核查结果.csv → 核查结果_无法读取的行.csv */
export function problemsPathFor(out: string): string {
  return out.replace(/(\.csv)?$/i, '_无法读取的行.csv');
}

export function registerCrosscheckCommands(program: Command): void {
  program
    .command('crosscheck')
    .description('交叉核对（文件模式）：花名册、发放明细与死亡名单、户籍库比对，输出核查结果CSV，不需要数据库')
    .requiredOption('--roster <file>', '后扶人口花名册（CSV或XLSX）')
    .requiredOption('--payments <file>', '直补发放明细')
    .option('--deaths <file>', '死亡人员名单')
    .option('--hukou <file>', '户籍人口信息')
    .option('--other-rosters <files>', '其他县花名册，逗号分隔')
    .option('--periods <list>', '核查期间，如 2023,2024H1（默认：发放明细中出现的全部期间）')
    .option('--coverage <list>', '户籍库覆盖的县级区划代码，如 430582,430602（默认：户籍库中出现的县）')
    .option('--standard <yuan>', '扶持标准（元/人/年）', '600')
    .option('--term-years <n>', '扶持期限（年）', '20')
    .option('--date <date>', '核查日期（身份证出生日期不得晚于此日），默认今天')
    .requiredOption('--out <file>', '核查结果输出文件（CSV）')
    .action(async (o: Record<string, string>) => {
      const standardFen = parseYuanToFen(o.standard);
      if (standardFen === null || standardFen <= 0) throw new AppError('VALIDATION', `扶持标准“${o.standard}”不是有效金额`);
      const termYears = Number(o.termYears);
      if (!Number.isInteger(termYears) || termYears <= 0) throw new AppError('VALIDATION', `扶持期限“${o.termYears}”应为正整数年`);
      const checkDate = o.date ? (parseDate(o.date) ?? undefined) : undefined;
      if (o.date && !checkDate) throw new AppError('VALIDATION', `核查日期“${o.date}”无法识别`);

      const badCounty = list(o.coverage)?.find((c) => !/^\d{6}$/.test(c));
      if (badCounty) throw new AppError('VALIDATION', `户籍库覆盖范围“${badCounty}”应为6位县级区划代码`);
      const problemsPath = problemsPathFor(o.out);
      let problemStream: WriteStream | null = null;
      let problemCount = 0;
      const shown: RowProblem[] = [];
      const warnings: string[] = [];
      const report = (p: RowProblem) => {
        problemCount++;
        if (shown.length < 20) shown.push(p);
        if (!problemStream) {
          problemStream = createWriteStream(problemsPath);
          problemStream.write('\ufeff' + PROBLEMS_HEADER.join(',') + '\r\n');
        }
        problemStream.write(problemLine(p) + '\r\n');
      };
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: '核对中 [{bar}] {percentage}% | {stage}', stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
      let started = false;
      const started0 = Date.now();
      let result: Awaited<ReturnType<typeof runCrosscheckFiles>>;
      try {
        result = await runCrosscheckFiles(
          { roster: o.roster, payments: o.payments, deaths: o.deaths, hukou: o.hukou, otherRosters: list(o.otherRosters) },
          {
            periods: list(o.periods),
            coverage: list(o.coverage),
            settings: { standardFen, termYears },
            checkDate,
            report,
            warn: (m) => warnings.push(m),
            onProgress: (done, total, stage) => {
              if (!bar) return;
              if (!started) {
                bar.start(total, 0, { stage });
                started = true;
              }
              bar.update(done, { stage });
            },
          },
        );
      } finally {
        bar?.stop();
        if (problemStream) await new Promise<void>((r) => (problemStream as WriteStream).end(r));
      }
      await writeFile(o.out, findingsCsv(result.findings));

      const s = result.summary;
      const out: string[] = [];
      out.push(`交叉核对完成（用时${((Date.now() - started0) / 1000).toFixed(1)}秒）`);
      out.push(
        `花名册${s.rosterRows}行（${s.rosterPersons}人），发放明细${s.paymentRows}行，死亡名单${s.deathRows}行，户籍库${s.hukouRows}行${s.otherRosterRows ? `，其他县花名册${s.otherRosterRows}行` : ''}`,
      );
      out.push(`核查期间：${s.periods.join('、') || '无'}${o.hukou ? `；户籍库覆盖：${s.coverage.join('、') || '无'}` : ''}`);
      out.push('问题统计：');
      for (const c of FINDING_CODES) out.push(`  ${FINDING_LABELS[c]}（${c}）：${s.counts[c]}人`);
      out.push(`合计 ${result.findings.length} 条；多发合计 ${formatFen(s.overFen)} 元，少发合计 ${formatFen(s.underFen)} 元`);
      out.push(`核查结果已写入：${o.out}`);
      console.log(out.join('\n'));
      for (const w of warnings) console.error(`提示：${w}`);
      if (problemCount) {
        console.error(`注意：输入文件中有${problemCount}行存在问题（已列入 ${problemsPath}），前${shown.length}条：`);
        for (const p of shown) console.error(`  ${p.file} 第${p.rowNumber}行【${p.column}】${p.reason}`);
      }
    });
}
