// anju monitoring match --alerts F --out F | anju monitoring demo
// `match` checks an office's alert file against the database's population (monitored members
// and the post-support register) without importing it: matched rows with their evidence, and
// the rejected rows (row, column, reason). `demo` loads the demo monitoring data.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { openDatabase, optionsFromEnv } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { csvDocument, csvLine } from '../shared/files/csv-write.ts';
import { ALERT_SOURCES, ALERT_TYPES, MATCH_KINDS, type AlertSource } from './codes.ts';
import { buildPopulation } from './alert.service.ts';
import { commandCounty } from './household.service.ts';
import { readAlertFile } from './alert-file.ts';
import { matchAlert, emptyMatchCounts } from './alerts.ts';
import { loadMonitoringDemo } from './demo.ts';

export const MATCH_HEADERS = ['行号', '身份证号', '姓名', '来源', '预警类型', '比对结果', '监测户或户编号', '村代码', '证据'] as const;

export function registerMonitoringCommands(program: Command): void {
  const m = program.command('monitoring').description('防返贫监测');
  m.command('match')
    .description('部门预警文件比对监测户和后扶人口（不导入）：输出比对结果和被拒绝的行')
    .requiredOption('--alerts <file>', '预警文件（CSV 或 xlsx）')
    .requiredOption('--out <file>', '比对结果 CSV')
    .option(
      '--source <code>',
      `来源部门：${Object.entries(ALERT_SOURCES)
        .map(([k, v]) => `${k}=${v}`)
        .join('，')}`,
    )
    .option('--rejected <file>', '被拒绝的行 CSV（文件,行号,列,原因）')
    .option('--county <code>', '县级区划代码（库中只有一个县时可省略）')
    .action(async (o: { alerts: string; out: string; source?: string; rejected?: string; county?: string }) => {
      if (o.source && !(o.source in ALERT_SOURCES)) throw new AppError('VALIDATION', `--source 应为 ${Object.keys(ALERT_SOURCES).join('、')} 之一`);
      const d = await openDatabase(optionsFromEnv());
      try {
        await migrate(d);
        const index = await buildPopulation(d.db, await commandCounty(d.db, o.county));
        const out = createWriteStream(o.out);
        out.write('\ufeff' + MATCH_HEADERS.join(',') + '\r\n');
        const counts = emptyMatchCounts();
        const s = await readAlertFile(o.alerts, {
          source: (o.source as AlertSource) ?? null,
          today: todayIso(),
          onAlert: (a) => {
            const x = matchAlert(a, index);
            counts[x.matchKind]++;
            out.write(
              csvLine(
                [
                  a.rowNumber,
                  a.idNumber,
                  a.name,
                  ALERT_SOURCES[a.source],
                  ALERT_TYPES[a.alertType].label,
                  MATCH_KINDS[x.matchKind],
                  x.person?.householdKey ?? '',
                  x.person?.villageCode ?? a.villageCode,
                  x.evidence,
                ],
                ['raw', 'raw'],
              ) + '\r\n',
            );
          },
        });
        out.end();
        await once(out, 'finish');
        if (o.rejected) {
          const { writeFile } = await import('node:fs/promises');
          await writeFile(
            o.rejected,
            csvDocument(
              ['文件', '行号', '列', '原因'],
              s.problems.map((p) => [o.alerts, p.rowNumber, p.column, p.reason]),
              ['text', 'raw'],
            ),
          );
        }
        for (const w of s.warnings) console.error(`提示：${w}`);
        console.log(`共 ${s.rows} 行：接受 ${s.accepted}（监测户 ${counts.monitored}，后扶人口 ${counts.support}，未在册 ${counts.none}），拒绝 ${s.rejected}`);
      } finally {
        await d.close();
      }
    });
  m.command('demo')
    .description('载入演示监测数据（须先载入演示花名册：anju demo）')
    .option('--households <n>', '监测户数', '300')
    .option('--county <code>', '县级区划代码')
    .action(async (o: { households: string; county?: string }) => {
      const d = await openDatabase(optionsFromEnv());
      try {
        await migrate(d);
        const s = await loadMonitoringDemo({ database: d }, { countyCode: await commandCounty(d.db, o.county), households: Number(o.households) });
        console.log(
          `已载入：监测户 ${s.households}（其中后扶人口户 ${s.linked}，风险已消除 ${s.removed}，待审核 ${s.pending}），排查走访 ${s.visits} 户次，部门预警 ${s.alerts} 条`,
        );
      } finally {
        await d.close();
      }
    });
}
