import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { validateId } from '../shared/idnumber.ts';
import { checkedId, matchAlert, PopulationIndex, type AlertRow } from './alerts.ts';
import { readAlertFile } from './alert-file.ts';
import { synthId, synthPopulation, writeAlertFile } from './synth.ts';

const TODAY = '2026-01-01';
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'anju-alerts-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, content: string | Buffer, source: 'medical' | null = null) {
  const path = join(dir, name);
  writeFileSync(path, content);
  const alerts: AlertRow[] = [];
  const s = await readAlertFile(path, { source, today: TODAY, onAlert: (a) => alerts.push(a) });
  return { ...s, alerts };
}

const A = synthId('430582', 1),
  B = synthId('430582', 2),
  C = synthId('430582', 3);

describe('预警文件', () => {
  it('reads UTF-8 with BOM, lists every bad row with row, column and reason, keeps the good ones', async () => {
    const csv =
      '\ufeff身份证号,姓名,预警类型,来源,金额,日期,说明\n' +
      `${A},王伟,高额医疗费用,医保,"12,345.60",2025-03-01,住院\n` +
      `${B.toLowerCase()},李芳,辍学,,,2025/4/2,\n` +
      `${A.slice(0, 17)}${A[17] === '0' ? '1' : '0'},张三,危房,住建,,2025-01-01,\n` +
      `${C},,危房,住建,,2025-01-01,\n` +
      `${C},赵敏,中彩票,,,,\n` +
      `${C},赵敏,危房,国土,三千,2025-13-01,\n` +
      `${A},王伟,大额医疗费用,医保,100,2025-03-01,重复\n` +
      `${C},赵敏,C级危房,,,2099-01-01,\n`;
    const r = await read('a.csv', csv);
    assert.equal(r.rows, 8);
    assert.equal(r.accepted, 2);
    assert.equal(r.rejected, 6);
    assert.deepEqual(
      r.alerts.map((a) => [a.idNumber, a.alertType, a.source, a.amountFen, a.alertDate]),
      [
        [A, 'high_medical', 'medical', 1234560, '2025-03-01'],
        [B.toUpperCase(), 'dropout', 'education', null, '2025-04-02'],
      ],
    );
    const by = (row: number) =>
      r.problems
        .filter((p) => p.rowNumber === row)
        .map((p) => `${p.column}:${p.reason}`)
        .join('|');
    assert.match(by(4), /^身份证号:身份证号无效/);
    assert.match(by(5), /^姓名:姓名为空/);
    assert.match(by(6), /预警类型:“中彩票”不是可识别的预警类型/);
    assert.match(by(7), /来源:“国土”/);
    assert.match(by(7), /金额:“三千”不是金额/);
    assert.match(by(7), /日期:/);
    assert.match(by(8), /重复/);
    assert.match(by(9), /日期:“2099-01-01”晚于今天/);
  });

  it('reads GB18030 and xlsx the same', async () => {
    const text = `身份证号,姓名,预警类型\n${A},王伟,低保\n`;
    const gb = await read('g.csv', iconv.encode(text, 'gb18030'), 'medical');
    assert.equal(gb.encoding, 'gb18030');
    assert.deepEqual(
      gb.alerts.map((a) => [a.name, a.alertType, a.source]),
      [['王伟', 'dibao', 'medical']],
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('预警');
    ws.addRow(['身份证号码', '姓名', '预警类别', '自付金额', '预警日期']);
    ws.addRow([B, '李芳', '新增残疾', 300.5, new Date(Date.UTC(2025, 5, 1))]);
    const x = await read('x.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    assert.deepEqual(
      x.alerts.map((a) => [a.idNumber, a.alertType, a.source, a.amountFen, a.alertDate]),
      [[B, 'disability', 'disability', 30050, '2025-06-01']],
    );
  });

  it('refuses a file without the required columns, naming them', async () => {
    await assert.rejects(read('m.csv', '姓名,金额\n王伟,1\n'), (e: Error) => /缺少必需的列：身份证号、预警类型/.test(e.message));
  });

  it('the fast ID check agrees with GB 11643 validation', () => {
    const digits = fc.stringMatching(/^[0-9]{17}[0-9Xx]$/);
    fc.assert(
      fc.property(fc.oneof(digits, fc.constantFrom(A, B, '11010519491231002X', '99010519491231002X', '110105194912310021')), (id) => {
        const fast = checkedId(id, TODAY);
        const slow = validateId(id, TODAY);
        return fast.ok === slow.ok && (!fast.ok || fast.id === slow.normalized);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('比对', () => {
  const idx = new PopulationIndex();
  idx.add(A, { kind: 'support', name: '王伟', villageCode: '430582101201', householdKey: 'H1' });
  idx.add(A, { kind: 'monitored', name: '王伟', villageCode: '430582101201', householdKey: '7', openRisks: ['illness'] });
  idx.add(B, { kind: 'monitored', name: '李芳', villageCode: '430582101201', householdKey: '8', openRisks: [] });
  idx.add(B, { kind: 'support', name: '李芳', villageCode: '430582101201', householdKey: 'H2' });
  idx.add(C, { kind: 'support', name: '赵敏', villageCode: '430582102201', householdKey: 'H3' });
  const alert = (id: string, name: string, alertType: AlertRow['alertType']): AlertRow => ({
    rowNumber: 2,
    idNumber: id,
    name,
    alertType,
    source: 'medical',
    amountFen: 500000,
    note: '',
    alertDate: '2025-03-01',
    villageCode: '',
  });
  it('a monitored member wins over a post-support record; the evidence says what to check', () => {
    const m = matchAlert(alert(A, '王伟', 'high_medical'), idx);
    assert.equal(m.matchKind, 'monitored');
    assert.match(m.evidence, /医保报送“高额医疗费用”（2025-03-01），金额5000.00元；此人是监测户成员，该户已有“因病”风险在帮扶中/);
    assert.equal(matchAlert(alert(B, '李芳', 'dropout'), idx).matchKind, 'monitored');
    assert.match(matchAlert(alert(B, '李芳', 'dropout'), idx).evidence, /尚无“因学”风险/);
  });
  it('post-support persons and unknown people, with a name mismatch noted', () => {
    const s = matchAlert(alert(C, '赵敏敏', 'unsafe_housing'), idx);
    assert.equal(s.matchKind, 'support');
    assert.match(s.evidence, /后扶人口（户编号H3）（预警姓名“赵敏敏”与在册姓名“赵敏”不一致），尚未纳入监测/);
    assert.equal(matchAlert(alert(synthId('430582', 99), '某某', 'dibao'), idx).matchKind, 'none');
  });
  it('a generated file matches its truth', async () => {
    const pop = synthPopulation('430582', 2000);
    const path = join(dir, 'gen.csv');
    const truth = writeAlertFile(path, { county: '430582', rows: 5000, popSize: 2000, monitored: pop.monitored, hitRate: 0.4, badRate: 0.02, seed: 3 });
    const counts = { monitored: 0, support: 0, none: 0 };
    const s = await readAlertFile(path, {
      source: null,
      today: TODAY,
      onAlert: (a) => {
        counts[matchAlert(a, pop.index).matchKind]++;
      },
    });
    assert.equal(s.rejected, truth.bad);
    assert.deepEqual(counts, { monitored: truth.hitsMonitored, support: truth.hitsSupport, none: truth.misses });
    assert.ok(truth.bad > 0 && truth.hitsMonitored > 0 && truth.hitsSupport > 0);
  });
});
