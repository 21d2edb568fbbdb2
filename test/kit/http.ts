// One harness for route tests: a fresh migrated database on the engine, the whole app on it,
// and small helpers to call it as a logged-in user and to upload files.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestDatabase, type TestDatabase } from '../../src/shared/db/testing.ts';
import type { AppContext } from '../../src/shared/context.ts';
import type { Engine } from '../../src/shared/db/database.ts';

export type Headers = Record<string, string>;

export interface TestApp {
  t: TestDatabase;
  ctx: AppContext;
  app: FastifyInstance;
  /** app.inject with the caller's headers (null: not logged in) and an optional JSON body */
  call(method: string, url: string, headers: Headers | null, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestApp(engine: Engine): Promise<TestApp> {
  const t = await createTestDatabase(engine);
  const ctx: AppContext = { database: t, config: { version: 'test', secureCookies: false } };
  const app = await buildApp(ctx);
  return {
    t,
    ctx,
    app,
    call: (method, url, headers, body) =>
      app.inject({ method: method as 'GET', url, headers: headers ?? {}, ...(body === undefined ? {} : { payload: body as object }) }),
    async close() {
      await app.close();
      await t.drop();
    },
  };
}

/** A multipart/form-data body with one file in the field `file`. */
export function multipart(filename: string, content: Buffer, mime = 'application/octet-stream') {
  const boundary = '----anjutest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mime}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Poll GET /api/jobs/:id until the job is done or failed. */
export async function waitJob(h: TestApp, headers: Headers, jobId: string): Promise<{ status: string; message: string; result: unknown }> {
  for (let i = 0; i < 1200; i++) {
    const r = await h.app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers });
    if (r.statusCode !== 200) throw new Error(`job ${jobId}: HTTP ${r.statusCode} ${r.body}`);
    const j = r.json();
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}
