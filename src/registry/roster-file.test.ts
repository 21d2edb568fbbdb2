import { describe, it } from 'node:test';
import { ID_INVALID_RULE } from '../shared/idnumber.ts';
import { BUILT_IN_RULES } from '../quality/index.ts';
import assert from 'node:assert/strict';
import { rosterLayout, parseRosterRow, diffRecord, ROSTER_HEADERS, type RosterColumn, type RowProblem } from './roster-file.ts';
import { isAppError } from '../shared/errors.ts';

const BASE: Record<RosterColumn, string> = {
  户编号: '4305821302410001',
  姓名: '李明根',
  身份证号: '430582195507296475',
  性别: '男',
  出生日期: '1955-07-29',
  与户主关系: '户主',
  村代码: '430582130241',
  乡镇: '竹田镇',
  村: '茶雁村',
  组: '4组',
  人口类别: '现状人口',
  所属水库: '湖杉水库',
  搬迁日期: '1962-07-18',
  扶持开始日期: '2006-07-01',
  扶持截止日期: '',
  状态: '正常',
  核减日期: '',
  核减原因: '',
  银行账号: '6217006880645182208',
  开户银行: '中国建设银行',
  持卡人姓名: '李明根',
  联系电话: '15614229180',
};
const OPTS = { asOf: '2024-12-31', counties: null };

function parse(over: Partial<Record<string, unknown>> = {}, headers: string[] = ROSTER_HEADERS) {
  const layout = rosterLayout(headers);
  const row = { ...BASE, ...over } as Record<string, unknown>;
  const cells = headers.map((h) => row[h.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')] ?? '');
  return parseRosterRow(layout, 7, cells, OPTS);
}
const rejected = (ps: RowProblem[]) => ps.filter((p) => p.kind === 'rejected');
const only = (ps: RowProblem[], kind: string) => ps.filter((p) => p.kind === kind).map((p) => `${p.column}:${p.reason}`);

describe('roster file: headers', () => {
  it('trims half- and full-width spaces and accepts any column order', () => {
    const headers = [
      '\u3000姓名 ',
      ' 户编号',
      ...ROSTER_HEADERS.filter((h) => h !== '姓名' && h !== '户编号')
        .reverse()
        .map((h) => `\u3000${h}\u3000`),
    ];
    const r = parse({}, headers);
    assert.equal(r.record?.name, '李明根');
    assert.equal(r.record?.householdNo, '4305821302410001');
    assert.deepEqual(rejected(r.problems), []);
  });

  it('names every missing required column in one whole-file error', () => {
    assert.throws(
      () => rosterLayout(ROSTER_HEADERS.filter((h) => h !== '身份证号' && h !== '状态')),
      (e) => {
        assert.ok(isAppError(e));
        assert.equal(e.code, 'FILE_COLUMNS');
        assert.match(e.message, /身份证号、状态/);
        return true;
      },
    );
  });

  it('keeps unknown columns as extra data with a file warning; ignores 序号', () => {
    const layout = rosterLayout(['序号', ...ROSTER_HEADERS, '备注', ' 低保户 ']);
    assert.deepEqual(layout.unknownColumns, ['备注', '低保户']);
    assert.match(layout.warnings[0], /备注、低保户/);
    const r = parse({ 序号: '12', 备注: '外出务工', 低保户: '' }, ['序号', ...ROSTER_HEADERS, '备注', ' 低保户 ']);
    assert.deepEqual(r.record?.extra, { 备注: '外出务工' });
  });
});

describe('roster file: rows', () => {
  it('reads a good row into a typed record with no problems', () => {
    const r = parse();
    assert.deepEqual(r.problems, []);
    assert.equal(r.record?.idNumber, '430582195507296475');
    assert.equal(r.record?.idValid, true);
    assert.equal(r.record?.countyCode, '430582');
    assert.equal(r.record?.supportStart, '2006-07-01');
    assert.equal(r.record?.supportEnd, null, 'an empty 扶持截止日期 is stored empty: the default term applies');
  });

  for (const col of ['户编号', '姓名', '身份证号', '与户主关系', '村代码', '扶持开始日期', '状态'] as const) {
    it(`rejects a row without ${col}`, () => {
      const r = parse({ [col]: ' \u3000' });
      assert.equal(r.record, null);
      assert.deepEqual(
        rejected(r.problems).map((p) => p.column),
        [col],
      );
      assert.match(rejected(r.problems)[0].reason, /为空（必填）/);
      assert.equal(rejected(r.problems)[0].rowNumber, 7);
    });
  }

  it('rejects unreadable dates, naming the column', () => {
    for (const col of ['扶持开始日期', '搬迁日期', '出生日期', '核减日期', '扶持截止日期'] as const) {
      const r = parse({ [col]: '2006-13-45' });
      assert.equal(r.record, null, col);
      assert.equal(rejected(r.problems)[0].column, col);
      assert.match(rejected(r.problems)[0].reason, /日期无法识别/);
    }
  });

  it('accepts every date form of FORMATS.md and Excel date cells', () => {
    assert.equal(parse({ 扶持开始日期: '2006/7/1' }).record?.supportStart, '2006-07-01');
    assert.equal(parse({ 扶持开始日期: '20060701' }).record?.supportStart, '2006-07-01');
    assert.equal(parse({ 扶持开始日期: '2006年7月1日' }).record?.supportStart, '2006-07-01');
    assert.equal(parse({ 扶持开始日期: new Date(Date.UTC(2006, 6, 1)) }).record?.supportStart, '2006-07-01');
  });

  it('rejects a 状态 other than 正常 / 已核减', () => {
    const r = parse({ 状态: '死亡' });
    assert.equal(r.record, null);
    assert.match(rejected(r.problems)[0].reason, /正常.*已核减/);
  });

  it('rejects a 村代码 that is not 12 digits, or outside the import counties', () => {
    assert.match(rejected(parse({ 村代码: '43058213024' }).problems)[0].reason, /12位数字/);
    const layout = rosterLayout(ROSTER_HEADERS);
    const r = parseRosterRow(
      layout,
      3,
      ROSTER_HEADERS.map((h) => (h === '村代码' ? '430602100201' : BASE[h])),
      { asOf: '2024-12-31', counties: new Set(['430582']) },
    );
    assert.equal(r.record, null);
    assert.match(rejected(r.problems)[0].reason, /不属于本次导入的县/);
  });

  it('rejects formula cells (the cached result is not trusted)', () => {
    const r = parse({ 身份证号: { formula: 'A1&B1', result: '430582195507296475' } });
    assert.equal(r.record, null);
    assert.equal(rejected(r.problems)[0].column, '身份证号');
    assert.match(rejected(r.problems)[0].reason, /公式/);
  });

  it('rejects masked IDs and accounts (a masked export cannot be re-imported)', () => {
    assert.match(rejected(parse({ 身份证号: '430582********6475' }).problems)[0].reason, /脱敏/);
    assert.match(rejected(parse({ 银行账号: '***************2208' }).problems)[0].reason, /脱敏/);
  });

  it('keeps an invalid ID (not a rejection), id_valid false, as an 错误: the severity of the quality catalogue (one rule)', () => {
    const r = parse({ 身份证号: '430582195507296470' });
    assert.equal(r.record?.idValid, false);
    assert.equal(r.record?.idNumber, '430582195507296470');
    assert.deepEqual(rejected(r.problems), []);
    assert.deepEqual(
      only(r.problems, 'warning').filter((x) => x.startsWith('身份证号')),
      [],
    );
    assert.match(only(r.problems, 'error')[0], /身份证号:身份证号无效（错误）：校验位错误/);
    const rule = BUILT_IN_RULES.find((x) => x.code === ID_INVALID_RULE.code)!;
    assert.deepEqual([rule.name, rule.severity], [ID_INVALID_RULE.name, ID_INVALID_RULE.severity]);
    assert.equal(rule.severity, '错误');
  });

  it('corrects a 15-digit ID to 18 digits, lower-case x and full-width digits, keeping the raw form', () => {
    const r15 = parse({ 身份证号: '430582560707337', 性别: '', 出生日期: '' });
    assert.equal(r15.record?.idNumber, '430582195607073375');
    assert.equal(r15.record?.idNumberRaw, '430582560707337');
    assert.ok(only(r15.problems, 'corrected').some((x) => /15位身份证号已升为18位：430582195607073375/.test(x)));
    const rx = parse({ 身份证号: ' 43058219991018018x ' });
    assert.equal(rx.record?.idNumber, '43058219991018018X');
    assert.ok(only(rx.problems, 'corrected').some((x) => /小写x改为大写X/.test(x)));
    const rw = parse({ 身份证号: '４３０５８２１９５５０７２９６４７５' });
    assert.equal(rw.record?.idNumber, '430582195507296475');
    assert.ok(only(rw.problems, 'corrected').some((x) => /全角/.test(x)));
  });

  it('derives 性别 and 出生日期 from the ID when empty, and lists the correction', () => {
    const r = parse({ 性别: '', 出生日期: '' });
    assert.equal(r.record?.sex, '男');
    assert.equal(r.record?.birthDate, '1955-07-29');
    assert.deepEqual(only(r.problems, 'corrected'), ['性别:性别为空，按身份证号填为男', '出生日期:出生日期为空，按身份证号填为1955-07-29']);
  });

  it('warns on values outside the code lists but stores the row', () => {
    const r = parse({ 与户主关系: '外甥', 状态: '已核减', 核减原因: '', 核减日期: '', 人口类别: '其他人口' });
    assert.ok(r.record);
    const w = only(r.problems, 'warning');
    assert.ok(w.some((x) => x.startsWith('与户主关系:')));
    assert.ok(w.some((x) => x.startsWith('核减日期:已核减人员缺少核减日期')));
    assert.ok(w.some((x) => x.startsWith('核减原因:已核减人员缺少核减原因')));
    assert.ok(w.some((x) => x.startsWith('人口类别:')));
  });

  it('reads back a cell an export neutralised against formulas', () => {
    assert.equal(parse({ 姓名: "'=李明根" }).record?.name, '=李明根');
  });
});

describe('roster file: diff', () => {
  it('compares only the columns present in the file', () => {
    const a = parse().record!;
    const b = parse({ 联系电话: '13800000000', 姓名: '李明耕' }).record!;
    const all = rosterLayout(ROSTER_HEADERS);
    assert.deepEqual(
      diffRecord(a, b, all)
        .map((c) => c.column)
        .sort(),
      ['姓名', '联系电话'].sort(),
    );
    const noPhone = rosterLayout(ROSTER_HEADERS.filter((h) => h !== '联系电话'));
    assert.deepEqual(
      diffRecord(a, b, noPhone).map((c) => [c.column, c.before, c.after]),
      [['姓名', '李明根', '李明耕']],
    );
  });
});
