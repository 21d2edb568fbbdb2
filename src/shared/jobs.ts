// Long work (imports, cross-checks, payment rolls) runs as a job row whose progress the web
// page polls (GET /api/jobs/:id) and the CLI shows as a bar. A job runs in this process;
// its row is the record of what happened.
import type { Kysely } from 'kysely';
import type { Tables } from './db/tables.ts';
import { randomUUID } from 'node:crypto';
import { insertJob, markJobDone, markJobFailed, selectJob, updateJobProgress, type Job } from './jobs.store.ts';

export type { Job, JobStatus } from './jobs.store.ts';

export interface JobProgress {
  /** report progress; cheap to call often (writes at most every 500 ms) */
  progress(done: number, total?: number | null, message?: string): Promise<void>;
}

export async function createJob(
  db: Kysely<Tables>,
  kind: string,
  opts: { countyCode?: string; createdBy?: number | null; total?: number | null; message?: string } = {},
): Promise<string> {
  const id = randomUUID();
  await insertJob(db, id, kind, opts);
  return id;
}

export function progressReporter(db: Kysely<Tables>, id: string, minIntervalMs = 500): JobProgress {
  let last = 0;
  return {
    async progress(done, total, message) {
      const now = Date.now();
      if (now - last < minIntervalMs) return;
      last = now;
      await updateJobProgress(db, id, done, total ?? null, message ?? null);
    },
  };
}

export async function finishJob(db: Kysely<Tables>, id: string, result: unknown, message = '完成'): Promise<void> {
  await markJobDone(db, id, result, message);
}

export async function failJob(db: Kysely<Tables>, id: string, message: string): Promise<void> {
  await markJobFailed(db, id, message);
}

export async function getJob(db: Kysely<Tables>, id: string): Promise<Job | null> {
  return selectJob(db, id);
}

/**
 * Run `work` as a job in the background: returns the job id at once; the job row ends as
 * done (with the result) or failed (with the Chinese message of the error).
 */
export async function startJob<T>(
  db: Kysely<Tables>,
  kind: string,
  opts: { countyCode?: string; createdBy?: number | null; total?: number | null },
  work: (p: JobProgress) => Promise<T>,
): Promise<string> {
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
