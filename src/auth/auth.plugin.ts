// registerAuth: reads the session cookie on every /api request, sets request.user, checks the
// CSRF header on changes, holds users who must change their password at the door, and adds
// the /auth routes. Called in app.ts before every capability's routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { timingSafeEqual } from 'node:crypto';
import { AppError, isAppError } from '../shared/errors.ts';
import { DeniedLog, logDenied } from './denied-log.ts';
import type { AppContext } from '../shared/context.ts';
import { loadSession } from './session.store.ts';
import { hasPermission, PERMISSIONS, type Permission, type SessionUser } from './permissions.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { registerUserRoutes } from './users.routes.ts';
import { registerAuditLogRoutes } from './audit-log.routes.ts';
import { registerControlsRoutes } from './controls.routes.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the logged-in user, or null */
    user: SessionUser | null;
    /** sha256 of the session token and its CSRF token, when logged in */
    session: { tokenHash: string; csrfToken: string } | null;
  }
  interface FastifyContextConfig {
    /** checked before the body is validated: 401 without login, 403 without this permission */
    permission?: Permission;
    /** callable without login (default: every /api route needs a logged-in user) */
    public?: boolean;
    /** county-wide work (settings, rolls, cross-checks, rules): 403 for users placed at a township */
    countyLevel?: boolean;
  }
}

/** Routes anyone may call, logged in or not, whatever the state of their password. */
const OPEN_ROUTES = new Set(['/api/health', '/api/system/info', '/api/auth/login', '/api/auth/logout']);
/** What a user who must change their password may still call. */
const PASSWORD_GATE_ALLOWED = new Set(['/api/auth/me', '/api/auth/change-password', '/api/auth/logout', ...OPEN_ROUTES]);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What each /api route declares (permission, county level): for the route × role × region tests. */
export const ROUTE_RULES = new Map<string, { permission?: Permission; countyLevel?: boolean }>();

export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  if (!app.hasReplyDecorator('setCookie')) await app.register(fastifyCookie);
  app.addHook('onRoute', (r) => {
    const c = (r.config ?? {}) as { permission?: Permission; countyLevel?: boolean };
    for (const m of [r.method].flat()) ROUTE_RULES.set(`${m} ${r.url}`, { permission: c.permission, countyLevel: c.countyLevel });
  });
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.user = null;
    req.session = null;
    const route = req.routeOptions?.url ?? '';
    const config = req.routeOptions?.config ?? {};
    // deny by default: a known route is open only when it says so
    const open = !route || OPEN_ROUTES.has(route) || config.public === true;
    const token = req.cookies?.[SESSION_COOKIE];
    const s = token ? await loadSession(ctx.database.db, token) : null;
    if (!s) {
      if (open) return;
      throw new AppError('UNAUTHENTICATED', '尚未登录或登录已过期，请重新登录');
    }
    req.user = s.user;
    req.session = { tokenHash: s.tokenHash, csrfToken: s.csrfToken };
    if (!SAFE_METHODS.has(req.method) && route !== '/api/auth/login') {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, s.csrfToken)) {
        throw new AppError('CSRF', '请求缺少有效的安全令牌（CSRF），请刷新页面后重试');
      }
    }
    if (s.user.mustChangePassword && !PASSWORD_GATE_ALLOWED.has(route) && config.public !== true) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', '首次登录或密码已被重置，请先修改密码');
    }
    if (config.permission && !hasPermission(s.user, config.permission)) {
      throw new AppError('FORBIDDEN', `没有权限：${PERMISSIONS[config.permission] ?? config.permission}`);
    }
    if (config.countyLevel && s.user.regionCode.length !== 6) {
      throw new AppError('FORBIDDEN', '只有县级用户才能修改全县的设置或办理全县的业务');
    }
  });

  // every 403 of a logged-in user goes to the audit log (limited: see denied-log.ts); a failure
  // to write it never changes the answer
  const denied = new DeniedLog();
  app.addHook('onError', async (req, _reply, err) => {
    if (!req.user || !isAppError(err) || err.code !== 'FORBIDDEN') return;
    await logDenied(ctx.database.db, denied, req.user, { method: req.method, route: req.routeOptions?.url ?? '', url: req.url, message: err.message }).catch(
      (e) => req.log.warn({ err: e }, '越权访问未能写入审计日志'),
    );
  });

  await registerAuthRoutes(app, ctx);
  await registerUserRoutes(app, ctx);
  await registerAuditLogRoutes(app, ctx);
  await registerControlsRoutes(app, ctx);
}
