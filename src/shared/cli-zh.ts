// commander in Chinese: help titles, the help and version options, required options marked
// 必填, and commander's own error messages translated before they are printed.
import { Help, type Command, type Option, type Argument } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
  'Global Options:': '全局选项：',
};

function zhExtras(text: string): string {
  return text
    .replace(/\(default: ([^)]*)\)/g, '（默认：$1）')
    .replace(/\(choices: ([^)]*)\)/g, '（可选：$1）')
    .replace(/\(preset: ([^)]*)\)/g, '（预设：$1）')
    .replace(/\(env: ([^)]*)\)/g, '（环境变量：$1）');
}

const ERRORS: [RegExp, (...m: string[]) => string][] = [
  [/^error: required option '(.+)' not specified/, (o) => `错误：缺少必填选项 ${o}`],
  [/^error: missing required argument '(.+)'/, (a) => `错误：缺少必填参数 <${a}>`],
  [/^error: option '(.+)' argument missing/, (o) => `错误：选项 ${o} 需要一个取值`],
  [/^error: option '(.+)' argument '(.*)' is invalid\.?/, (o, v) => `错误：选项 ${o} 的取值“${v}”不正确`],
  [/^error: command-argument value '(.*)' is invalid for argument '(.+)'\.?/, (v, a) => `错误：参数 ${a} 的取值“${v}”不正确`],
  [/^error: unknown option '(.+?)'/, (o) => `错误：没有选项 ${o}`],
  [/^error: unknown command '(.+?)'/, (c) => `错误：没有命令 ${c}`],
  [
    /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\./,
    (c, e, g) => `错误：${c ? `命令 ${c} 的` : ''}参数过多，应为${e}个，实际${g}个`,
  ],
  [/^error: (.+) cannot be used with (.+)/, (a, b) => `错误：${a} 不能与 ${b} 同时使用`],
];

/** commander's English error line(s) in Chinese (with its "Did you mean" suggestion). */
/** a terminal colour code (ESC [ … m): it takes no column */
const TERMINAL_COLOUR = new RegExp(String.raw`\x1b\[\d*(;\d+)*m`, 'g');

export function commanderErrorZh(text: string): string {
  let out = text;
  for (const [re, fn] of ERRORS) {
    const m = re.exec(out);
    if (m) {
      out = out.replace(re, fn(...m.slice(1)));
      break;
    }
  }
  return out
    .replace(/^error: /, '错误：')
    .replace(/\(Did you mean one of (.+)\?\)/, '（是不是要输入以下之一：$1？）')
    .replace(/\(Did you mean (.+)\?\)/, '（是不是要输入 $1？）');
}

/** Configure `program` (and, by inheritance, every command added after) to speak Chinese. */
export function chineseCommander(program: Command): Command {
  const base = new Help();
  program
    .configureHelp({
      // Chinese characters take two columns in a terminal: keep the descriptions lined up
      displayWidth: (str: string) =>
        [...str.replace(TERMINAL_COLOUR, '')].reduce(
          (n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1),
          0,
        ),
      styleTitle: (title: string) => TITLES[title] ?? title,
      optionDescription: (option: Option) => {
        const d = zhExtras(base.optionDescription(option));
        return option.mandatory ? `${d}（必填）` : d;
      },
      argumentDescription: (argument: Argument) => {
        const d = zhExtras(base.argumentDescription(argument));
        return argument.required ? `${d}（必填）`.replace(/^（必填）$/, '必填') : d;
      },
      subcommandTerm: (cmd: Command) => base.subcommandTerm(cmd).replace('[options]', '[选项]'),
      commandUsage: (cmd: Command) => base.commandUsage(cmd).replace('[options]', '[选项]').replace('[command]', '[命令]'),
    })
    .configureOutput({ outputError: (str, write) => write(commanderErrorZh(str)) })
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [命令]', '显示某个命令的帮助')
    .showHelpAfterError('（加 --help 查看用法）');
  return program;
}
