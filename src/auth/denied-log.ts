// 403s go to the audit log, so an auditor sees who tried what outside their rights. Limited so a
// script hammering a route cannot flood the log: one entry per user and route every 10 minutes,
// at most 20 per user an hour; what was held back is counted in the next entry that is written.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit } from '../shared/audit.ts';
import type { SessionUser } from './permissions.ts';

const ROUTE_GAP_MS = 10 * 60_000;
const USER_WINDOW_MS = 60 * 60_000;
const USER_MAX = 20;

export class DeniedLog {
  private lastByRoute = new Map<string, number>();
  private byUser = new Map<number, { since: number; n: number; held: number }>();
  constructor(private now: () => number = Date.now) {}

  /** Whether to write an entry now; when yes, how many were held back before it. */
  admit(userId: number, route: string): { write: boolean; held: number } {
    const t = this.now();
    if (this.lastByRoute.size > 10_000) this.prune(t);
    const u = this.byUser.get(userId) ?? { since: t, n: 0, held: 0 };
    if (t - u.since >= USER_WINDOW_MS) {
      u.since = t;
      u.n = 0;
    }
    this.byUser.set(userId, u);
    const key = `${userId} ${route}`;
    const last = this.lastByRoute.get(key);
    if ((last !== undefined && t - last < ROUTE_GAP_MS) || u.n >= USER_MAX) {
      u.held++;
      return { write: false, held: 0 };
    }
    this.lastByRoute.set(key, t);
    u.n++;
    const held = u.held;
    u.held = 0;
    return { write: true, held };
  }

  private prune(t: number) {
    for (const [k, v] of this.lastByRoute) if (t - v >= ROUTE_GAP_MS) this.lastByRoute.delete(k);
  }
}

export async function logDenied(
  db: Kysely<Tables>,
  log: DeniedLog,
  user: SessionUser,
  req: { method: string; route: string; url: string; message: string },
): Promise<void> {
  const route = `${req.method} ${req.route || req.url.split('?')[0]}`;
  const { write, held } = log.admit(user.id, route);
  if (!write) return;
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      { userId: user.id, username: user.username },
      {
        action: 'access.denied',
        entityType: 'route',
        entityId: route.slice(0, 200),
        countyCode: user.countyCode,
        detail: {
          method: req.method,
          path: req.url.split('?')[0].slice(0, 300),
          message: req.message,
          role: user.role,
          regionCode: user.regionCode,
          ...(held ? { heldBack: held } : {}),
        },
      },
    ),
  );
}
