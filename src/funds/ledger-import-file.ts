// A ledger file (xlsx, or a folder of the five CSV files) into the database: read and checked by
// the file mode's checker (FORMATS §8.1), then imported (ledger-import.ts). A ledger that cannot
// be read (a missing sheet or column) throws before anything is written.
import type { Kysely } from 'kysely';
import { checkLedgerSource, type LedgerSource } from './ledger-file.ts';
import { importCheckedLedger, type ImportMeta, type ImportResult } from './ledger-import.ts';
import type { Actor } from './funds.service.ts';
import type { Tables } from '../shared/db/tables.ts';

export async function importLedgerSource(db: Kysely<Tables>, actor: Actor, source: LedgerSource, meta: ImportMeta, opts: { dryRun?: boolean } = {}): Promise<ImportResult> {
  const checker = await checkLedgerSource(source, { keepVouchers: true });
  return importCheckedLedger(db, actor, checker.toCheckedLedger(), meta, opts);
}
