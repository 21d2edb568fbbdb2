// One formula guard (src/shared/files/csv-write.ts) in every file Anju writes: a name that
// starts with `=` comes out with a leading apostrophe in each export, CSV and XLSX. The bank
// file says field by field which cells may carry the guard: free text may, the values the
// bank's system reads (ID, account number, amount, codes) never do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { rosterCsv, rosterXlsx } from '../src/registry/index.ts';
import { findingsCsv, type Finding } from '../src/crosscheck/index.ts';
import { problemLine } from '../src/crosscheck/findings-csv.ts';
import { problemsCsv } from '../src/quality/problems-file.ts';
import { emptyPerson } from '../src/quality/index.ts';
import type { Rule } from '../src/quality/types.ts';
import { BANK_FIELDS, BANK_FIELD_KIND, BUILTIN_TEMPLATES, cellOf, csvLine, type BankField, type BankLine } from '../src/subsidy/bankfile.ts';
import { noticeXlsx } from '../src/subsidy/notice.ts';
import { bankFile, type PayLine } from '../src/microcredit/payment.ts';
import { dispatchXlsx } from '../src/funds/dispatch-xlsx.ts';
import type { DispatchRowData, RankingRowData } from '../src/funds/figures.ts';

const EVIL = '=HYPERLINK("http://x","点我")';
const GUARDED = `'${EVIL}`;

async function xlsxTexts(buf: Buffer | Uint8Array): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const out: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (typeof c.value === 'string') out.push(c.value);
      }),
    ),
  );
  return out;
}

/** The CSV cells of a text (enough for these files: quoted cells keep their inner quotes doubled). */
const csvHasGuarded = (text: string) => text.includes(`"${GUARDED.replace(/"/g, '""')}"`);

const line: BankLine = {
  period: '2024H1',
  idNumber: '430582195507296470',
  name: EVIL,
  amountFen: 30000,
  accountNo: '6221881234567890',
  holderName: EVIL,
  bankName: EVIL,
  batchNo: 'B1',
  householdNo: EVIL,
  villageCode: '430582100201',
  villageName: EVIL,
  townshipName: EVIL,
  lineNo: 1,
};

describe('the formula guard', () => {
  it('bank file: text fields may carry the guard, the values the bank reads never do', () => {
    const text: BankField[] = ['name', 'holderName', 'bankName', 'householdNo', 'villageName', 'townshipName'];
    const values: BankField[] = ['period', 'idNumber', 'amount', 'result', 'accountNo', 'payDate', 'batchNo', 'villageCode', 'lineNo', 'blank'];
    assert.deepEqual([...text, ...values].sort(), Object.keys(BANK_FIELDS).sort(), 'every bank field is named here');
    for (const f of text) assert.equal(BANK_FIELD_KIND[f], 'text', f);
    for (const f of values) assert.equal(BANK_FIELD_KIND[f], 'value', f);
    const t = BUILTIN_TEMPLATES[0];
    for (const f of text) assert.equal(cellOf(t, f, line), GUARDED, f);
    // a value that starts like a formula still goes to the bank as it is (a negative amount, an odd account)
    const odd = { ...line, accountNo: '-6221881234567890', amountFen: -30000 };
    assert.equal(cellOf(t, 'accountNo', odd), '-6221881234567890');
    assert.equal(cellOf(t, 'amount', odd), '-300.00');
    assert.equal(cellOf({ ...t, amountFormat: 'fen' }, 'amount', odd), '-30000');
    assert.equal(cellOf(t, 'idNumber', line), '430582195507296470');
    assert.ok(csvHasGuarded(csvLine(t.columns.map((c) => cellOf(t, c.field, line)))));
  });

  it('a name starting with = is guarded in every export', async () => {
    // roster export (CSV and XLSX)
    assert.ok(csvHasGuarded(rosterCsv(['姓名'], [[EVIL]]).toString('utf8')));
    assert.ok((await xlsxTexts(await rosterXlsx(['姓名'], [[EVIL]]))).includes(GUARDED));
    // cross-check findings and its problem list
    const finding = {
      code: 'DECEASED_PAID',
      label: '死亡后仍发放',
      idNumber: '430582195507296470',
      name: EVIL,
      householdNo: 'H1',
      villageCode: '430582100201',
      periods: ['2024H1'],
      overFen: 30000,
      underFen: 0,
      explanation: '说明',
    } as Finding;
    assert.ok(csvHasGuarded(findingsCsv([finding])));
    assert.ok(csvHasGuarded(problemLine({ file: '花名册', rowNumber: 2, column: '姓名', reason: EVIL, action: '已跳过' })));
    // quality problem list
    const person = { ...emptyPerson(0), name: EVIL };
    const rule = { code: 'R1', name: '规则', severity: '错误' } as Rule;
    assert.ok(csvHasGuarded(problemsCsv([{ code: 'R1', person: 0, message: 'm', values: {} }], [person], [rule])));
    // the roll's bank file (CSV above; XLSX cells are cellOf's) and the village notice
    assert.ok(
      (
        await xlsxTexts(
          await noticeXlsx('公示', [{ villageCode: '430582100201', townshipName: '乡', villageName: '村', name: EVIL, maskedId: '4305**', amountFen: 100 }]),
        )
      ).includes(GUARDED),
    );
    // the microcredit bank file, CSV and XLSX; the loan number in the account column is not guarded
    const pay = {
      loanNo: '-L1',
      idNumber: '430582195507296470',
      name: EVIL,
      villageCode: '430582100201',
      bank: '农商行',
      quarter: '2024Q1',
      days: 90,
      subsidyFen: 1234,
      townshipName: '乡',
      villageName: '村',
    } as unknown as PayLine;
    for (const t of BUILTIN_TEMPLATES) {
      const out = await bankFile(t, [pay], '2024Q1', 'B1');
      const texts = t.container === 'xlsx' ? await xlsxTexts(out.body) : null;
      if (texts) {
        assert.ok(texts.includes(GUARDED), t.code);
        assert.ok(texts.includes('-L1'), t.code);
      } else if (t.encoding === 'utf-8') {
        assert.ok(csvHasGuarded(out.body.toString('utf8')), t.code);
        assert.match(out.body.toString('utf8'), /,-L1,/);
      }
    }
    // the funds dispatch workbook
    const row = {
      projectNo: 'P1',
      townshipCode: '430582100',
      townshipName: '乡',
      name: EVIL,
      category: '基础设施',
      unit: null,
      plannedFen: 0,
      allocatedFen: 0,
      disbursedFen: 0,
      reimbursedFen: 0,
      disbursedRate: '',
      reimbursedRate: '',
      progressPct: null,
      stage: '实施',
      problems: '',
      nextStep: '',
    } as DispatchRowData;
    const rank = {
      rank: 1,
      key: 'k',
      name: EVIL,
      projects: 1,
      allocatedFen: 0,
      disbursedFen: 0,
      reimbursedFen: 0,
      disbursedRate: '',
      reimbursedRate: '',
      completed: 0,
    } as RankingRowData;
    assert.ok((await xlsxTexts(await dispatchXlsx('调度表', [row], [rank], []))).filter((s) => s === GUARDED).length >= 2);
  });
});
