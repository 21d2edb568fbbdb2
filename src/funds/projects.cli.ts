// anju funds projects overdue — the overdue and stalled projects (逾期、停滞) of a county or a
// township, as a table on the terminal or a CSV for the 周调度. Registers under `funds`, beside
// the ledger commands when they are loaded first.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { openDatabase, optionsFromEnv, type Database } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso, isValidDate } from '../shared/dates.ts';
import { csvDocument } from '../shared/files/csv-write.ts';
import { alerts, projectCounty } from './projects.service.ts';
import { STAGE_NAMES } from './project-lifecycle.ts';

async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openDatabase(optionsFromEnv());
  try {
    await migrate(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}

export function registerProjectCommands(program: Command) {
  const funds = program.commands.find((c) => c.name() === 'funds') ?? program.command('funds').description('资金与后扶项目');
  const projects = funds.command('projects').description('后扶项目');
  projects
    .command('overdue')
    .description('逾期（超过当前阶段计划日期）和停滞（30天无进度报告）的项目')
    .option('--county <code>', '县级区划代码（库中只有一个县时可省略）')
    .option('--township <code>', '只列此乡镇（9位代码）')
    .option('--as-of <date>', '按此日期判断（默认今天）')
    .option('--out <file>', '写成CSV（UTF-8带BOM）')
    .action(async (o: { county?: string; township?: string; asOf?: string; out?: string }) => {
      const today = o.asOf ?? todayIso();
      if (!isValidDate(today)) throw new AppError('VALIDATION', `--as-of“${o.asOf}”不是有效日期（YYYY-MM-DD）`);
      if (o.township && !/^\d{9}$/.test(o.township)) throw new AppError('VALIDATION', `--township“${o.township}”应为9位乡镇代码`);
      await withDb(async (d) => {
        const county = await projectCounty(d.db, o.county);
        const { overdue, stalled } = await alerts(d.db, county, o.township ?? county, today);
        const rows = [
          ...overdue.map((p) => [
            p.projectNo,
            p.name,
            p.townshipName,
            p.unit ?? '',
            '逾期',
            STAGE_NAMES[p.overdue!.stage],
            p.overdue!.plannedOn,
            String(p.overdue!.days),
          ]),
          ...stalled.map((p) => [
            p.projectNo,
            p.name,
            p.townshipName,
            p.unit ?? '',
            '停滞',
            p.stage ? STAGE_NAMES[p.stage] : '',
            p.stalled!.since,
            String(p.stalled!.days),
          ]),
        ];
        const header = ['项目编号', '项目名称', '乡镇', '实施单位', '类型', '阶段', '计划或最后报送日期', '天数'];
        if (o.out) {
          writeFileSync(o.out, csvDocument(header, rows, ['text', 'text', 'text', 'text', 'text', 'text', 'raw', 'raw']));
          console.log(`已写出 ${o.out}：逾期${overdue.length}个，停滞${stalled.length}个（截至${today}）`);
          return;
        }
        console.log(`截至${today}：逾期${overdue.length}个，停滞${stalled.length}个`);
        for (const r of rows) console.log(r.join('\t'));
      });
    });
}
