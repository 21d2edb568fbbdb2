// GET /api/jobs/:id — progress of long work, polled by the web page.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { requireUser } from '../auth/index.ts';
import { JobParams, JobResponse } from './system.contract.ts';
import { jobFor } from './system.service.ts';

export async function registerJobRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/jobs/:id',
    {
      schema: { tags: ['系统'], summary: '长任务进度', params: JobParams, response: { 200: JobResponse } },
    },
    async (req) => {
      return jobFor(ctx, requireUser(req), req.params.id);
    },
  );
}
