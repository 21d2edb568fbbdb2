// The job rows: what ran, how far it got and how it ended. SQL only; running a job is jobs.ts.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables, JobsTable } from './db/tables.ts';

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

export async function insertJob(
  db: Kysely<Tables>,
  id: string,
  kind: string,
  opts: { countyCode?: string; createdBy?: number | null; total?: number | null; message?: string },
): Promise<void> {
  await sql`INSERT INTO jobs (id, kind, county_code, status, total, message, created_by)
    VALUES (${id}, ${kind}, ${opts.countyCode ?? ''}, 'running', ${opts.total ?? null}, ${opts.message ?? ''}, ${opts.createdBy ?? null})`.execute(db);
}

export async function updateJobProgress(db: Kysely<Tables>, id: string, done: number, total: number | null, message: string | null): Promise<void> {
  await sql`UPDATE jobs SET done = ${done}, total = COALESCE(${total}, total), message = COALESCE(${message}, message) WHERE id = ${id}`.execute(db);
}

export async function markJobDone(db: Kysely<Tables>, id: string, result: unknown, message: string): Promise<void> {
  await sql`UPDATE jobs SET status = 'done', done = COALESCE(total, done), result = ${JSON.stringify(result ?? null)}::jsonb, message = ${message}, finished_at = now() WHERE id = ${id}`.execute(
    db,
  );
}

export async function markJobFailed(db: Kysely<Tables>, id: string, message: string): Promise<void> {
  await sql`UPDATE jobs SET status = 'failed', message = ${message}, finished_at = now() WHERE id = ${id}`.execute(db);
}

const toJob = (j: Selectable<JobsTable>): Job => ({
  id: j.id,
  kind: j.kind,
  countyCode: j.county_code,
  status: j.status as JobStatus,
  done: Number(j.done),
  total: j.total === null ? null : Number(j.total),
  message: j.message,
  result: j.result,
  createdBy: j.created_by === null ? null : Number(j.created_by),
  createdAt: new Date(j.created_at).toISOString(),
  finishedAt: j.finished_at ? new Date(j.finished_at).toISOString() : null,
});

export async function selectJob(db: Kysely<Tables>, id: string): Promise<Job | null> {
  const j = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return j ? toJob(j) : null;
}
