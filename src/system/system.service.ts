// Health, the county served, and the progress of long work: what the health route, the web
// header and the job polling answer.
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { getJob, type Job } from '../shared/jobs.ts';
import type { SessionUser } from '../auth/index.ts';
import type { HealthResponse, SystemInfoResponse } from './system.contract.ts';
import { countyInfo, getState } from './first-start.ts';
import { pingDatabase } from './system.store.ts';

/** How long health waits for the database before answering from its recent activity. */
const HEALTH_WAIT_MS = 50;
/** A busy embedded database that finished a query this recently counts as alive. */
const ALIVE_WITHIN_MS = 60_000;

export async function health(ctx: AppContext): Promise<HealthResponse> {
  const base = { database: ctx.database.engine, version: ctx.config.version };
  const check = pingDatabase(ctx.database.db).then(
    () => 'ok' as const,
    () => 'down' as const,
  );
  // the embedded database is one session: during a long import health would queue behind it
  // (and time out); it answers from the session's recent activity instead
  const last = ctx.database.lastActivity;
  const first = last ? await Promise.race([check, new Promise<'busy'>((r) => setTimeout(() => r('busy'), HEALTH_WAIT_MS).unref())]) : await check;
  if (first === 'ok') return { ok: true, ...base };
  if (first === 'busy' && Date.now() - last!() < ALIVE_WITHIN_MS) return { ok: true, busy: true, ...base };
  if (first === 'busy' && (await check) === 'ok') return { ok: true, ...base };
  return { ok: false, ...base };
}

export async function systemInfo(ctx: AppContext): Promise<SystemInfoResponse> {
  const demo = await getState<{ status: string }>(ctx, 'demo').catch(() => undefined);
  return { county: await countyInfo(ctx), version: ctx.config.version, database: ctx.database.engine, demo: demo?.status === 'loaded' };
}

/** A job of the user's county (or of none); others' jobs are invisible. */
export async function jobFor(ctx: AppContext, user: SessionUser, id: string): Promise<Job> {
  const job = await getJob(ctx.database.db, id);
  if (!job || (job.countyCode && job.countyCode !== user.countyCode)) throw new AppError('NOT_FOUND', '任务不存在');
  return job;
}
