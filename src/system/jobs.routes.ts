// GET /api/jobs/:id — progress of long work, polled by the web page.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { getJob } from '../shared/jobs.ts';
import { AppError } from '../shared/errors.ts';
import { requireUser } from '../auth/index.ts';
import { JobParams, JobResponse } from './system.contract.ts';

export async function registerJobRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get('/jobs/:id', {
    schema: { tags: ['系统'], summary: '长任务进度', params: JobParams, response: { 200: JobResponse } },
  }, async (req) => {
    const user = requireUser(req);
    const job = await getJob(ctx.database.db, req.params.id);
    // a job belongs to its county; others' jobs are invisible
    if (!job || (job.countyCode && job.countyCode !== user.countyCode)) throw new AppError('NOT_FOUND', '任务不存在');
    return job;
  });
}
