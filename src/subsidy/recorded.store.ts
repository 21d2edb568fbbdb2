// What the subsidy capability tells others: the recorded payments (lines with a bank result)
// for cross-checks, and the dashboard figures of the year.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;

export interface RecordedPayment {
  period: string;
  idNumber: string;
  name: string;
  amountFen: number;
  success: boolean;
  account: string;
}

/** Every line with a bank result (成功 / 失败), streamed in chunks, for the cross-check engine. */
export async function* streamRecordedPayments(db: Db, countyCode: string, opts: { periods?: string[]; chunk?: number } = {}): AsyncGenerator<RecordedPayment> {
  const chunk = opts.chunk ?? 20000;
  let after: [number, number] = [0, 0];
  for (;;) {
    const r = await sql<{
      payroll_id: number;
      line_no: number;
      period: string;
      id_number: string;
      name: string;
      amount_fen: number;
      result: string;
      account_no: string;
    }>`SELECT payroll_id, line_no, period, id_number, name, amount_fen, result, account_no FROM payment_lines
      WHERE county_code = ${countyCode} AND result <> 'pending' AND (payroll_id, line_no) > (${after[0]}, ${after[1]})
      ${opts.periods?.length ? sql`AND period = ANY(${opts.periods}::text[])` : sql``}
      ORDER BY payroll_id, line_no LIMIT ${chunk}`.execute(db);
    if (!r.rows.length) return;
    const last = r.rows[r.rows.length - 1];
    after = [Number(last.payroll_id), Number(last.line_no)];
    for (const x of r.rows)
      yield { period: x.period, idNumber: x.id_number, name: x.name, amountFen: Number(x.amount_fen), success: x.result === 'success', account: x.account_no };
  }
}

export interface PaidFigures {
  year: number;
  persons: number;
  paidFen: number;
  successLines: number;
  failedLines: number;
  successRate: number | null;
}

/** Paid in a year (periods of that year): distinct persons paid, yuan, and the bank success rate. */
export async function paidFigures(db: Db, countyCode: string, year: number, scope?: string): Promise<PaidFigures> {
  const r = await sql<{
    persons: number;
    paid: number;
    ok: number;
    failed: number;
  }>`SELECT count(DISTINCT id_number) FILTER (WHERE result = 'success') AS persons,
      COALESCE(sum(amount_fen) FILTER (WHERE result = 'success'), 0) AS paid,
      count(*) FILTER (WHERE result = 'success') AS ok, count(*) FILTER (WHERE result = 'failure') AS failed
    FROM payment_lines WHERE county_code = ${countyCode} AND left(period, 4) = ${String(year)}
      ${scope && scope.length > 6 ? sql`AND village_code LIKE ${scope + '%'}` : sql``}`.execute(db);
  const x = r.rows[0];
  const ok = Number(x.ok),
    failed = Number(x.failed);
  return {
    year,
    persons: Number(x.persons),
    paidFen: Number(x.paid),
    successLines: ok,
    failedLines: failed,
    successRate: ok + failed ? ok / (ok + failed) : null,
  };
}
