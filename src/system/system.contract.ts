// The system capability's contract: health, the county this server serves, and the progress
// of long work (GET /api/jobs/:id), for the server, the web app and the tools that wait on it.
import { z } from 'zod';

export const DatabaseEngine = z.enum(['pglite', 'postgres']);

export const SystemInfoResponse = z.object({
  county: z.object({ code: z.string(), name: z.string() }).nullable(),
  version: z.string(),
  database: DatabaseEngine,
  demo: z.boolean(),
});
export type SystemInfoResponse = z.infer<typeof SystemInfoResponse>;

export const HealthResponse = z.object({ ok: z.boolean(), database: DatabaseEngine, version: z.string(), busy: z.boolean().optional() });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const JobParams = z.object({ id: z.string().uuid() });
export const JobResponse = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  done: z.number(),
  total: z.number().nullable(),
  message: z.string(),
  result: z.unknown(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobResponse = z.infer<typeof JobResponse>;
