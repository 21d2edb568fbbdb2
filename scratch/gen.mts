import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { synthBook, LOAN_HEADER, REPAYMENT_HEADER } from '../src/microcredit/synth.ts';
async function writeLines(path: string, header: string, lines: Iterable<string>) {
  const out = createWriteStream(path); let buf: string[] = [header];
  for (const l of lines) { buf.push(l); if (buf.length >= 50000) { if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain'); buf = []; } }
  out.end(buf.join('\n') + (buf.length ? '\n' : '')); await once(out, 'finish');
}
const book = synthBook({ loans: 200000, repaymentsPerLoan: 10, seed: 11 });
writeFileSync('/tmp/mc/rates.csv', book.rates);
await writeLines('/tmp/mc/loans.csv', LOAN_HEADER, book.loanLines);
await writeLines('/tmp/mc/repayments.csv', REPAYMENT_HEADER, book.repaymentLines);
