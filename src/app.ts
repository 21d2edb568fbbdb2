// Builds the HTTP server: one Fastify instance, zod schemas for every route (and the OpenAPI
// document made from them), one error handler, and every capability's routes.
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifySwagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import fastifyMultipart from '@fastify/multipart';
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isAppError } from './shared/errors.ts';
import { addSecurityHeaders } from './shared/http/security-headers.ts';
import { installChineseZod, fieldLabel } from './shared/zod-zh.ts';
import { MAX_ANY_UPLOAD } from './shared/http/upload.ts';
import { configureUploadDir } from './shared/files/upload-store.ts';
import type { AppContext } from './shared/context.ts';
import { ChangeFeed } from './shared/events.ts';
import { registerSystemRoutes } from './system/system.routes.ts';
import { registerAuth } from './auth/index.ts';
import { registerRegistryRoutes } from './registry/registry.routes.ts';
import { registerRosterRoutes } from './registry/roster.routes.ts';
import { registerQualityRoutes } from './quality/quality.routes.ts';
import { registerJobRoutes } from './system/jobs.routes.ts';
import { registerSubsidyRoutes } from './subsidy/subsidy.routes.ts';
import { registerCasesRoutes } from './cases/cases.routes.ts';
import { registerMicrocreditRoutes, loanSummariesByIdNumbers } from './microcredit/index.ts';
import { registerMonitoringRoutes, registerLoanLookup } from './monitoring/index.ts';

export const JSON_BODY_LIMIT = 1024 * 1024;

/** trust the n nearest proxies (fastify counts hops from the socket) */
const hops = (n: number) => (_addr: string, i: number) => i < n;
import { registerFundsRoutes } from './funds/index.ts';
import { registerProjectRoutes } from './funds/projects.routes.ts';

export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: 'info', redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'] } : false,
    // JSON bodies: 1 MB (uploads are multipart, each route with its own limit)
    bodyLimit: JSON_BODY_LIMIT,
    // X-Forwarded-For is believed only from a configured proxy (ANJU_TRUST_PROXY)
    trustProxy: typeof ctx.config.trustProxy === 'number' ? hops(ctx.config.trustProxy) : (ctx.config.trustProxy ?? false),
  });
  addSecurityHeaders(app);
  installChineseZod();
  ctx.events ??= new ChangeFeed();
  const events = ctx.events;
  // uploads kept for later (roster imports, cross-check extracts) live in the data folder
  if (ctx.config.dataDir) configureUploadDir(join(ctx.config.dataDir, 'uploads'));
  // background follow-ups finish before the database closes
  app.addHook('onClose', async () => {
    await events.idle();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    if (isAppError(err)) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details ?? null } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => `${fieldLabel(v.instancePath, err.validationContext)}：${v.message}`);
      return reply.status(400).send({ error: { code: 'VALIDATION', message: `请求内容不正确：${issues.join('；')}`, details: err.validation } });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send({
        error: {
          code: status === 413 ? 'TOO_LARGE' : 'BAD_REQUEST',
          message: status === 413 ? '请求内容过大（上传文件请使用对应的上传功能，每种文件有各自的大小上限）' : '请求不正确',
          details: null,
        },
      });
    }
    req.log.error(err);
    return reply.status(500).send({ error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试或联系管理员', details: null } });
  });

  await app.register(fastifySwagger, {
    openapi: { info: { title: '安居 Anju API', version: ctx.config.version }, servers: [] },
    transform: jsonSchemaTransform,
  });

  // uploads (roster files, evidence): each route sets its own smaller limit
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_ANY_UPLOAD, files: 1, fields: 20 } });

  await app.register(
    async (api) => {
      await registerAuth(api, ctx); // first: sets request.user, checks CSRF, for every route below
      await registerSystemRoutes(api, ctx);
      await registerJobRoutes(api, ctx);
      await registerRegistryRoutes(api, ctx);
      await registerRosterRoutes(api, ctx);
      await registerQualityRoutes(api, ctx);
      await registerSubsidyRoutes(api, ctx);
      await registerCasesRoutes(api, ctx);
      await registerMicrocreditRoutes(api, ctx);
      // a monitored household's 小额信贷 tab reads its loans from the microcredit capability
      registerLoanLookup(loanSummariesByIdNumbers);
      await registerMonitoringRoutes(api, ctx);
      await registerFundsRoutes(api, ctx);
      await registerProjectRoutes(api, ctx);
    },
    { prefix: '/api' },
  );

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const dist = ctx.config.webDist;
  if (dist && existsSync(join(dist, 'index.html'))) {
    // wildcard: files built after the server started are served too
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: true });
    // the web app routes on the client: unknown non-API paths get index.html
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: '接口不存在', details: null } });
      return reply.sendFile('index.html');
    });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send({
        error: { code: 'NOT_FOUND', message: req.url.startsWith('/api/') ? '接口不存在' : '页面不存在（网页尚未构建，请运行 npm run build）', details: null },
      }),
    );
  }
  return app;
}
