// Writing many rows at once, as bulk loaders do: what a large import may skip or defer, and
// when. Each helper keeps the result the same as row-by-row writing; only the cost differs.
import { sql, type Kysely } from 'kysely';
import type { Tables } from './tables.ts';

type Db = Kysely<Tables>;

/**
 * Skip the triggers (foreign-key checks included) of the statements that follow in this
 * transaction, where the database lets us (a superuser, as on the embedded engine); false
 * when it does not, and the checks stay. Only for rows that hold their keys by construction.
 * Unique indexes and CHECK constraints still apply. Undo with `restoreTriggers`.
 */
export async function skipTriggers(trx: Db): Promise<boolean> {
  await sql`SAVEPOINT skip_triggers`.execute(trx);
  try {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`RELEASE SAVEPOINT skip_triggers`.execute(trx);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code !== '42501') throw e; // only "permission denied" means: keep the checks
    await sql`ROLLBACK TO SAVEPOINT skip_triggers`.execute(trx);
    return false;
  }
}

export async function restoreTriggers(trx: Db): Promise<void> {
  await sql`SET LOCAL session_replication_role = origin`.execute(trx);
}

/** The embedded engine is one session: nobody else can wait on a lock this transaction takes. */
export async function isSingleSession(trx: Db): Promise<boolean> {
  const r = await sql<{ v: string }>`SELECT version() AS v`.execute(trx);
  return r.rows[0].v.includes('PGlite');
}

/**
 * Ids for `n` new rows of a table, taken from its identity sequence before the rows are written
 * (so nothing has to be read back). One session alone moves the sequence once; with others
 * writing beside it each id is drawn on its own, so no range can overlap theirs.
 */
export async function reserveIds(trx: Db, table: keyof Tables & string, n: number, singleSession: boolean): Promise<number[]> {
  if (singleSession) {
    const r = await sql<{
      last: number;
    }>`SELECT setval(pg_get_serial_sequence(${table}, 'id'), nextval(pg_get_serial_sequence(${table}, 'id')) + ${n - 1}) AS last`.execute(trx);
    const last = Number(r.rows[0].last);
    return Array.from({ length: n }, (_, i) => last - n + 1 + i);
  }
  const r = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${n})`.execute(trx);
  return r.rows.map((x) => Number(x.id));
}

export async function isEmpty(trx: Db, table: keyof Tables & string): Promise<boolean> {
  const r = await sql<{ x: boolean }>`SELECT NOT EXISTS (SELECT 1 FROM ${sql.table(table)}) AS x`.execute(trx);
  return r.rows[0].x === true;
}

/** Rows in a table, from the statistics when there are any (no scan of a large table). */
export async function estimatedRows(trx: Db, table: keyof Tables & string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass(${table})`.execute(trx);
  const n = Number(r.rows[0]?.n ?? -1);
  if (n >= 0) return n;
  const c = await sql<{ n: number }>`SELECT count(*)::float8 AS n FROM ${sql.table(table)}`.execute(trx);
  return Number(c.rows[0].n);
}

/**
 * Run `fn` with the tables' secondary indexes dropped, then build them again from their own
 * definitions: building an index once over sorted rows costs far less than a hundred thousand
 * single inserts into it. Dropping an index locks its table for the rest of the transaction, so
 * callers use it only where no other session would wait (the embedded engine, or an empty table).
 * Indexes that carry a constraint (primary and unique keys) stay: they guard the rows written.
 */
export async function withIndexesRebuilt<T>(trx: Db, tables: string[], fn: () => Promise<T>): Promise<T> {
  const r = await sql<{ name: string; def: string }>`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ANY(${tables}::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))
    ORDER BY i.indexname`.execute(trx);
  for (const x of r.rows) await sql`DROP INDEX ${sql.id(x.name)}`.execute(trx);
  const out = await fn();
  for (const x of r.rows) await sql.raw(x.def).execute(trx);
  return out;
}
