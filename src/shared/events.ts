// Changes to the register, announced by the capability that made them so others can follow
// (data quality re-checks the households touched). Listeners run after the change has been
// committed, one at a time, never inside the writer's transaction; a failing listener is
// logged and does not undo the change.
import type { AuditActor } from './audit.ts';

export interface RegisterChange {
  countyCode: string;
  /** households touched; `null` when the whole register may have changed (an import) */
  householdNos: string[] | null;
  actor: AuditActor;
  /** what made the change, e.g. adjustment.approve, roster.import */
  source: string;
}

export type RegisterListener = (change: RegisterChange) => Promise<void>;

export class ChangeFeed {
  #listeners: RegisterListener[] = [];
  #queue: Promise<void> = Promise.resolve();

  onRegisterChange(fn: RegisterListener): void {
    this.#listeners.push(fn);
  }

  /** Queue the listeners; returns at once. */
  registerChanged(change: RegisterChange): void {
    for (const fn of this.#listeners) {
      this.#queue = this.#queue
        .then(() => fn(change))
        .catch((e) => {
          console.error(`后台处理失败（${change.source}）：${e instanceof Error ? e.message : String(e)}`);
        });
    }
  }

  /** Wait until every queued listener has run (server shutdown, tests). */
  async idle(): Promise<void> {
    let q: Promise<void>;
    do {
      q = this.#queue;
      await q;
    } while (q !== this.#queue);
  }
}
