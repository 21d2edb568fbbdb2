// The monthly dispatch (调度表) as a workbook: sheet 调度表 (one row a project, 合计 last),
// sheets 乡镇排名 and 实施单位排名. Amounts are 元 with 2 decimals: each cell is the number
// read from the fen's decimal text, so what Excel shows is the fen exactly.
import ExcelJS from 'exceljs';
import { formatFen, type Fen } from '../shared/money.ts';
import { guardFormula } from '../shared/files/csv-write.ts';
import type { DispatchRowData, RankingRowData } from './figures.ts';

// text a spreadsheet would run as a formula gets a leading apostrophe
const text = guardFormula;
const yuan = (fen: Fen) => Number(formatFen(fen));
const rate = (r: string) => (r === '' ? '' : Number(r));

export const DISPATCH_HEADERS = [
  '序号',
  '乡镇',
  '项目编号',
  '项目名称',
  '项目类别',
  '实施单位',
  '计划投资（元）',
  '安排金额（元）',
  '拨付金额（元）',
  '报账金额（元）',
  '拨付率（%）',
  '报账率（%）',
  '形象进度（%）',
  '所处阶段',
  '存在问题',
  '下步措施',
];
const RANK_HEADERS = ['名次', '名称', '项目数', '安排金额（元）', '拨付金额（元）', '报账金额（元）', '拨付率（%）', '报账率（%）', '完工数'];

export async function dispatchXlsx(title: string, rows: DispatchRowData[], townships: RankingRowData[], units: RankingRowData[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '安居';
  const ws = wb.addWorksheet('调度表', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, DISPATCH_HEADERS.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.addRow(DISPATCH_HEADERS).font = { bold: true };
  rows.forEach((r, i) => {
    ws.addRow([
      i + 1,
      text(r.townshipName || r.townshipCode),
      text(r.projectNo),
      text(r.name),
      r.category,
      text(r.unit),
      yuan(r.plannedFen),
      yuan(r.allocatedFen),
      yuan(r.disbursedFen),
      yuan(r.reimbursedFen),
      rate(r.disbursedRate),
      rate(r.reimbursedRate),
      r.progressPct ?? '',
      r.stage,
      text(r.problems),
      text(r.nextStep),
    ]);
  });
  const sum = (f: (r: DispatchRowData) => Fen) => yuan(rows.reduce((s, r) => s + f(r), 0));
  ws.addRow([
    '合计',
    '',
    `${rows.length}个项目`,
    '',
    '',
    '',
    sum((r) => r.plannedFen),
    sum((r) => r.allocatedFen),
    sum((r) => r.disbursedFen),
    sum((r) => r.reimbursedFen),
  ]).font = { bold: true };
  for (const c of [7, 8, 9, 10]) ws.getColumn(c).numFmt = '#,##0.00';
  for (const c of [11, 12]) ws.getColumn(c).numFmt = '0.00';
  const widths = [6, 14, 16, 30, 10, 20, 14, 14, 14, 14, 10, 10, 10, 10, 30, 30];
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });

  for (const [name, list] of [
    ['乡镇排名', townships],
    ['实施单位排名', units],
  ] as const) {
    const s = wb.addWorksheet(name);
    s.addRow(RANK_HEADERS).font = { bold: true };
    for (const r of list)
      s.addRow([
        r.rank,
        text(r.name || r.key),
        r.projects,
        yuan(r.allocatedFen),
        yuan(r.disbursedFen),
        yuan(r.reimbursedFen),
        rate(r.disbursedRate),
        rate(r.reimbursedRate),
        r.completed,
      ]);
    for (const c of [4, 5, 6]) s.getColumn(c).numFmt = '#,##0.00';
    [6, 24, 8, 14, 14, 14, 10, 10, 8].forEach((w, i) => {
      s.getColumn(i + 1).width = w;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
