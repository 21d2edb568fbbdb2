// /api/controls: the county's control settings (separation of duties).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { actorOf, requireCountyLevel, requirePermission, requireUser } from './guards.ts';
import { loadControls, saveControls } from './controls.service.ts';
import { ControlsBody, ControlsView } from './auth.contract.ts';

export async function registerControlsRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['登录'];
  r.get('/controls', { schema: { tags, summary: '本县内控设置（是否允许同一人录入并审批）', response: { 200: ControlsView } } }, async (req) => {
    const user = requireUser(req);
    return loadControls(ctx.database.db, user.countyCode);
  });
  r.put(
    '/controls',
    {
      config: { permission: 'settings.manage', countyLevel: true },
      schema: { tags, summary: '修改本县内控设置（须县级用户；记审计；允许自审批时每条记录标明）', body: ControlsBody, response: { 200: ControlsView } },
    },
    async (req) => {
      const user = requirePermission(req, 'settings.manage');
      requireCountyLevel(user);
      return saveControls(ctx.database.db, actorOf(user), user.countyCode, req.body);
    },
  );
}
