// Long work (imports, cross-checks, payment rolls) runs as a job row whose progress the web
// page polls (GET /api/jobs/:id) and the CLI shows as a bar. A job runs in this process;
// its row is the record of what happened.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface Job {
  id: string;
  kind: string;
  countyCode: string;
  status: JobStatus;
  done: number;
  total: number | null;
  message: string;
  result: unknown;
  createdBy: number | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface JobProgress {
  /** report progress; cheap to call often (writes at most every 500 ms) */
  progress(done: number, total?: number | null, message?: string): Promise<void>;
}

export async function createJob(db: Kysely<any>, kind: string, opts: { countyCode?: string; createdBy?: number | null; total?: number | null; message?: string } = {}): Promise<string> {
  const id = randomUUID();
  await sql`INSERT INTO jobs (id, kind, county_code, status, total, message, created_by)
    VALUES (${id}, ${kind}, ${opts.countyCode ?? ''}, 'running', ${opts.total ?? null}, ${opts.message ?? ''}, ${opts.createdBy ?? null})`.execute(db);
  return id;
}

export function progressReporter(db: Kysely<any>, id: string, minIntervalMs = 500): JobProgress {
  let last = 0;
  return {
    async progress(done, total, message) {
      const now = Date.now();
      if (now - last < minIntervalMs) return;
      last = now;
      await sql`UPDATE jobs SET done = ${done}, total = COALESCE(${total ?? null}, total), message = COALESCE(${message ?? null}, message) WHERE id = ${id}`.execute(db);
    },
  };
}

export async function finishJob(db: Kysely<any>, id: string, result: unknown, message = '完成'): Promise<void> {
  await sql`UPDATE jobs SET status = 'done', done = COALESCE(total, done), result = ${JSON.stringify(result ?? null)}::jsonb, message = ${message}, finished_at = now() WHERE id = ${id}`.execute(db);
}

export async function failJob(db: Kysely<any>, id: string, message: string): Promise<void> {
  await sql`UPDATE jobs SET status = 'failed', message = ${message}, finished_at = now() WHERE id = ${id}`.execute(db);
}

export async function getJob(db: Kysely<any>, id: string): Promise<Job | null> {
  const r = await sql<Record<string, any>>`SELECT * FROM jobs WHERE id = ${id}`.execute(db);
  const j = r.rows[0];
  if (!j) return null;
  return {
    id: j.id, kind: j.kind, countyCode: j.county_code, status: j.status, done: Number(j.done), total: j.total === null ? null : Number(j.total),
    message: j.message, result: j.result, createdBy: j.created_by === null ? null : Number(j.created_by),
    createdAt: new Date(j.created_at).toISOString(), finishedAt: j.finished_at ? new Date(j.finished_at).toISOString() : null,
  };
}

/**
 * Run `work` as a job in the background: returns the job id at once; the job row ends as
 * done (with the result) or failed (with the Chinese message of the error).
 */
export async function startJob<T>(db: Kysely<any>, kind: string, opts: { countyCode?: string; createdBy?: number | null; total?: number | null },
  work: (p: JobProgress) => Promise<T>): Promise<string> {
  const id = await createJob(db, kind, opts);
  const p = progressReporter(db, id);
  void (async () => {
    try {
      const result = await work(p);
      await finishJob(db, id, result);
    } catch (e) {
      await failJob(db, id, e instanceof Error ? e.message : String(e)).catch(() => {});
    }
  })();
  return id;
}
