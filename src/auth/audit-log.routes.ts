// /api/audit: the audit log, read-only (permission audit.read), and the chain check.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { AuditPage, AuditQuery, AuditVerifyResponse } from './auth.contract.ts';
import { requirePermission } from './guards.ts';
import { queryAudit } from './audit-log.store.ts';
import { unmaskAllowed, auditUnmaskedView } from './unmask.ts';
import { maskDeep } from '../shared/mask.ts';

export async function registerAuditLogRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['审计日志'];
  r.get('/audit', { config: { permission: 'audit.read' }, schema: { tags, summary: '审计日志（按时间、用户、操作、对象筛选，分页）', querystring: AuditQuery, response: { 200: AuditPage } } }, async (req) => {
    const me = requirePermission(req, 'audit.read');
    const page = await queryAudit(ctx.database.db, me.countyCode, req.query, me.regionCode);
    // before/after hold IDs and accounts: masked like every list unless the reader may and asks to unmask (audited)
    if (!unmaskAllowed(req)) return { ...page, items: page.items.map((i) => ({ ...i, before: maskDeep(i.before), after: maskDeep(i.after), detail: maskDeep(i.detail) })) };
    await auditUnmaskedView(ctx.database.db, me, { entityType: 'audit_log', fields: ['idNumber', 'accountNo'], count: page.items.length, detail: { query: req.query } });
    return page;
  });
  r.get('/audit/verify', { config: { permission: 'audit.read' }, schema: { tags, summary: '校验审计日志哈希链', response: { 200: AuditVerifyResponse } } }, async (req) => {
    requirePermission(req, 'audit.read');
    return verifyAuditChain(ctx.database.db);
  });
}
