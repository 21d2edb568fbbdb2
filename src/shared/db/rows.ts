// The row a SELECT gives for a table of tables.ts: Kysely's Selectable stops at the outer
// Generated<>, so a Generated<Timestamp> would stay a column type instead of a Date.
type SelectOf<C> = C extends { readonly __select__: infer S } ? SelectOf<S> : C;

/** One table's row as read: `Row<PaymentLinesTable>`; pick columns with `Pick<Row<T>, 'a' | 'b'>`. */
export type Row<T> = { [K in keyof T]: SelectOf<T[K]> };
