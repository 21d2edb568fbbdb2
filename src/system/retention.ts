// Uploaded files are kept for a retention period, then their bytes are cleared (the record of
// the upload, its checksum, counts and audit entries stay): rejected and applied roster imports,
// previews never applied, and cross-check extracts. Runs at start and nightly (nightly.ts).
import { sql, type Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';

export const DEFAULT_RETENTION_DAYS = 30;

/** ANJU_UPLOAD_RETENTION_DAYS: whole days ≥ 1 (default 30). */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.ANJU_UPLOAD_RETENTION_DAYS;
  if (v === undefined || v === '') return DEFAULT_RETENTION_DAYS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('VALIDATION', `ANJU_UPLOAD_RETENTION_DAYS 应为不小于1的整数（天），当前为“${v}”`);
  return n;
}

export interface PruneResult { rosterImports: number; crosscheckInputs: number; bytes: number }

export async function pruneUploads(db: Kysely<any>, days: number): Promise<PruneResult> {
  return db.transaction().execute(async (trx) => {
    // an import being previewed or applied right now is never touched
    const imports = await sql<{ id: string; size: number }>`UPDATE roster_imports SET content = ''::bytea, content_pruned_at = now(),
        status = CASE WHEN status = 'previewed' THEN 'failed' ELSE status END,
        error = CASE WHEN status = 'previewed' THEN ${`预览后${days}天未导入，原始文件已按保留期清理，请重新上传`} ELSE error END
      WHERE content_pruned_at IS NULL AND status IN ('failed', 'applied', 'previewed')
        AND COALESCE(applied_at, created_at) < now() - make_interval(days => ${days})
      RETURNING id, size`.execute(trx);
    const ids = imports.rows.map((r) => r.id);
    if (ids.length) {
      await sql`DELETE FROM roster_import_rows WHERE import_id = ANY(${ids}::text[])`.execute(trx);
      await sql`DELETE FROM roster_import_problems WHERE import_id = ANY(${ids}::text[])`.execute(trx);
    }
    const inputs = await sql<{ size: number }>`UPDATE crosscheck_inputs SET content = ''::bytea, content_pruned_at = now()
      WHERE content_pruned_at IS NULL AND uploaded_at < now() - make_interval(days => ${days}) RETURNING size`.execute(trx);
    const bytes = [...imports.rows, ...inputs.rows].reduce((s, r) => s + Number(r.size), 0);
    return { rosterImports: ids.length, crosscheckInputs: inputs.rows.length, bytes };
  });
}
