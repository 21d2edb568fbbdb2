// The bank's result files of a roll in the database: the files kept (by checksum, so the same
// file twice changes nothing) and the lines' results. SQL only: the import's workflow is in
// subsidy.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { ImportSummary } from './subsidy.contract.ts';
import type { RollLineKey } from './bankreturn.ts';

type Db = Kysely<Tables>;
/** what an import file keeps of its summary (the file's own id and the flags are added when read) */
export type StoredSummary = Omit<ImportSummary, 'fileId' | 'alreadyImported'>;

/** The same file imported before into this roll, if it was. */
export async function findResultFile(trx: Db, countyCode: string, payrollId: number, sha256: string): Promise<{ id: number; summary: StoredSummary } | null> {
  const same = await sql<{
    id: number;
    summary: unknown;
  }>`SELECT id, summary FROM payroll_result_files WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND sha256 = ${sha256}`.execute(trx);
  const x = same.rows[0];
  return x ? { id: Number(x.id), summary: x.summary as StoredSummary } : null;
}

/** Every line of the roll by normalised ID: what a result file is matched against. */
export async function rollLineKeys(trx: Db, countyCode: string, payrollId: number): Promise<Map<string, RollLineKey>> {
  const lr = await sql<{
    line_no: number;
    id_number: string;
    amount_fen: number;
    result: RollLineKey['result'];
    name: string;
  }>`SELECT line_no, id_number, amount_fen, result, name
    FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${payrollId}`.execute(trx);
  return new Map(lr.rows.map((x) => [x.id_number, { lineNo: Number(x.line_no), amountFen: Number(x.amount_fen), result: x.result, name: x.name }]));
}

export async function insertResultFile(
  trx: Db,
  countyCode: string,
  payrollId: number,
  f: { filename: string; sha256: string; content: Buffer; summary: StoredSummary; importedBy: number | null },
): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO payroll_result_files (county_code, payroll_id, filename, sha256, rows, succeeded, failed, summary, content, imported_by)
    VALUES (${countyCode}, ${payrollId}, ${f.filename}, ${f.sha256}, ${f.summary.rows}, ${f.summary.succeeded}, ${f.summary.failed}, ${JSON.stringify(f.summary)}::jsonb, ${f.content}, ${f.importedBy})
    RETURNING id`.execute(trx);
  return Number(r.rows[0].id);
}

/** Write the results of a file; a line already paid is never changed. */
export async function applyResults(
  trx: Db,
  countyCode: string,
  payrollId: number,
  fileId: number,
  updates: { lineNo: number; result: 'success' | 'failure'; reason: string; paidDate: string | null }[],
): Promise<void> {
  for (let i = 0; i < updates.length; i += 10000) {
    const part = updates.slice(i, i + 10000);
    await sql`UPDATE payment_lines l SET result = v.result, result_reason = v.reason, paid_date = v.paid::date, result_file_id = ${fileId}, updated_at = now()
      FROM unnest(${part.map((u) => u.lineNo)}::int[], ${part.map((u) => u.result)}::text[], ${part.map((u) => u.reason)}::text[], ${part.map((u) => u.paidDate)}::text[])
        AS v(line_no, result, reason, paid)
      WHERE l.county_code = ${countyCode} AND l.payroll_id = ${payrollId} AND l.line_no = v.line_no AND l.result <> v.result AND l.result <> 'success'`.execute(
      trx,
    );
  }
}

export async function markResultsImported(trx: Db, countyCode: string, payrollId: number): Promise<void> {
  await trx
    .updateTable('payrolls')
    .set({ status: 'results_imported', results_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', payrollId)
    .execute();
}
