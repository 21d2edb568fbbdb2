// A roll by township and village (persons, money, bank results), one person's payments across
// rolls, and the village notice list: what the payroll and person pages show beside the lines.
import { sql, type Kysely } from 'kysely';
import type { Tables, PaymentLinesTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import { maskId } from '../shared/idnumber.ts';
import { lineOf, type PaymentLine } from './payroll.store.ts';
import type { Subtotal } from './subsidy.contract.ts';

type Db = Kysely<Tables>;
interface SubtotalRow {
  is_township: number;
  township_code: string;
  village_code: string;
  township_name: string;
  village_name: string;
  persons: number;
  amount: number;
  success: number;
  success_fen: number;
  failure: number;
  failure_fen: number;
  pending: number;
}

/** Township rows (9-digit codes) and village rows (12-digit), in code order, inside `scope`. */
export async function payrollSubtotals(
  db: Db,
  countyCode: string,
  payrollId: number,
  scope?: string,
): Promise<{ townships: Subtotal[]; villages: Subtotal[] }> {
  const r = await sql<SubtotalRow>`SELECT GROUPING(village_code) AS is_township, township_code, village_code,
      max(township_name) AS township_name, max(village_name) AS village_name, count(*) AS persons, sum(amount_fen) AS amount,
      count(*) FILTER (WHERE result = 'success') AS success, COALESCE(sum(amount_fen) FILTER (WHERE result = 'success'), 0) AS success_fen,
      count(*) FILTER (WHERE result = 'failure') AS failure, COALESCE(sum(amount_fen) FILTER (WHERE result = 'failure'), 0) AS failure_fen,
      count(*) FILTER (WHERE result = 'pending') AS pending
    FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${payrollId}
      ${scope && scope.length > 6 ? sql`AND village_code LIKE ${scope + '%'}` : sql``}
    GROUP BY GROUPING SETS ((township_code), (township_code, village_code)) ORDER BY township_code, village_code NULLS FIRST`.execute(db);
  const row = (x: SubtotalRow, township: boolean): Subtotal => ({
    code: township ? x.township_code : x.village_code,
    name: township ? x.township_name : x.village_name,
    township: x.township_code,
    persons: Number(x.persons),
    amountFen: Number(x.amount),
    success: Number(x.success),
    successFen: Number(x.success_fen),
    failure: Number(x.failure),
    failureFen: Number(x.failure_fen),
    pending: Number(x.pending),
  });
  return {
    townships: r.rows.filter((x) => Number(x.is_township) === 1).map((x) => row(x, true)),
    villages: r.rows.filter((x) => Number(x.is_township) === 0).map((x) => row(x, false)),
  };
}

/** Every payment line of one person (by normalised ID), newest period first, with its roll. */
export async function personPayments(
  db: Db,
  countyCode: string,
  idNumber: string,
  scope?: string,
): Promise<(PaymentLine & { payrollId: number; batchNo: string; kind: string })[]> {
  // by period, so the unique (county, period, ID) indexes find live and paid lines; failed ones
  // through their own partial index (migration 0014)
  const r = await sql<
    Row<PaymentLinesTable> & { batch_no: string; kind: string }
  >`WITH periods AS (SELECT DISTINCT period FROM payrolls WHERE county_code = ${countyCode}),
      lines AS (
        SELECT l.* FROM payment_lines l JOIN periods ON l.period = periods.period
          WHERE l.county_code = ${countyCode} AND l.id_number = ${idNumber} AND l.result <> 'failure'
        UNION ALL
        SELECT l.* FROM payment_lines l WHERE l.county_code = ${countyCode} AND l.id_number = ${idNumber} AND l.result = 'failure')
    SELECT l.*, l.support_start::text AS support_start, l.support_end::text AS support_end, l.paid_date::text AS paid_date, p.batch_no, p.kind
    FROM lines l JOIN payrolls p ON p.county_code = l.county_code AND p.id = l.payroll_id
    WHERE true ${scope && scope.length > 6 ? sql`AND l.village_code LIKE ${scope + '%'}` : sql``}
    ORDER BY l.period DESC, l.payroll_id DESC LIMIT 200`.execute(db);
  return r.rows.map((x) => ({ ...lineOf(x), payrollId: Number(x.payroll_id), batchNo: x.batch_no, kind: x.kind }));
}

export interface NoticeRow {
  villageCode: string;
  townshipName: string;
  villageName: string;
  name: string;
  maskedId: string;
  amountFen: number;
}

/** The village notice list of a roll (公示): name, village, amount, masked ID, in village and household order. */
export async function noticeRows(db: Db, countyCode: string, payrollId: number, scope?: string): Promise<NoticeRow[]> {
  const r = await sql<{
    village_code: string;
    township_name: string;
    village_name: string;
    name: string;
    id_number: string;
    amount_fen: number;
  }>`SELECT village_code, township_name, village_name, name, id_number, amount_fen FROM payment_lines
    WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} ${scope && scope.length > 6 ? sql`AND village_code LIKE ${scope + '%'}` : sql``}
    ORDER BY village_code, household_no, line_no`.execute(db);
  return r.rows.map((x) => ({
    villageCode: x.village_code,
    townshipName: x.township_name,
    villageName: x.village_name,
    name: x.name,
    maskedId: maskId(x.id_number),
    amountFen: Number(x.amount_fen),
  }));
}
