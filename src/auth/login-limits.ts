// Limits on guessing passwords. Per account: every attempt is counted in the database BEFORE
// the hash is checked (one UPDATE … RETURNING), so parallel guesses cannot all be checked.
// Per address: failures counted in this process's memory (one server process; a restart
// forgets them, the per-account count in the database does not).

export const MAX_FAILED_LOGINS = 5;
/** lock of an ordinary account after MAX_FAILED_LOGINS failures in a row */
export const LOCK_MINUTES = 15;
/** an administrator is never hard-locked: the lock grows 1, 2, 4 … minutes, at most this */
export const ADMIN_MAX_LOCK_MINUTES = 5;

/** Minutes of the lock that starts now, for a role and its number of locks in a row (0 = first). */
export function lockMinutes(role: string, lockLevel: number): number {
  if (role !== 'admin') return LOCK_MINUTES;
  return Math.min(2 ** Math.max(0, lockLevel), ADMIN_MAX_LOCK_MINUTES);
}

export const ADDRESS_MAX_FAILURES = 20;
export const ADDRESS_WINDOW_MINUTES = 15;

/** Failed logins per client address in a sliding window (kept in memory). */
export class AddressLimiter {
  readonly #failures = new Map<string, number[]>();
  constructor(
    private readonly max = ADDRESS_MAX_FAILURES,
    private readonly windowMs = ADDRESS_WINDOW_MINUTES * 60_000,
  ) {}

  #recent(ip: string, now: number): number[] {
    const list = (this.#failures.get(ip) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.#failures.set(ip, list);
    else this.#failures.delete(ip);
    return list;
  }

  /** true when this address has used up its failures: refuse before any lookup or hash. */
  blocked(ip: string, now = Date.now()): boolean {
    return this.#recent(ip, now).length >= this.max;
  }

  fail(ip: string, now = Date.now()): void {
    const list = this.#recent(ip, now);
    list.push(now);
    this.#failures.set(ip, list);
    // keep the map from growing without end under a flood of addresses
    if (this.#failures.size > 100_000) for (const k of [...this.#failures.keys()].slice(0, 10_000)) this.#failures.delete(k);
  }
}
