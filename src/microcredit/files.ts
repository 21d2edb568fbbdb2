// Reading the three bank files (CSV in UTF-8 or GB18030, or xlsx) into a checked book. Paths go
// through the fast CSV reader (millions of repayment rows); uploads (buffers) through openTable.
import { openFastTable } from '../shared/files/fastcsv.ts';
import { scanCsv } from '../shared/files/bytecsv.ts';
import { cellText, openTable, type TableSource } from '../shared/files/table.ts';
import { AppError } from '../shared/errors.ts';
import { checkLoans, checkRates, RepaymentChecker, sortRejections, FILE_NAMES, type Book, type Rejection, type TextRow } from './book.ts';

export interface BookSources {
  loans: TableSource;
  repayments: TableSource;
  rates: TableSource;
}

interface Batches {
  headers: string[];
  batches: AsyncIterable<TextRow[]>;
}

async function open(source: TableSource, file: keyof typeof FILE_NAMES): Promise<Batches> {
  try {
    if (typeof source === 'string') return await openFastTable(source);
    const t = await openTable(source);
    async function* batches(): AsyncGenerator<TextRow[]> {
      let b: TextRow[] = [];
      for await (const r of t.rows) {
        b.push({ rowNumber: r.rowNumber, cells: r.cells.map(cellText) });
        if (b.length >= 1000) {
          yield b;
          b = [];
        }
      }
      if (b.length) yield b;
    }
    return { headers: t.headers, batches: batches() };
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, `${FILE_NAMES[file]}无法读取：${e.message}`, e.details, { cause: e });
    throw e;
  }
}

async function allRows(b: Batches): Promise<TextRow[]> {
  const out: TextRow[] = [];
  for await (const batch of b.batches) for (const r of batch) out.push(r);
  return out;
}

/** Read and check the three files; unreadable files or missing columns throw (exit 2 in the CLI). */
export async function readBook(src: BookSources): Promise<Book> {
  const rejected: Rejection[] = [];
  const ratesT = await open(src.rates, 'rates');
  const rates = checkRates(ratesT.headers, await allRows(ratesT), rejected);
  const loansT = await open(src.loans, 'loans');
  const { loans, refused } = checkLoans(loansT.headers, await allRows(loansT), rates, rejected);
  if (typeof src.repayments === 'string') {
    // millions of rows: scanned as bytes, each field decoded only when read
    let rc: RepaymentChecker | null = null;
    try {
      await scanCsv(src.repayments, {
        onHeader: (info) => {
          rc = new RepaymentChecker(info.headers, loans, refused, rejected);
        },
        onRow: (row) => {
          const c = rc!.cols;
          rc!.addFields(row.rowNumber, row.ascii(c.loanNo), row.ascii(c.date), row.ascii(c.amount));
        },
      });
    } catch (e) {
      if (e instanceof AppError && !e.message.startsWith(FILE_NAMES.repayments))
        throw new AppError(e.code, `${FILE_NAMES.repayments}无法读取：${e.message}`, e.details, { cause: e });
      throw e;
    }
    (rc as RepaymentChecker | null)?.finish();
  } else {
    const repT = await open(src.repayments, 'repayments');
    const rc = new RepaymentChecker(repT.headers, loans, refused, rejected);
    for await (const batch of repT.batches) for (const r of batch) rc.add(r);
    rc.finish();
  }
  return { rates, loans, rejected: sortRejections(rejected) };
}
