// /api/users and /api/roles: accounts inside the manager's own region. Permission users.manage.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { CreateUserBody, IdParams, RoleList, UpdateUserBody, UserList, UserListQuery, UserView, UserWithPassword } from './auth.contract.ts';
import { actorOf, requirePermission } from './guards.ts';
import { createUser, getUser, listRoles, listUsers, resetPassword, unlockUser, updateUser } from './users.service.ts';

export async function registerUserRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;
  const tags = ['用户'];

  r.get(
    '/users',
    { config: { permission: 'users.manage' }, schema: { tags, summary: '用户列表（本辖区）', querystring: UserListQuery, response: { 200: UserList } } },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      const q = req.query;
      return listUsers(db, me.regionCode, {
        q: q.q,
        role: q.role,
        active: q.active === undefined ? undefined : q.active === 'true',
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  );

  r.get(
    '/users/:id',
    { config: { permission: 'users.manage' }, schema: { tags, summary: '用户详情', params: IdParams, response: { 200: UserView } } },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      return getUser(db, me.regionCode, req.params.id);
    },
  );

  r.post(
    '/users',
    {
      config: { permission: 'users.manage' },
      schema: { tags, summary: '新建用户（返回一次性初始密码）', body: CreateUserBody, response: { 200: UserWithPassword } },
    },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      return createUser(db, actorOf(me), me.regionCode, req.body);
    },
  );

  r.patch(
    '/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: { tags, summary: '修改用户的姓名、角色、辖区、启用状态', params: IdParams, body: UpdateUserBody, response: { 200: UserView } },
    },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      return updateUser(db, actorOf(me), me.regionCode, req.params.id, req.body);
    },
  );

  r.post(
    '/users/:id/reset-password',
    { config: { permission: 'users.manage' }, schema: { tags, summary: '重置密码（返回一次性密码）', params: IdParams, response: { 200: UserWithPassword } } },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      return resetPassword(db, actorOf(me), me.regionCode, req.params.id);
    },
  );

  r.post(
    '/users/:id/unlock',
    { config: { permission: 'users.manage' }, schema: { tags, summary: '解除锁定', params: IdParams, response: { 200: UserView } } },
    async (req) => {
      const me = requirePermission(req, 'users.manage');
      return unlockUser(db, actorOf(me), me.regionCode, req.params.id);
    },
  );

  r.get('/roles', { config: { permission: 'users.manage' }, schema: { tags, summary: '角色及其权限', response: { 200: RoleList } } }, async (req) => {
    requirePermission(req, 'users.manage');
    return listRoles(db);
  });
}
