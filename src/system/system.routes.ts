// Health and version: other tools wait on GET /api/health before they call anything else.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { HealthResponse, SystemInfoResponse } from './system.contract.ts';
import { health, systemInfo } from './system.service.ts';

export async function registerSystemRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: { tags: ['系统'], summary: '健康检查', response: { 200: HealthResponse, 503: HealthResponse } },
    },
    async (_req, reply) => {
      const h = await health(ctx);
      return h.ok ? h : reply.status(503).send(h);
    },
  );

  // for the web header and the login page: open to everyone
  app.withTypeProvider<ZodTypeProvider>().get(
    '/system/info',
    {
      config: { public: true },
      schema: { tags: ['系统'], summary: '本系统服务的县、版本', response: { 200: SystemInfoResponse } },
    },
    async () => systemInfo(ctx),
  );
}
