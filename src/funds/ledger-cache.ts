// A county's ledger held in memory for the rate tables: batches, projects and the money entries
// in columns, read from the database again only when the ledger's change counter moved (a
// writer moves it in its own transaction). Sums as of a date are then a pass over the columns —
// the same sums per batch and project that `SUM(...) WHERE entry_date <= D GROUP BY batch, project`
// gives, checked against that query in the tests.
import type { Kysely } from 'kysely';
import type { IsoDate } from '../shared/dates.ts';
import type { FundBatch, LedgerProject, MoneySums } from './ledger.types.ts';
import { fundDataVersion, loadLedgerCompact } from './funds.store.ts';
import type { Tables } from '../shared/db/tables.ts';

export interface CachedLedger {
  version: number;
  batches: FundBatch[];
  projects: LedgerProject[];
  pairs: { batchNo: string; projectNo: string }[];
  /** per entry: its pair, kind (0 allocation, 1 拨付, 2 报账), date as yyyymmdd, amount in fen */
  pair: Int32Array;
  kind: Uint8Array;
  day: Int32Array;
  amount: Float64Array;
}

const KIND = { allocation: 0, disbursement: 1, reimbursement: 2 } as const;
const byDb = new WeakMap<object, Map<string, CachedLedger>>();
const dayOf = (iso: string) => Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));

export async function cachedLedger(db: Kysely<Tables>, county: string): Promise<CachedLedger> {
  // the counter first, then the rows: a change committed in between is read now and re-read next time
  const version = await fundDataVersion(db);
  let counties = byDb.get(db);
  if (!counties) byDb.set(db, (counties = new Map()));
  const hit = counties.get(county);
  if (hit && hit.version === version) return hit;
  const raw = await loadLedgerCompact(db, county);
  const index = new Map<string, number>();
  const pairs: CachedLedger['pairs'] = [];
  const n = raw.entries.length;
  const pair = new Int32Array(n),
    kind = new Uint8Array(n),
    day = new Int32Array(n),
    amount = new Float64Array(n);
  raw.entries.forEach(([b, p, k, d, a], i) => {
    const key = `${b}\u0000${p}`;
    let j = index.get(key);
    if (j === undefined) {
      j = pairs.length;
      index.set(key, j);
      pairs.push({ batchNo: b, projectNo: p });
    }
    pair[i] = j;
    kind[i] = KIND[k as keyof typeof KIND];
    day[i] = dayOf(d);
    amount[i] = Number(a);
  });
  const ledger: CachedLedger = { version, batches: raw.batches, projects: raw.projects, pairs, pair, kind, day, amount };
  counties.set(county, ledger);
  return ledger;
}

/** Money per batch and project from entries dated on or before the date (every entry when null). */
export function sumsAsOf(l: CachedLedger, asOf: IsoDate | null): MoneySums[] {
  const m = l.pairs.length;
  const sums = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  const seen = new Uint8Array(m);
  const limit = asOf === null ? Infinity : dayOf(asOf);
  for (let i = 0; i < l.pair.length; i++) {
    if (l.day[i] > limit) continue;
    sums[l.kind[i]][l.pair[i]] += l.amount[i];
    seen[l.pair[i]] = 1;
  }
  const out: MoneySums[] = [];
  for (let j = 0; j < m; j++) {
    if (!seen[j]) continue;
    out.push({ ...l.pairs[j], allocatedFen: sums[0][j], disbursedFen: sums[1][j], reimbursedFen: sums[2][j] });
  }
  return out;
}
