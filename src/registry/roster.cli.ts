// anju import roster FILE | anju export roster --out FILE | anju demo
// The CLI works as the county operator; its audit entries name the command line and the OS user.
import { readFile, writeFile, mkdir, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openDatabase, optionsFromEnv, type Database } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { AppError } from '../shared/errors.ts';
import type { AuditActor } from '../shared/audit.ts';
import { isCountyCode } from '../shared/region.ts';
import { previewRoster, applyRoster, countyCodes, type ImportSummary } from './roster-import.ts';
import { exportRoster, rosterCsv, rosterXlsx } from './roster-export.ts';
import { generateDemoRoster, loadDemoCounty } from './demo.ts';
import { ROSTER_HEADERS, type RowProblem } from './roster-file.ts';

function cliActor(): AuditActor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { userId: null, username: `命令行:${who}` };
}

async function withDatabase<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openDatabase(optionsFromEnv());
  try {
    await migrate(d);
    return await fn(d);
  } finally {
    await d.close();
  }
}

/** --county, else the only county in the counties table, else null (every county of the file). */
async function resolveCounty(d: Database, given?: string): Promise<string | null> {
  if (given) {
    if (!isCountyCode(given)) throw new AppError('VALIDATION', `县级区划代码“${given}”不正确（应为6位，如430582）`);
    return given;
  }
  const codes = await countyCodes(d.db);
  return codes.length === 1 ? codes[0] : null;
}

function subcommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

const KIND: Record<string, string> = { rejected: '未导入', corrected: '已更正', warning: '提示' };

async function writeProblems(file: string, problems: RowProblem[]): Promise<string> {
  const name = `${basename(file, extname(file))}_导入问题清单.csv`;
  const rows = problems.map((p) => [String(p.rowNumber), p.column, p.value, p.reason, KIND[p.kind]]);
  const content = rosterCsv(['行号', '列', '内容', '原因', '处理'], rows);
  let dir = dirname(resolve(file));
  try {
    await access(dir, constants.W_OK);
  } catch {
    dir = tmpdir();
  }
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function printSummary(s: ImportSummary, dryRun: boolean) {
  const lines = [
    dryRun ? '预览（--dry-run，数据库未修改）：' : '导入完成：',
    `  读取 ${s.rowsRead} 行（${s.format.toUpperCase()}${s.encoding ? '，' + s.encoding : ''}），涉及县：${s.counties.join('、')}`,
    `  ${dryRun ? '将新增' : '新增'} ${s.added} 人，${dryRun ? '将变更' : '变更'} ${s.changed} 人，无变化 ${s.unchanged} 人`,
    `  拒绝 ${s.rejectedRows} 行，更正 ${s.corrected} 处，错误 ${s.errors ?? 0} 处（已照原样导入，请更正），提示 ${s.warnings} 处`,
    `  花名册中有、文件中没有的 ${s.notInFile} 人（未删除）`,
  ];
  for (const w of s.fileWarnings) lines.push(`  注意：${w}`);
  console.log(lines.join('\n'));
}

export function registerRosterCommands(program: Command): void {
  subcommand(program, 'import', '导入数据文件')
    .command('roster <file>')
    .description('导入后扶人口花名册（CSV/XLSX，格式见FORMATS §1）：先比对，再在一个事务中写入')
    .option('--county <code>', '县级区划代码（默认：库中唯一的县，否则按文件中的村代码）')
    .option('--dry-run', '只预览，不写入数据库')
    .action(async (file: string, o: { county?: string; dryRun?: boolean }) => {
      let content: Buffer;
      try {
        content = await readFile(file);
      } catch (e) {
        throw new AppError('FILE_UNREADABLE', `无法读取文件${file}：${(e as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : (e as Error).message}`);
      }
      await withDatabase(async (d) => {
        const county = await resolveCounty(d, o.county);
        const bar = new cliProgress.SingleBar(
          { format: '{stage} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true, noTTYOutput: false },
          cliProgress.Presets.shades_classic,
        );
        const tty = process.stderr.isTTY;
        let barStarted = false;
        const onProgress = (n: number) => {
          if (!tty) return;
          if (!barStarted) {
            bar.start(0, n, { stage: '读取' });
            barStarted = true;
          }
          bar.setTotal(n);
          bar.update(n, { stage: '读取' });
        };
        const onWrite = (w: number, t: number) => {
          if (!tty) return;
          if (!barStarted) {
            bar.start(t, 0, { stage: '写入' });
            barStarted = true;
          }
          bar.setTotal(t);
          bar.update(w, { stage: '写入' });
        };
        let result: Awaited<ReturnType<typeof previewRoster>> | Awaited<ReturnType<typeof applyRoster>>;
        try {
          result = o.dryRun
            ? await previewRoster(d.db, content, { counties: county ? [county] : null, onProgress })
            : await applyRoster(d.db, content, { counties: county ? [county] : null, onProgress, onWrite, actor: cliActor(), filename: basename(file) });
        } finally {
          if (barStarted) bar.stop();
        }
        printSummary(result.summary, !!o.dryRun);
        const problems = result.file.problems;
        const rejected = problems.filter((p) => p.kind === 'rejected');
        if (rejected.length) {
          console.log(`被拒绝的行（前${Math.min(20, rejected.length)}条）：`);
          for (const p of rejected.slice(0, 20)) console.log(`  第${p.rowNumber}行 ${p.column}${p.value ? `“${p.value}”` : ''}：${p.reason}`);
        }
        if (problems.length) console.log(`全部问题清单（拒绝、更正、提示共${problems.length}条）：${await writeProblems(file, problems)}`);
      });
    });

  subcommand(program, 'export', '导出数据文件')
    .command('roster')
    .description('导出后扶人口花名册（格式同导入），默认脱敏；--unmasked 导出完整身份证号、账号、电话（记审计）')
    .requiredOption('--out <file>', '输出文件（.xlsx 或 .csv）')
    .option('--format <format>', 'xlsx 或 csv（默认按文件扩展名）')
    .option('--county <code>', '县级区划代码（默认：库中唯一的县）')
    .option('--village <code>', '只导出该村（12位村代码）')
    .option('--status <status>', '正常 或 已核减')
    .option('--unmasked', '不脱敏')
    .action(async (o: { out: string; format?: string; county?: string; village?: string; status?: string; unmasked?: boolean }) => {
      const format = (o.format ?? (extname(o.out).toLowerCase() === '.csv' ? 'csv' : 'xlsx')) as 'xlsx' | 'csv';
      if (format !== 'xlsx' && format !== 'csv') throw new AppError('VALIDATION', `--format 应为 xlsx 或 csv`);
      if (o.status && o.status !== '正常' && o.status !== '已核减') throw new AppError('VALIDATION', '--status 应为“正常”或“已核减”');
      if (o.village && !/^\d{12}$/.test(o.village)) throw new AppError('VALIDATION', '--village 应为12位村代码');
      await withDatabase(async (d) => {
        const county = (await resolveCounty(d, o.county)) ?? o.village?.slice(0, 6);
        if (!county) throw new AppError('VALIDATION', '库中有多个县，请用 --county 指定');
        const out = await exportRoster(d.db, {
          scope: county,
          village: o.village,
          status: o.status as '正常' | '已核减' | undefined,
          format,
          unmasked: !!o.unmasked,
          actor: cliActor(),
        });
        await writeFile(o.out, out.content);
        console.log(`已导出 ${out.rows} 人到 ${o.out}${o.unmasked ? '（未脱敏，已记审计）' : '（已脱敏）'}`);
      });
    });

  program
    .command('demo')
    .description('生成演示县的花名册：写入数据库（经花名册导入），或用 --out 写成 roster.csv / roster.xlsx')
    .option('--persons <n>', '人数', '3000')
    .option('--seed <s>', '随机种子（相同种子生成相同数据）', '1')
    .option('--county <code>', '县级区划代码', '430582')
    .option('--out <dir>', '输出目录（不写数据库）')
    .action(async (o: { persons: string; seed: string; county: string; out?: string }) => {
      const persons = Number(o.persons),
        seed = Number(o.seed);
      if (!Number.isInteger(persons) || persons < 1 || persons > 2_000_000) throw new AppError('VALIDATION', '--persons 应为1到2000000之间的整数');
      if (!Number.isInteger(seed)) throw new AppError('VALIDATION', '--seed 应为整数');
      if (!isCountyCode(o.county)) throw new AppError('VALIDATION', `县级区划代码“${o.county}”不正确`);
      if (o.out) {
        await mkdir(o.out, { recursive: true });
        const rows = generateDemoRoster({ persons, seed, countyCode: o.county });
        await writeFile(join(o.out, 'roster.csv'), rosterCsv(ROSTER_HEADERS, rows));
        await writeFile(join(o.out, 'roster.xlsx'), await rosterXlsx(ROSTER_HEADERS, rows));
        console.log(`已生成 ${rows.length} 人的演示花名册：${join(o.out, 'roster.csv')}、${join(o.out, 'roster.xlsx')}`);
        return;
      }
      await withDatabase(async (d) => {
        const s = await loadDemoCounty({ database: d }, { persons, seed, countyCode: o.county, actor: cliActor() });
        console.log(`演示县${o.county}已载入：新增 ${s.added} 人，变更 ${s.changed} 人，无变化 ${s.unchanged} 人`);
      });
    });
}
