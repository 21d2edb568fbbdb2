// SQL of the year plan by use and of reversal requests (corrections of booked money).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';
import type { FundReversalRequestsTable, Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;

export interface ReversalRequest {
  id: number;
  entryId: number;
  amountFen: Fen;
  date: IsoDate;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: number;
  requestedAt: string;
  decidedBy: number | null;
  decidedAt: string | null;
  decisionNote: string;
  reversingEntryId: number | null;
}

// requested_at is Generated<Timestamp>, which Selectable leaves wrapped: named here as read
type RequestRow = Omit<Selectable<FundReversalRequestsTable>, 'requested_at'> & { requested_at: Date | string };

const requestOf = (r: RequestRow): ReversalRequest => ({
  id: Number(r.id),
  entryId: Number(r.entry_id),
  amountFen: Number(r.amount_fen),
  date: r.entry_date,
  reason: r.reason,
  status: r.status as ReversalRequest['status'],
  requestedBy: Number(r.requested_by),
  requestedAt: new Date(r.requested_at).toISOString(),
  decidedBy: r.decided_by === null ? null : Number(r.decided_by),
  decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  decisionNote: r.decision_note,
  reversingEntryId: r.reversing_entry_id === null ? null : Number(r.reversing_entry_id),
});

export async function insertReversalRequest(
  db: Db,
  county: string,
  x: { entryId: number; amountFen: Fen; date: IsoDate; reason: string; by: number | null },
): Promise<ReversalRequest> {
  const r = await sql<RequestRow>`INSERT INTO fund_reversal_requests (county_code, entry_id, amount_fen, entry_date, reason, requested_by)
    VALUES (${county}, ${x.entryId}, ${x.amountFen}, ${x.date}, ${x.reason}, ${x.by}) RETURNING *`.execute(db);
  return requestOf(r.rows[0]);
}

export async function getReversalRequest(db: Db, county: string, id: number, forUpdate = false): Promise<ReversalRequest | null> {
  const r = forUpdate
    ? await sql<RequestRow>`SELECT * FROM fund_reversal_requests WHERE county_code = ${county} AND id = ${id} FOR UPDATE`.execute(db)
    : await sql<RequestRow>`SELECT * FROM fund_reversal_requests WHERE county_code = ${county} AND id = ${id}`.execute(db);
  return r.rows.length ? requestOf(r.rows[0]) : null;
}

export async function decideReversalRequest(
  db: Db,
  county: string,
  id: number,
  d: { approve: boolean; by: number | null; note: string; reversingId: number | null },
): Promise<ReversalRequest> {
  const r = await sql<RequestRow>`UPDATE fund_reversal_requests SET status = ${d.approve ? 'approved' : 'rejected'}, decided_by = ${d.by}, decided_at = now(),
    decision_note = ${d.note}, reversing_entry_id = ${d.reversingId} WHERE county_code = ${county} AND id = ${id} RETURNING *`.execute(db);
  return requestOf(r.rows[0]);
}

export async function listReversalRequests(db: Db, county: string, status?: ReversalRequest['status']): Promise<ReversalRequest[]> {
  const r =
    await sql<RequestRow>`SELECT * FROM fund_reversal_requests WHERE county_code = ${county} ${status ? sql`AND status = ${status}` : sql``} ORDER BY id DESC LIMIT 500`.execute(
      db,
    );
  return r.rows.map(requestOf);
}

/** The year's batches locked: they cannot change while a plan is checked against them. */
export async function lockYearBatches(db: Db, county: string, year: number): Promise<void> {
  await sql`SELECT 1 FROM fund_batches WHERE county_code = ${county} AND year = ${year} ORDER BY batch_no FOR UPDATE`.execute(db);
}

export async function planRows(db: Db, county: string, year: number): Promise<{ use: string; amountFen: Fen }[]> {
  const r = await sql<{ use: string; amount_fen: number }>`SELECT use, amount_fen FROM fund_plans WHERE county_code = ${county} AND year = ${year}`.execute(db);
  return r.rows.map((x) => ({ use: x.use, amountFen: Number(x.amount_fen) }));
}

export async function savePlanRow(db: Db, county: string, year: number, use: string, amountFen: Fen, by: number | null): Promise<void> {
  await sql`INSERT INTO fund_plans (county_code, year, use, amount_fen, updated_by) VALUES (${county}, ${year}, ${use}, ${amountFen}, ${by})
    ON CONFLICT (county_code, year, use) DO UPDATE SET amount_fen = EXCLUDED.amount_fen, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(db);
}
