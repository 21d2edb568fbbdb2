// Writing a synthetic ledger: a folder of five CSV files (项目.csv in GB18030, the others UTF-8
// with BOM, as offices mix them), streamed so a province ledger of millions of rows never sits
// in memory; or, for small ledgers, one workbook with the five sheets (and a 填报说明 sheet).
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvRaw } from '../shared/files/csv-write.ts';
import { isValidDate } from '../shared/dates.ts';
import { cleanHeader } from '../shared/files/table.ts';
import { LEDGER_SHEETS, type LedgerSheet } from './ledger.types.ts';
import { generateLedger, SYNTH_HEADERS, type LedgerSink, type PlantedRow, type SynthLedgerOptions, type SynthRow } from './synth.ts';

export interface SynthLedgerFiles {
  truth: PlantedRow[];
  rows: Record<LedgerSheet, number>;
}

const cellsOf = (sheet: LedgerSheet, row: SynthRow) => SYNTH_HEADERS[sheet].map((h) => row[cleanHeader(h)] ?? '');

/** The planted truth as CSV: 工作表,行号,问题代码 (the columns a check's output is compared on). */
export function truthCsv(truth: readonly PlantedRow[]): string {
  return '\ufeff工作表,行号,问题代码\r\n' + truth.map((t) => `${t.sheet},${t.row},${t.code}\r\n`).join('');
}

/** A ledger as a folder of CSV files, plus truth.csv beside them. */
export async function writeSynthLedgerCsv(dir: string, o: SynthLedgerOptions): Promise<SynthLedgerFiles> {
  mkdirSync(dir, { recursive: true });
  const streams = new Map<LedgerSheet, { out: WriteStream; buf: string[]; row: number; gb: boolean }>();
  for (const sheet of LEDGER_SHEETS) {
    const gb = sheet === '项目';
    const out = createWriteStream(join(dir, `${sheet}.csv`));
    const header = SYNTH_HEADERS[sheet].map(csvRaw).join(',') + '\r\n';
    out.write(gb ? iconv.encode(header, 'gb18030') : '\ufeff' + header);
    streams.set(sheet, { out, buf: [], row: 1, gb });
  }
  const pending: Promise<unknown>[] = [];
  const flush = (s: { out: WriteStream; buf: string[]; gb: boolean }) => {
    const text = s.buf.join('');
    s.buf = [];
    if (!s.out.write(s.gb ? iconv.encode(text, 'gb18030') : text)) pending.push(once(s.out, 'drain'));
  };
  const sink: LedgerSink = {
    row(sheet, row) {
      const s = streams.get(sheet)!;
      s.buf.push(cellsOf(sheet, row).map(csvRaw).join(',') + '\r\n');
      if (s.buf.length >= 5000) flush(s);
      return ++s.row;
    },
    blank(sheet) {
      const s = streams.get(sheet)!;
      s.buf.push(s.row % 2 ? '\r\n' : ','.repeat(SYNTH_HEADERS[sheet].length - 1) + '\r\n');
      s.row++;
    },
  };
  // generate county by county so the write streams can drain in between
  const counties = o.counties ?? 1;
  const truth: PlantedRow[] = [];
  const rows = Object.fromEntries(LEDGER_SHEETS.map((s) => [s, 0])) as Record<LedgerSheet, number>;
  for (let c = 0; c < counties; c++) {
    const r = generateLedger(sink, { ...o, counties: 1, firstCounty: c, seed: `${o.seed ?? 1}/${c}` });
    truth.push(...r.truth);
    for (const s of LEDGER_SHEETS) rows[s] += r.rows[s];
    for (const s of streams.values()) flush(s);
    await Promise.all(pending.splice(0));
  }
  for (const s of streams.values()) {
    flush(s);
    s.out.end();
    await once(s.out, 'finish');
  }
  writeFileSync(join(dir, 'truth.csv'), truthCsv(truth));
  return { truth, rows };
}

/** A small ledger as one workbook; amounts now and then as number cells, dates as date cells. */
export async function writeSynthLedgerXlsx(file: string, o: SynthLedgerOptions): Promise<SynthLedgerFiles> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('填报说明').addRow(['金额单位：元']);
  const sheets = new Map<LedgerSheet, ExcelJS.Worksheet>();
  // sheet tabs in another order than the format lists them, names with spaces around
  for (const sheet of [...LEDGER_SHEETS].reverse()) {
    const ws = wb.addWorksheet(sheet === '拨付' ? ` ${sheet} ` : sheet);
    ws.getRow(1).values = SYNTH_HEADERS[sheet];
    sheets.set(sheet, ws);
  }
  const next = new Map<LedgerSheet, number>(LEDGER_SHEETS.map((s) => [s, 2]));
  let flip = 0;
  const sink: LedgerSink = {
    row(sheet, row) {
      const n = next.get(sheet)!;
      next.set(sheet, n + 1);
      const cells: ExcelJS.CellValue[] = cellsOf(sheet, row);
      SYNTH_HEADERS[sheet].forEach((h, i) => {
        const v = cells[i] as string;
        const name = cleanHeader(h);
        flip++;
        if ((name === '金额' || name === '计划投资') && /^-?\d+(\.\d{1,2})?$/.test(v) && flip % 3 === 0) cells[i] = Number(v);
        if (/日期$/.test(name) && isValidDate(v) && flip % 4 === 0) cells[i] = new Date(`${v}T00:00:00Z`);
      });
      const r = sheets.get(sheet)!.getRow(n);
      r.values = cells;
      cells.forEach((v, i) => {
        if (v instanceof Date) r.getCell(i + 1).numFmt = 'yyyy-mm-dd';
      });
      return n;
    },
    blank(sheet) {
      next.set(sheet, next.get(sheet)! + 1);
    },
  };
  const r = generateLedger(sink, o);
  await wb.xlsx.writeFile(file);
  return r;
}
