// The session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS.
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../shared/context.ts';

export const SESSION_COOKIE = 'anju_session';
export const CSRF_HEADER = 'x-csrf-token';

export function setSessionCookie(reply: FastifyReply, ctx: AppContext, token: string) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies });
}

export function clearSessionCookie(reply: FastifyReply, ctx: AppContext) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies });
}
