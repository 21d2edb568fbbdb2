// `anju synth` — write a synthetic county (roster, payments, deaths, hukou, truth) for demos,
// tests and benchmarks. Everything is invented.
import type { Command } from 'commander';
import { AppError } from '../shared/errors.ts';
import { formatFen } from '../shared/money.ts';
import { generateCountyFiles } from './county.ts';

export function registerSynthCommands(program: Command): void {
  program
    .command('synth')
    .description('生成模拟县数据（花名册、发放明细、死亡名单、户籍库及预置问题清单truth.csv），全部为虚构数据')
    .requiredOption('--persons <n>', '花名册人数')
    .option('--seed <s>', '随机种子（相同种子生成相同数据）', '1')
    .requiredOption('--out <dir>', '输出目录')
    .option('--county <code>', '县级区划代码', '430582')
    .option('--years <list>', '发放年度，如 2021,2022,2023,2024', '2021,2022,2023,2024')
    .option('--hukou-rows <n>', '户籍库行数（默认人数×5）')
    .option('--deaths <n>', '死亡名单行数（默认人数÷4）')
    .option('--plant-rate <r>', '预置问题的比例', '0.04')
    .action((o: Record<string, string>) => {
      const persons = Number(o.persons);
      if (!Number.isInteger(persons) || persons <= 0) throw new AppError('VALIDATION', `人数“${o.persons}”应为正整数`);
      if (!/^\d{6}$/.test(o.county)) throw new AppError('VALIDATION', `县级区划代码“${o.county}”应为6位数字`);
      const years = o.years.split(/[,，]/).map((y) => Number(y.trim()));
      if (years.some((y) => !Number.isInteger(y) || y < 2006 || y > 2100)) throw new AppError('VALIDATION', `年度“${o.years}”无法识别`);
      const t0 = Date.now();
      const s = generateCountyFiles(o.out, {
        persons,
        seed: o.seed,
        countyCode: o.county,
        years: years.sort(),
        hukouRows: o.hukouRows ? Number(o.hukouRows) : undefined,
        deaths: o.deaths ? Number(o.deaths) : undefined,
        plantRate: Number(o.plantRate),
        onProgress: (n) => {
          if (process.stderr.isTTY) process.stderr.write(`\r已生成${n}人…`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(`已生成模拟数据到 ${o.out}（用时${((Date.now() - t0) / 1000).toFixed(1)}秒）`);
      console.log(`花名册${s.rosterRows}行（${s.persons}人），发放明细${s.paymentRows}行，死亡名单${s.deathRows}行，户籍库${s.hukouRows}行`);
      console.log(
        `预置问题：${Object.entries(s.truth.byCode)
          .map(([c, n]) => `${c} ${n}`)
          .join('，')}；多发${formatFen(s.truth.overFen)}元，少发${formatFen(s.truth.underFen)}元`,
      );
    });
}
