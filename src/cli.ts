// `anju` — the command-line tool. Each capability adds its commands here.
import { Command } from 'commander';
import { VERSION } from './shared/version.ts';
import { isAppError } from './shared/errors.ts';
import { chineseCommander } from './shared/cli-zh.ts';
import { installChineseZod } from './shared/zod-zh.ts';

// Each capability's commands, loaded only when called: `anju quality` or `anju crosscheck`, which
// other tools run often, then start without loading the database, the web server and ExcelJS.
type Register = (program: Command) => void;
const MODULES: [commands: string[], load: () => Promise<Register>][] = [
  [['db'], async () => (await import('./system/db.cli.ts')).registerDbCommands],
  [['users', 'audit'], async () => (await import('./auth/auth.cli.ts')).registerAuthCommands],
  [['crosscheck'], async () => (await import('./crosscheck/crosscheck.cli.ts')).registerCrosscheckCommands],
  [['synth'], async () => (await import('./synth/synth.cli.ts')).registerSynthCommands],
  [['quality'], async () => (await import('./quality/quality.cli.ts')).registerQualityCommands],
  [['import', 'export', 'demo'], async () => (await import('./registry/roster.cli.ts')).registerRosterCommands],
  [['payroll'], async () => (await import('./subsidy/subsidy.cli.ts')).registerSubsidyCommands],
  [['funds'], async () => (await import('./funds/funds.cli.ts')).registerFundsCommands],
  [['microcredit'], async () => (await import('./microcredit/microcredit.cli.ts')).registerMicrocreditCommands],
  [['monitoring'], async () => (await import('./monitoring/monitoring.cli.ts')).registerMonitoringCommands],
  // after the ledger's own `funds` commands, so `funds projects` joins them
  [['funds'], async () => (await import('./funds/projects.cli.ts')).registerProjectCommands],
];

const program = new Command();
chineseCommander(program);
installChineseZod();
program.name('anju').description('安居 — 水库移民后期扶持业务系统 命令行工具').version(VERSION, '-V, --version', '显示版本号');
const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
const chosen = MODULES.filter(([commands]) => first !== undefined && commands.includes(first));
for (const [, load] of chosen.length ? chosen : MODULES) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (isAppError(e)) {
    console.error(`错误：${e.message}`);
    process.exit(2);
  }
  throw e;
}
