// Response headers that keep the pages from being framed, sniffed or fed foreign scripts, and
// the reading of ANJU_TRUST_PROXY (X-Forwarded-For is believed only from a configured proxy).
import type { FastifyInstance } from 'fastify';

/**
 * Scripts from this server only (the Vite build has no inline script). Styles allow inline:
 * Ant Design writes its CSS-in-JS into <style> tags. Images from data:/blob: (ECharts export).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
  });
}

/**
 * ANJU_TRUST_PROXY: unset, empty or 0 = trust no proxy (the client address is the socket's);
 * a number n = trust n proxies in front; otherwise a comma-separated list of proxy addresses
 * or CIDR ranges (e.g. `127.0.0.1` or `10.0.0.0/8`).
 */
export function trustProxyFrom(value: string | undefined): boolean | number | string[] {
  const v = (value ?? '').trim();
  if (!v || v === '0' || v.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
