// Health and version: other tools wait on GET /api/health before they call anything else.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sql } from 'kysely';
import type { AppContext } from '../shared/context.ts';
import { countyInfo, getState } from './first-start.ts';

export const SystemInfoResponse = z.object({
  county: z.object({ code: z.string(), name: z.string() }).nullable(),
  version: z.string(),
  database: z.enum(['pglite', 'postgres']),
  demo: z.boolean(),
});

export const HealthResponse = z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgres']), version: z.string() });

export async function registerSystemRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: { tags: ['系统'], summary: '健康检查', response: { 200: HealthResponse, 503: HealthResponse } },
  }, async (_req, reply) => {
    try {
      await sql`SELECT 1 FROM schema_migrations LIMIT 1`.execute(ctx.database.db);
      return { ok: true, database: ctx.database.engine, version: ctx.config.version };
    } catch {
      return reply.status(503).send({ ok: false, database: ctx.database.engine, version: ctx.config.version });
    }
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
