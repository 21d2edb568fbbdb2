// Reading the uploaded extracts of a database-backed cross-check (FORMATS.md §1–§4) into the
// engine's records, streamed from the stored file. Rows that cannot be used are reported by row,
// column and reason, never dropped silently.
import { openTable, mapHeaders, cellText, type ColumnSpec } from '../shared/files/table.ts';
import { rosterSpec } from '../shared/files/roster-columns.ts';
import { parseDateStrict } from '../shared/dates.ts';
import { parseYuanToFen } from '../shared/money.ts';
import { parsePeriod } from '../shared/periods.ts';
import { AppError } from '../shared/errors.ts';
import { runInWorker } from '../shared/worker.ts';
import { HUKOU_STATUSES, type DeathRecord, type HukouRecord, type HukouStatus, type PaymentRecord, type RosterRecord } from '../crosscheck/index.ts';
import { INPUT_KIND_LABELS, type InputKind } from './cases.contract.ts';
import { sourceModule } from '../shared/paths.ts';

export type { InputKind };

export interface InputProblem {
  rowNumber: number;
  column: string;
  reason: string;
}

const ID_ALIASES = { 身份证号码: '身份证号', 公民身份号码: '身份证号', 证件号码: '身份证号' };
const SPECS: Record<InputKind, ColumnSpec> = {
  deaths: { columns: { 姓名: true, 身份证号: true, 死亡日期: true, 来源: false }, aliases: ID_ALIASES },
  hukou: {
    columns: { 姓名: true, 身份证号: true, 户籍状态: true, 状态变动日期: false, 户籍地区划代码: false, 性别: false, 出生日期: false },
    aliases: ID_ALIASES,
  },
  // another county's roster: only who is supported where and when is needed
  other_roster: rosterSpec(
    ['户编号', '姓名', '身份证号', '村代码', '扶持开始日期', '扶持截止日期', '状态', '核减日期', '核减原因', '与户主关系'],
    ['户编号', '姓名', '身份证号', '村代码', '状态'],
  ),
  payments: {
    columns: { 发放期间: true, 身份证号: true, 姓名: true, 金额: true, 发放结果: true, 银行账号: false },
    aliases: { ...ID_ALIASES, 发放金额: '金额' },
  },
};

type AnyRecord = DeathRecord | HukouRecord | RosterRecord | PaymentRecord;

/** Open a stored input; `records` streams the usable rows, `problems` fills as rows are read. */
export async function readInput(kind: InputKind, content: Buffer | string): Promise<{ records: AsyncIterable<AnyRecord>; problems: InputProblem[] }> {
  const t = await openTable(content);
  const m = mapHeaders(t.headers, SPECS[kind]);
  if (m.missing.length)
    throw new AppError(
      'FILE_COLUMNS',
      `${INPUT_KIND_LABELS[kind]}缺少必需的列：${m.missing.join('、')}（文件中的列为：${t.headers.filter(Boolean).join('、')}）`,
    );
  const problems: InputProblem[] = [];
  const col = (cells: unknown[], name: string) => {
    const i = m.index.get(name);
    return i === undefined ? '' : cellText(cells[i]).trim();
  };
  async function* records(): AsyncGenerator<AnyRecord> {
    for await (const { rowNumber, cells } of t.rows) {
      const bad = (column: string, reason: string) => problems.push({ rowNumber, column, reason });
      const idNumber = col(cells, '身份证号');
      if (!idNumber) {
        bad('身份证号', '身份证号为空，本行未使用');
        continue;
      }
      const name = col(cells, '姓名');
      const date = (column: string) => {
        const d = parseDateStrict(col(cells, column));
        if (!d.ok) {
          bad(column, `${d.reason}，按空处理`);
          return null;
        }
        return d.date;
      };
      if (kind === 'deaths') {
        const d = parseDateStrict(col(cells, '死亡日期'));
        if (!d.ok || !d.date) {
          bad('死亡日期', `${d.ok ? '死亡日期为空' : d.reason}，本行未使用`);
          continue;
        }
        yield { idNumber, name, deathDate: d.date, source: col(cells, '来源') || null } satisfies DeathRecord;
      } else if (kind === 'hukou') {
        const status = col(cells, '户籍状态') as HukouStatus;
        if (!HUKOU_STATUSES.includes(status)) {
          bad('户籍状态', `“${status}”应为${HUKOU_STATUSES.join('、')}之一，本行未使用`);
          continue;
        }
        yield { idNumber, name, status, changeDate: date('状态变动日期'), regionCode: col(cells, '户籍地区划代码') || null } satisfies HukouRecord;
      } else if (kind === 'other_roster') {
        const status = col(cells, '状态');
        if (status !== '正常' && status !== '已核减') {
          bad('状态', `“${status}”应为正常或已核减，本行未使用`);
          continue;
        }
        yield {
          householdNo: col(cells, '户编号'),
          name,
          idNumber,
          villageCode: col(cells, '村代码'),
          supportStart: date('扶持开始日期'),
          supportEnd: date('扶持截止日期'),
          status,
          removalDate: date('核减日期'),
          removalReason: col(cells, '核减原因') || null,
          rowNumber,
        } satisfies RosterRecord;
      } else {
        const p = parsePeriod(col(cells, '发放期间'));
        if (!p) {
          bad('发放期间', `“${col(cells, '发放期间')}”不是有效的发放期间，本行未使用`);
          continue;
        }
        const fen = parseYuanToFen(col(cells, '金额'));
        if (fen === null) {
          bad('金额', `“${col(cells, '金额')}”不是有效金额，本行未使用`);
          continue;
        }
        const r = col(cells, '发放结果');
        if (r !== '成功' && r !== '失败') {
          bad('发放结果', `“${r}”应为成功或失败，本行未使用`);
          continue;
        }
        yield { period: p.code, idNumber, name, amountFen: fen, success: r === '成功', account: col(cells, '银行账号') || null } satisfies PaymentRecord;
      }
    }
  }
  return { records: records(), problems };
}

/** Count the usable rows of an upload (checks the columns before the file is kept); at most 1 000 problems are listed. */
export async function countInput(kind: InputKind, content: Buffer | string): Promise<{ rows: number; problems: InputProblem[]; problemCount: number }> {
  const { records, problems } = await readInput(kind, content);
  let rows = 0;
  for await (const _ of records) rows++;
  return { rows, problems: problems.slice(0, 1000), problemCount: problems.length };
}

/** countInput on a file on disk, in a worker thread: the server keeps answering while a large extract is read. */
export function countInputInWorker(kind: InputKind, path: string): Promise<{ rows: number; problems: InputProblem[]; problemCount: number }> {
  return runInWorker(sourceModule('src/cases/inputs.ts'), 'countInput', [kind, path]);
}
