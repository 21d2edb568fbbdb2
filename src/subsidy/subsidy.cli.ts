// anju payroll build | list | review | export | import-results | failures | close
// The CLI works as the county operator; audit entries name the command line and the OS user.
import type { Command } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import cliProgress from 'cli-progress';
import { openDatabase, optionsFromEnv, type Database } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { formatFen } from '../shared/money.ts';
import type { AuditActor } from '../shared/audit.ts';
import {
  buildPayroll,
  listPayrolls,
  reviewPayroll,
  closePayroll,
  listFailures,
  prepareBankExport,
  writeBankFile,
  importBankReturn,
  cliCounty,
} from './subsidy.service.ts';
import { STATUS_NAMES, KIND_NAMES, type Payroll } from './subsidy.contract.ts';

function actor(): AuditActor {
  let who = '';
  try {
    who = userInfo().username;
  } catch {
    /* none */
  }
  return { userId: null, username: who ? `命令行(${who})` : '命令行' };
}

async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openDatabase(optionsFromEnv());
  try {
    await migrate(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}

const countyOf = (d: Database, given?: string) => cliCounty(d.db, given);

function printRoll(p: Payroll) {
  console.log(
    `批次 ${p.id}（${p.batchNo}）${p.period} ${KIND_NAMES[p.kind]}：${STATUS_NAMES[p.status]}；${p.persons}人，合计${formatFen(p.totalFen)}元；未列入${p.excluded}人；标准${formatFen(p.rules.standardFen)}元/年`,
  );
  if (p.counts)
    console.log(
      `  待发放${p.counts.pending}人，成功${p.counts.success}人（${formatFen(p.counts.successFen)}元），失败${p.counts.failure}人（${formatFen(p.counts.failureFen)}元），无账号${p.counts.noAccount}人`,
    );
}

export function registerSubsidyCommands(program: Command) {
  const c = program.command('payroll').description('直补发放：编制批次、导出银行文件、导入回盘');
  const county = (cmd: Command) => cmd.option('--county <code>', '县级区划代码（默认：库中唯一的县）');

  county(
    c
      .command('build')
      .description('按期间首日的花名册和设置编制发放批次')
      .requiredOption('--period <period>', '发放期间，如 2025 或 2025H1')
      .option('--supplementary', '补发批次（新增人员和发放失败人员）'),
  ).action((o: { period: string; supplementary?: boolean; county?: string }) =>
    withDb(async (d) => {
      const started = Date.now();
      const p = await buildPayroll(d.db, actor(), {
        countyCode: await countyOf(d, o.county),
        period: o.period,
        kind: o.supplementary ? 'supplementary' : 'regular',
      });
      printRoll(p);
      console.log(`  用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
    }),
  );
  county(c.command('list').description('发放批次列表').option('--period <period>')).action((o: { period?: string; county?: string }) =>
    withDb(async (d) => {
      for (const p of await listPayrolls(d.db, await countyOf(d, o.county), { period: o.period })) printRoll(p);
    }),
  );
  county(c.command('review <id>').description('审核批次')).action((id: string, o: { county?: string }) =>
    withDb(async (d) => {
      printRoll(await reviewPayroll(d.db, actor(), await countyOf(d, o.county), Number(id)));
    }),
  );
  county(c.command('close <id>').description('关闭批次（全部有结果后）')).action((id: string, o: { county?: string }) =>
    withDb(async (d) => {
      printRoll(await closePayroll(d.db, actor(), await countyOf(d, o.county), Number(id)));
    }),
  );
  county(
    c
      .command('export <id>')
      .description('导出银行发放文件')
      .requiredOption('--out <file>', '输出文件')
      .option('--template <code>', '模板：generic、generic-xlsx、gbk-csv 或本县模板', 'generic'),
  ).action((id: string, o: { out: string; template: string; county?: string }) =>
    withDb(async (d) => {
      const cc = await countyOf(d, o.county);
      const prep = await prepareBankExport(d.db, actor(), cc, Number(id), o.template);
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: '导出中 [{bar}] {percentage}% | {value}/{total} 行', stream: process.stderr, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
      bar?.start(Math.max(prep.rows, 1), 0);
      const n = await writeBankFile(d.db, cc, Number(id), prep.tpl, prep.batchNo, createWriteStream(o.out), (k) => bar?.update(k));
      bar?.stop();
      console.log(`已导出 ${o.out}：${n}行，合计${formatFen(prep.totalFen)}元${prep.noAccount ? `；${prep.noAccount}人无银行账号，已记为失败待补发` : ''}`);
    }),
  );
  county(
    c.command('import-results <id> <file>').description('导入银行回盘（不属于本批次的文件整体拒绝；同一文件重复导入不改变数据）').option('--template <code>'),
  ).action((id: string, file: string, o: { template?: string; county?: string }) =>
    withDb(async (d) => {
      const s = await importBankReturn(d.db, actor(), await countyOf(d, o.county), Number(id), {
        filename: basename(file),
        content: readFileSync(file),
        templateCode: o.template,
      });
      if (s.alreadyImported) console.log('该回盘文件已导入过，本次未改变任何数据');
      else console.log(`已导入：成功${s.succeeded}人，失败${s.failed}人，未变${s.unchanged}人；回盘中缺少${s.missing}人；不在批次中${s.unknown.length}人`);
      for (const p of s.problems.slice(0, 50)) console.log(`  第${p.rowNumber}行 ${p.column}：${p.reason}`);
      for (const w of s.warnings.slice(0, 20)) console.log(`  提示：${w}`);
    }),
  );
  county(c.command('failures').description('发放失败、尚未补发的人员').requiredOption('--period <period>')).action((o: { period: string; county?: string }) =>
    withDb(async (d) => {
      const rows = await listFailures(d.db, await countyOf(d, o.county), o.period);
      console.log(`${o.period}期间发放失败待补发：${rows.length}人`);
      for (const l of rows.slice(0, 200)) console.log(`  ${l.batchNo} ${l.name} ${l.villageCode} ${formatFen(l.amountFen)}元：${l.resultReason}`);
    }),
  );
}
