// /api/auth: login, logout, me, change-password.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../shared/context.ts';
import { MeResponse, LoginBody, ChangePasswordBody, Ok } from './auth.contract.ts';
import { changePassword, login } from './login.ts';
import { endSession, me } from './auth.service.ts';
import { AddressLimiter } from './login-limits.ts';
import { requireUser } from './guards.ts';
import { clearSessionCookie, setSessionCookie } from './cookies.ts';

export async function registerAuthRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;
  // failed logins per address, in this process's memory (one per server)
  const limiter = new AddressLimiter();

  r.post(
    '/auth/login',
    {
      bodyLimit: 4096, // a name and a password; nothing larger is parsed
      schema: {
        tags: ['登录'],
        summary: '登录',
        body: LoginBody,
        response: { 200: MeResponse },
      },
    },
    async (req, reply) => {
      const res = await login(db, req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'], limiter });
      // a session from before (another user on this browser) ends here
      if (req.session) await endSession(db, req.session.tokenHash);
      setSessionCookie(reply, ctx, res.token);
      return me(db, res.user, res.csrfToken);
    },
  );

  r.post('/auth/logout', { schema: { tags: ['登录'], summary: '退出登录', response: { 200: Ok } } }, async (req, reply) => {
    if (req.user && req.session) await endSession(db, req.session.tokenHash, req.user);
    clearSessionCookie(reply, ctx);
    return { ok: true as const };
  });

  r.get('/auth/me', { schema: { tags: ['登录'], summary: '当前用户', response: { 200: MeResponse } } }, async (req) => {
    const user = requireUser(req);
    return me(db, user, req.session!.csrfToken);
  });

  r.post(
    '/auth/change-password',
    {
      schema: {
        tags: ['登录'],
        summary: '修改密码',
        body: ChangePasswordBody,
        response: { 200: MeResponse },
      },
    },
    async (req) => {
      const user = requireUser(req);
      await changePassword(db, user, req.body.oldPassword, req.body.newPassword, req.session!.tokenHash);
      return me(db, { ...user, mustChangePassword: false }, req.session!.csrfToken);
    },
  );
}
