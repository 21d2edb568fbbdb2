// npm run bench microcredit [-- --loans=200000 --per-loan=10 --quarter=2021Q2] — a generated
// loan book (200 000 loans, 2 000 000 repayments by default) through `anju microcredit subsidy`
// in a fresh process, timed from start to exit as a user would see it; then, in this process,
// the rejected rows against the generator's planted faults and a sample of loans against the
// day-by-day reference. Prints figures; asserts nothing.
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { synthBook, LOAN_HEADER, REPAYMENT_HEADER } from '../src/microcredit/synth.ts';
import { readBook } from '../src/microcredit/files.ts';
import { quarterSubsidy, loanQuarter } from '../src/microcredit/subsidy.ts';
import { referenceQuarter } from '../src/microcredit/reference.ts';
import { parseQuarter } from '../src/microcredit/values.ts';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const loans = Number(arg('loans', '200000')),
  perLoan = Number(arg('per-loan', '10')),
  quarter = arg('quarter', '2021Q2');
const dir = await mkdtemp(join(tmpdir(), 'anju-mc-bench-'));
const files = { loans: join(dir, 'loans.csv'), repayments: join(dir, 'repayments.csv'), rates: join(dir, 'rates.csv') };

async function writeLines(path: string, header: string, lines: Iterable<string>) {
  const out = createWriteStream(path);
  let buf: string[] = [header];
  for (const l of lines) {
    buf.push(l);
    if (buf.length >= 50000) {
      if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
      buf = [];
    }
  }
  out.end(buf.join('\n') + (buf.length ? '\n' : ''));
  await once(out, 'finish');
}

try {
  let t = Date.now();
  const book = synthBook({ loans, repaymentsPerLoan: perLoan, seed: 11 });
  writeFileSync(files.rates, book.rates);
  await writeLines(files.loans, LOAN_HEADER, book.loanLines);
  await writeLines(files.repayments, REPAYMENT_HEADER, book.repaymentLines);
  console.log(`生成：${loans} 笔贷款，${book.truth.repayments} 条还款，${((Date.now() - t) / 1000).toFixed(1)} 秒（负载 ${loadavg()[0].toFixed(2)}）`);

  const out = join(dir, 'subsidy.csv'),
    rej = join(dir, 'rejected.csv');
  t = Date.now();
  // /usr/bin/time adds the child's CPU seconds and peak memory: on a shared machine the wall
  // time depends on the load, the CPU time much less
  const timeBin = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'CPU %U+%S 秒，内存峰值 %M KB'] : [];
  const r = spawnSync(
    timeBin[0] ?? process.execPath,
    [
      ...timeBin.slice(1),
      ...(timeBin.length ? [process.execPath] : []),
      join(import.meta.dirname, '..', 'bin', 'anju.mjs'),
      'microcredit',
      'subsidy',
      '--loans',
      files.loans,
      '--repayments',
      files.repayments,
      '--rates',
      files.rates,
      '--quarter',
      quarter,
      '--out',
      out,
      '--rejected',
      rej,
    ],
    { encoding: 'utf8' },
  );
  const cliMs = Date.now() - t;
  console.log(`文件模式 anju microcredit subsidy ${quarter}：${(cliMs / 1000).toFixed(2)} 秒（目标 ≤ 10 秒），退出码 ${r.status}`);
  console.log('  ' + [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n  '));

  t = Date.now();
  let cpu = process.cpuUsage();
  const checked = await readBook(files);
  const readMs = Date.now() - t,
    readCpu = process.cpuUsage(cpu);
  t = Date.now();
  cpu = process.cpuUsage();
  const q = parseQuarter(quarter)!;
  const lines = quarterSubsidy(checked.loans, q);
  const qCpu = process.cpuUsage(cpu);
  const sec = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6).toFixed(2);
  console.log(
    `进程内：读取并校验 ${(readMs / 1000).toFixed(2)} 秒（CPU ${sec(readCpu)} 秒），计算一个季度 ${((Date.now() - t) / 1000).toFixed(2)} 秒（CPU ${sec(qCpu)} 秒），${lines.length} 行；负载 ${loadavg()[0].toFixed(2)}`,
  );

  const kinds = {
    badId: /身份证号无效/,
    duplicate: /重复/,
    badAmount: /贷款金额无法识别/,
    refusedLoan: /已被拒收/,
    unknownLoan: /不在贷款台账中/,
    aboveBalance: /超过贷款/,
  };
  const p = book.truth.planted;
  const got = Object.fromEntries(Object.entries(kinds).map(([k, re]) => [k, checked.rejected.filter((x) => re.test(x.reason)).length]));
  const ok = Object.keys(kinds).every((k) => got[k] === p[k as keyof typeof p]) && checked.loans.length === book.truth.loans;
  console.log(
    `埋设的拒收：${JSON.stringify(p)}；找到：${JSON.stringify(got)}；接受贷款 ${checked.loans.length}/${book.truth.loans} → ${ok ? '一致' : '不一致'}；拒收总数 ${checked.rejected.length}`,
  );
  const csvRows = (await readFile(out, 'utf8')).split('\r\n').length - 2;
  console.log(`输出文件 ${csvRows} 行（应为 ${lines.length}）`);

  // brute force, day by day, on every 100th loan and three quarters
  let compared = 0,
    differ = 0;
  t = Date.now();
  for (const ql of [quarter, '2020Q1', '2023Q4']) {
    const qq = parseQuarter(ql)!;
    for (let i = 0; i < checked.loans.length; i += 100) {
      const a = loanQuarter(checked.loans[i], qq),
        b = referenceQuarter(checked.loans[i], qq);
      compared++;
      const same =
        a === null
          ? b === null
          : b !== null && a.days === b.days && BigInt(a.productFen) === b.productFen && BigInt(a.subsidyFen) === b.subsidyFen && a.overdue === b.overdue;
      if (!same) differ++;
    }
  }
  console.log(`逐日核对（每100笔抽1笔，3个季度）：${compared} 次，不一致 ${differ} 次，${((Date.now() - t) / 1000).toFixed(1)} 秒`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
