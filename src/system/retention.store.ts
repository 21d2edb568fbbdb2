// Clearing the bytes of uploads past their retention period (retention.ts says how long):
// the record of each upload, its checksum, counts and audit entries stay.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

export interface PruneResult {
  rosterImports: number;
  crosscheckInputs: number;
  bytes: number;
}

/** Clear the bytes of uploads older than `days` days, in one transaction. */
export async function pruneUploads(db: Kysely<Tables>, days: number): Promise<PruneResult> {
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
