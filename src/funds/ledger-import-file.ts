// A ledger file (xlsx, or the five CSV files) into the database: read and checked by the file
// mode's checker (FORMATS §8.1), then imported (ledger-import.ts). A ledger that cannot be read
// (a missing sheet, file or column) throws before anything is written.
import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { checkLedgerSource, uploadedLedger, type LedgerSource, type UploadedLedgerFile } from './ledger-file.ts';
import { importCheckedLedger, type ImportMeta, type ImportResult } from './ledger-import.ts';
import type { Actor } from './funds.service.ts';
import type { Tables } from '../shared/db/tables.ts';

export async function importLedgerSource(
  db: Kysely<Tables>,
  actor: Actor,
  source: LedgerSource,
  meta: ImportMeta,
  opts: { dryRun?: boolean } = {},
): Promise<ImportResult> {
  const checker = await checkLedgerSource(source, { keepVouchers: true });
  return importCheckedLedger(db, actor, checker.toCheckedLedger(), meta, opts);
}

/**
 * The web import of an uploaded ledger (one workbook or the five CSV files): a preview
 * (dryRun) writes nothing; a confirmation must send the files that were previewed (`sha256`).
 */
export async function importUploadedLedger(
  db: Kysely<Tables>,
  actor: Actor,
  files: readonly UploadedLedgerFile[],
  opts: { dryRun: boolean; sha256?: string },
): Promise<ImportResult & { sha256: string; filename: string }> {
  const ledger = await uploadedLedger(files);
  if (opts.sha256 !== undefined && ledger.sha256 !== opts.sha256) throw new AppError('CONFLICT', '上传的文件与预览的文件不同，请重新预览');
  const res = await importLedgerSource(
    db,
    actor,
    ledger.source,
    { filename: ledger.filename, sha256: ledger.sha256, countyCode: actor.countyCode },
    { dryRun: opts.dryRun },
  );
  return { ...res, sha256: ledger.sha256, filename: ledger.filename };
}
