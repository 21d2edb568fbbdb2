// Clearing the bytes of uploads past their retention period (retention.ts says how long):
// the record of each upload, its checksum, counts and audit entries stay.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

export interface PruneResult {
  rosterImports: number;
  crosscheckInputs: number;
  bytes: number;
}

/**
 * Clear the bytes of uploads older than `days` days, in one transaction; returns the keys of
 * their kept files (upload store), which the caller removes once this is committed.
 */
export async function pruneUploadRecords(db: Kysely<Tables>, days: number): Promise<PruneResult & { storedFiles: string[] }> {
  return db.transaction().execute(async (trx) => {
    // an import being previewed or applied right now is never touched
    const imports = await sql<{ id: string; size: number; stored_file: string }>`UPDATE roster_imports r SET content = ''::bytea, stored_file = '',
        content_pruned_at = now(),
        status = CASE WHEN r.status = 'previewed' THEN 'failed' ELSE r.status END,
        error = CASE WHEN r.status = 'previewed' THEN ${`预览后${days}天未导入，原始文件已按保留期清理，请重新上传`} ELSE r.error END
      FROM (SELECT id, stored_file FROM roster_imports
        WHERE content_pruned_at IS NULL AND status IN ('failed', 'applied', 'previewed')
          AND COALESCE(applied_at, created_at) < now() - make_interval(days => ${days}) FOR UPDATE) old
      WHERE r.id = old.id
      RETURNING r.id, r.size, old.stored_file`.execute(trx);
    const ids = imports.rows.map((r) => r.id);
    if (ids.length) {
      await sql`DELETE FROM roster_import_rows WHERE import_id = ANY(${ids}::text[])`.execute(trx);
      await sql`DELETE FROM roster_import_problems WHERE import_id = ANY(${ids}::text[])`.execute(trx);
    }
    const inputs = await sql<{
      size: number;
      stored_file: string;
    }>`UPDATE crosscheck_inputs i SET content = ''::bytea, stored_file = '', content_pruned_at = now()
      FROM (SELECT county_code, id, stored_file FROM crosscheck_inputs
        WHERE content_pruned_at IS NULL AND uploaded_at < now() - make_interval(days => ${days}) FOR UPDATE) old
      WHERE i.county_code = old.county_code AND i.id = old.id
      RETURNING i.size, old.stored_file`.execute(trx);
    const bytes = [...imports.rows, ...inputs.rows].reduce((s, r) => s + Number(r.size), 0);
    const storedFiles = [...imports.rows, ...inputs.rows].map((r) => r.stored_file).filter(Boolean);
    return { rosterImports: ids.length, crosscheckInputs: inputs.rows.length, bytes, storedFiles };
  });
}
