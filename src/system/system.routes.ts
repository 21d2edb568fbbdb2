// Health and version: other tools wait on GET /api/health before they call anything else.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { AppContext } from '../shared/context.ts';
import { countyInfo, getState } from './first-start.ts';
import { HealthResponse, SystemInfoResponse } from './system.contract.ts';

/** How long health waits for the database before answering from its recent activity. */
const HEALTH_WAIT_MS = 50;
/** A busy embedded database that finished a query this recently counts as alive. */
const ALIVE_WITHIN_MS = 60_000;

export async function registerSystemRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: { tags: ['系统'], summary: '健康检查', response: { 200: HealthResponse, 503: HealthResponse } },
  }, async (_req, reply) => {
    const base = { database: ctx.database.engine, version: ctx.config.version };
    const check = sql`SELECT 1 FROM schema_migrations LIMIT 1`.execute(ctx.database.db).then(() => 'ok' as const, () => 'down' as const);
    // the embedded database is one session: during a long import health would queue behind it
    // (and time out); it answers from the session's recent activity instead
    const last = ctx.database.lastActivity;
    const first = last ? await Promise.race([check, new Promise<'busy'>((r) => setTimeout(() => r('busy'), HEALTH_WAIT_MS).unref())]) : await check;
    if (first === 'ok') return { ok: true, ...base };
    if (first === 'busy' && Date.now() - last!() < ALIVE_WITHIN_MS) return { ok: true, busy: true, ...base };
    if (first === 'busy' && (await check) === 'ok') return { ok: true, ...base };
    return reply.status(503).send({ ok: false, ...base });
  });

  // for the web header and the login page: open to everyone
  app.withTypeProvider<ZodTypeProvider>().get('/system/info', {
    config: { public: true },
    schema: { tags: ['系统'], summary: '本系统服务的县、版本', response: { 200: SystemInfoResponse } },
  }, async () => {
    const demo = await getState<{ status: string }>(ctx, 'demo').catch(() => undefined);
    return { county: await countyInfo(ctx), version: ctx.config.version, database: ctx.database.engine, demo: demo?.status === 'loaded' };
  });
}
