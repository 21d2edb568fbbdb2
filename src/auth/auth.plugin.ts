// registerAuth: reads the session cookie on every /api request, sets request.user, checks the
// CSRF header on changes, holds users who must change their password at the door, and adds
// the /auth routes. Called in app.ts before every capability's routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../shared/errors.ts';
import type { AppContext } from '../shared/context.ts';
import { loadSession } from './session.store.ts';
import type { SessionUser } from './permissions.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.ts';


declare module 'fastify' {
  interface FastifyRequest {
    /** the logged-in user, or null */
    user: SessionUser | null;
    /** sha256 of the session token and its CSRF token, when logged in */
    session: { tokenHash: string; csrfToken: string } | null;
  }
}

/** Routes anyone may call, logged in or not, whatever the state of their password. */
const OPEN_ROUTES = new Set(['/api/health', '/api/system/info', '/api/auth/login']);
/** What a user who must change their password may still call. */
const PASSWORD_GATE_ALLOWED = new Set(['/api/auth/me', '/api/auth/change-password', '/api/auth/logout', ...OPEN_ROUTES]);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  if (!app.hasReplyDecorator('setCookie')) await app.register(fastifyCookie);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.user = null;
    req.session = null;
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return;
    const s = await loadSession(ctx.database.db, token);
    if (!s) return;
    req.user = s.user;
    req.session = { tokenHash: s.tokenHash, csrfToken: s.csrfToken };
    const route = req.routeOptions?.url ?? '';
    if (!SAFE_METHODS.has(req.method) && route !== '/api/auth/login') {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, s.csrfToken)) {
        throw new AppError('CSRF', '请求缺少有效的安全令牌（CSRF），请刷新页面后重试');
      }
    }
    if (s.user.mustChangePassword && !PASSWORD_GATE_ALLOWED.has(route)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', '首次登录或密码已被重置，请先修改密码');
    }
  });

  await registerAuthRoutes(app, ctx);
}
