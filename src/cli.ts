// `anju` — the command-line tool. Each capability adds its commands here.
import { Command } from 'commander';
import { VERSION } from './shared/version.ts';
import { isAppError } from './shared/errors.ts';
import { registerDbCommands } from './system/db.cli.ts';
import { registerAuthCommands } from './auth/auth.cli.ts';
import { registerCrosscheckCommands } from './crosscheck/crosscheck.cli.ts';
import { registerSynthCommands } from './synth/synth.cli.ts';
import { registerQualityCommands } from './quality/quality.cli.ts';
import { registerRosterCommands } from './registry/roster.cli.ts';
import { registerSubsidyCommands } from './subsidy/subsidy.cli.ts';

const program = new Command();
program.name('anju').description('安居 — 水库移民后期扶持业务系统 命令行工具').version(VERSION);
registerDbCommands(program);
registerAuthCommands(program);
registerCrosscheckCommands(program);
registerSynthCommands(program);
registerQualityCommands(program);
registerRosterCommands(program);
registerSubsidyCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (isAppError(e)) {
    console.error(`错误：${e.message}`);
    process.exit(2);
  }
  throw e;
}
