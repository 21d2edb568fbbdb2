// The recovery ledger (追缴台账) in the database: items due, instalments received, write-offs,
// totals by township and year. SQL only: the rules (outstanding, receipt numbers, who may
// approve a write-off) and the audit are in cases.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables, RecoveryItemsTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import type { RecoveryItem, RecoveryStatus, RecoveryTotal } from './cases.contract.ts';

export type { RecoveryItem, RecoveryTotal } from './cases.contract.ts';
type Db = Kysely<Tables>;

const itemOf = (x: Row<RecoveryItemsTable>): RecoveryItem => ({
  id: Number(x.id),
  caseId: Number(x.case_id),
  idNumber: x.id_number,
  name: x.name,
  villageCode: x.village_code,
  townshipCode: x.township_code,
  year: Number(x.year),
  dueFen: Number(x.due_fen),
  receivedFen: Number(x.received_fen),
  outstandingFen: x.status === '追缴中' ? Number(x.due_fen) - Number(x.received_fen) : 0,
  status: x.status as RecoveryStatus,
  writeoffReason: x.writeoff_reason,
  writeoffRequestedBy: x.writeoff_requested_by === null ? null : Number(x.writeoff_requested_by),
  writeoffApprovedBy: x.writeoff_approved_by === null ? null : Number(x.writeoff_approved_by),
  createdAt: new Date(x.created_at).toISOString(),
});

export async function insertRecovery(
  trx: Db,
  countyCode: string,
  c: { caseId: number; idNumber: string; name: string; villageCode: string; townshipCode: string; year: number; dueFen: number; createdBy: number | null },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO recovery_items (county_code, case_id, id_number, name, village_code, township_code, year, due_fen, created_by)
    VALUES (${countyCode}, ${c.caseId}, ${c.idNumber}, ${c.name}, ${c.villageCode}, ${c.townshipCode}, ${c.year}, ${c.dueFen}, ${c.createdBy}) RETURNING id`.execute(
    trx,
  );
  return Number(r.rows[0].id);
}

export async function deleteRecovery(trx: Db, countyCode: string, id: number): Promise<void> {
  await trx.deleteFrom('recovery_items').where('county_code', '=', countyCode).where('id', '=', id).execute();
}

/** Items inside a region (a township officer's scope); none given: the whole county. */
const inRegion = (scope: string | undefined) => (scope ? sql`AND township_code <> '' AND village_code LIKE ${scope + '%'}` : sql``);

export async function listRecovery(
  db: Db,
  countyCode: string,
  scope: string | undefined,
  f: { status?: string; townshipCode?: string; year?: number; offset?: number; limit?: number } = {},
) {
  const where = sql`county_code = ${countyCode} ${inRegion(scope)} ${f.status ? sql`AND status = ${f.status}` : sql``}
    ${f.townshipCode ? sql`AND township_code = ${f.townshipCode}` : sql``} ${f.year ? sql`AND year = ${f.year}` : sql``}`;
  const t = await sql<{ n: number }>`SELECT count(*) AS n FROM recovery_items WHERE ${where}`.execute(db);
  const r = await sql<
    Row<RecoveryItemsTable>
  >`SELECT * FROM recovery_items WHERE ${where} ORDER BY id DESC OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(t.rows[0].n), items: r.rows.map(itemOf) };
}

/** One item with its instalments, inside the region; null when there is none there. Locked for a change when asked. */
export async function findRecovery(db: Db, countyCode: string, scope: string | undefined, id: number, forUpdate = false): Promise<RecoveryItem | null> {
  const r = await sql<
    Row<RecoveryItemsTable>
  >`SELECT * FROM recovery_items WHERE county_code = ${countyCode} AND id = ${id} ${inRegion(scope)} ${forUpdate ? sql`FOR UPDATE` : sql``}`.execute(db);
  if (!r.rows[0]) return null;
  const item = itemOf(r.rows[0]);
  const i = await sql<{
    id: number;
    paid_on: string;
    amount_fen: number;
    receipt_no: string;
    entered_at: Date;
  }>`SELECT id, paid_on::text AS paid_on, amount_fen, receipt_no, entered_at
    FROM recovery_instalments WHERE county_code = ${countyCode} AND item_id = ${id} ORDER BY paid_on, id`.execute(db);
  item.instalments = i.rows.map((x) => ({
    id: Number(x.id),
    paidOn: x.paid_on,
    amountFen: Number(x.amount_fen),
    receiptNo: x.receipt_no,
    enteredAt: new Date(x.entered_at).toISOString(),
  }));
  return item;
}

/** The received amount and status of an item (whether a verdict may still be corrected). */
export async function recoveryState(trx: Db, countyCode: string, id: number): Promise<{ receivedFen: number; status: string }> {
  const rec = await sql<{
    received_fen: number;
    status: string;
  }>`SELECT received_fen, status FROM recovery_items WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
  return { receivedFen: Number(rec.rows[0].received_fen), status: rec.rows[0].status };
}

/** The item a receipt number was entered for already, if any. */
export async function receiptUsedBy(trx: Db, countyCode: string, receiptNo: string): Promise<number | null> {
  const dup = await sql<{ item_id: number }>`SELECT item_id FROM recovery_instalments WHERE county_code = ${countyCode} AND receipt_no = ${receiptNo}`.execute(
    trx,
  );
  return dup.rows[0] ? Number(dup.rows[0].item_id) : null;
}

export async function insertInstalment(
  trx: Db,
  countyCode: string,
  itemId: number,
  i: { paidOn: string; amountFen: number; receiptNo: string; enteredBy: number },
): Promise<void> {
  await sql`INSERT INTO recovery_instalments (county_code, item_id, paid_on, amount_fen, receipt_no, entered_by) VALUES (${countyCode}, ${itemId}, ${i.paidOn}::date, ${i.amountFen}, ${i.receiptNo}, ${i.enteredBy})`.execute(
    trx,
  );
}

export async function setReceived(trx: Db, countyCode: string, id: number, receivedFen: number, status: RecoveryStatus): Promise<void> {
  await trx.updateTable('recovery_items').set({ received_fen: receivedFen, status }).where('county_code', '=', countyCode).where('id', '=', id).execute();
}

export async function setWriteOffRequest(trx: Db, countyCode: string, id: number, reason: string, userId: number): Promise<void> {
  await trx
    .updateTable('recovery_items')
    .set({ writeoff_reason: reason, writeoff_requested_by: userId, writeoff_requested_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', id)
    .execute();
}

export async function setWrittenOff(trx: Db, countyCode: string, id: number, userId: number): Promise<void> {
  await trx
    .updateTable('recovery_items')
    .set({ status: '核销', writeoff_approved_by: userId, writeoff_approved_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', id)
    .execute();
}

/** Totals by township and year (rate = received / due). */
export async function recoveryTotals(db: Db, countyCode: string, scope: string | undefined, year?: number): Promise<RecoveryTotal[]> {
  const r = await sql<{
    township_code: string;
    year: number;
    items: number;
    due: number;
    received: number;
    written_off: number;
    outstanding: number;
  }>`SELECT township_code, year, count(*) AS items, sum(due_fen) AS due, sum(received_fen) AS received,
      COALESCE(sum(due_fen - received_fen) FILTER (WHERE status = '核销'), 0) AS written_off,
      COALESCE(sum(due_fen - received_fen) FILTER (WHERE status = '追缴中'), 0) AS outstanding
    FROM recovery_items WHERE county_code = ${countyCode} ${inRegion(scope)} ${year ? sql`AND year = ${year}` : sql``}
    GROUP BY township_code, year ORDER BY year DESC, township_code`.execute(db);
  return r.rows.map((x) => ({
    townshipCode: x.township_code,
    year: Number(x.year),
    items: Number(x.items),
    dueFen: Number(x.due),
    receivedFen: Number(x.received),
    writtenOffFen: Number(x.written_off),
    outstandingFen: Number(x.outstanding),
    rate: Number(x.due) ? Number(x.received) / Number(x.due) : null,
  }));
}
