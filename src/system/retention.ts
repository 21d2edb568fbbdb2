// Uploaded files are kept for a retention period, then their bytes are cleared (the record of
// the upload, its checksum, counts and audit entries stay): rejected and applied roster imports,
// previews never applied, and cross-check extracts. Runs at start and nightly (nightly.ts).
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import { removeKept } from '../shared/files/upload-store.ts';
import { pruneUploadRecords, type PruneResult } from './retention.store.ts';

export type { PruneResult };

export const DEFAULT_RETENTION_DAYS = 30;

/** ANJU_UPLOAD_RETENTION_DAYS: whole days ≥ 1 (default 30). */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.ANJU_UPLOAD_RETENTION_DAYS;
  if (v === undefined || v === '') return DEFAULT_RETENTION_DAYS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('VALIDATION', `ANJU_UPLOAD_RETENTION_DAYS 应为不小于1的整数（天），当前为“${v}”`);
  return n;
}

/** Clear the uploads older than `days` days: their bytes in the database, then their kept files. */
export async function pruneUploads(db: Kysely<Tables>, days: number): Promise<PruneResult> {
  const { storedFiles, ...result } = await pruneUploadRecords(db, days);
  await removeKept(storedFiles);
  return result;
}
