// Village notice list (公示) of a roll: name, village, amount, masked ID. Public: never an
// account, a phone or a full ID. As XLSX (one sheet, villages in order) and as a printable page.
import ExcelJS from 'exceljs';
import { formatFen } from '../shared/money.ts';
import { guardFormula } from '../shared/files/csv-write.ts';
import type { NoticeRow } from './subtotals.store.ts';

export type { NoticeRow };

export async function noticeXlsx(title: string, rows: NoticeRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('公示名单');
  ws.addRow([title]);
  ws.addRow(['序号', '乡镇', '村', '姓名', '身份证号', '金额（元）']);
  rows.forEach((r, i) => {
    ws.addRow([i + 1, guardFormula(r.townshipName), guardFormula(r.villageName || r.villageCode), guardFormula(r.name), r.maskedId, formatFen(r.amountFen)]);
  });
  ws.addRow(['合计', '', '', `${rows.length}人`, '', formatFen(rows.reduce((s, r) => s + r.amountFen, 0))]);
  ws.columns.forEach((c, i) => {
    c.width = [6, 12, 14, 10, 22, 12][i];
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A printable page: one section per village, each on its own sheet of paper. */
export function noticeHtml(title: string, rows: NoticeRow[]): string {
  const byVillage = new Map<string, NoticeRow[]>();
  for (const r of rows) {
    const k = r.villageCode;
    if (!byVillage.has(k)) byVillage.set(k, []);
    byVillage.get(k)!.push(r);
  }
  const sections = [...byVillage.values()].map((vs) => {
    const v = vs[0];
    const total = vs.reduce((s, r) => s + r.amountFen, 0);
    return `<section><h1>${esc(title)}</h1><h2>${esc(v.townshipName)} ${esc(v.villageName || v.villageCode)}</h2>
<table><thead><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>金额（元）</th></tr></thead><tbody>
${vs.map((r, i) => `<tr><td>${i + 1}</td><td>${esc(r.name)}</td><td>${esc(r.maskedId)}</td><td class="n">${formatFen(r.amountFen)}</td></tr>`).join('\n')}
</tbody><tfoot><tr><td>合计</td><td>${vs.length}人</td><td></td><td class="n">${formatFen(total)}</td></tr></tfoot></table>
<p class="foot">公示期间如有异议，请向乡镇移民专干或县移民事务中心反映。</p></section>`;
  });
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:"SimSun","Songti SC",serif;margin:0}section{page-break-after:always;padding:16mm}
h1{font-size:20px;text-align:center;margin:0 0 6px}h2{font-size:16px;text-align:center;margin:0 0 12px}
table{width:100%;border-collapse:collapse}th,td{border:1px solid #000;padding:4px 6px;font-size:14px}td.n{text-align:right}
.foot{font-size:13px;margin-top:12px}@media print{section{padding:10mm}}</style></head><body>
${sections.join('\n') || '<p>本批次没有发放人员</p>'}</body></html>`;
}
