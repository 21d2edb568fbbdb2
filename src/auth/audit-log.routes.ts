// /api/audit: the audit log, read-only (permission audit.read), and the chain check.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { AuditPage, AuditQuery, AuditVerifyResponse } from './auth.contract.ts';
import { requirePermission } from './guards.ts';
import { checkAuditChain, readAuditLog } from './audit-log.service.ts';
import { unmaskAllowed } from './unmask.ts';

export async function registerAuditLogRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['审计日志'];
  r.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: { tags, summary: '审计日志（按时间、用户、操作、对象筛选，分页）', querystring: AuditQuery, response: { 200: AuditPage } },
    },
    async (req) => {
      const me = requirePermission(req, 'audit.read');
      return readAuditLog(ctx.database.db, me, req.query, unmaskAllowed(req));
    },
  );
  r.get(
    '/audit/verify',
    { config: { permission: 'audit.read' }, schema: { tags, summary: '校验审计日志哈希链', response: { 200: AuditVerifyResponse } } },
    async (req) => {
      requirePermission(req, 'audit.read');
      return checkAuditChain(ctx.database.db);
    },
  );
}
