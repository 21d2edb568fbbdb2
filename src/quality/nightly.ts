// The nightly full run: every county's register is checked at 02:00 Beijing time, so the
// problem lists and the trend are fresh each morning even when nothing was changed through Anju.
import type { AppContext } from '../shared/context.ts';
import { SYSTEM_ACTOR } from '../shared/audit.ts';
import { countyCodes, runOnRegister } from './quality.store.ts';

/** Milliseconds from `now` to the next 02:00 in Asia/Shanghai (UTC+8, no daylight saving). */
export function msUntilNextRun(now: Date, hourBeijing = 2): number {
  const beijing = new Date(now.getTime() + 8 * 3600000);
  const next = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate(), hourBeijing) - 8 * 3600000;
  return next > now.getTime() ? next - now.getTime() : next + 86400000 - now.getTime();
}

export async function runAllCounties(ctx: AppContext): Promise<void> {
  for (const code of await countyCodes(ctx.database.db)) {
    try {
      await runOnRegister(ctx.database.db, code, { actor: SYSTEM_ACTOR });
    } catch (e) {
      console.error(`夜间数据清洗失败（${code}）：${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Start the nightly timer; returns a function that stops it. */
export function scheduleNightlyQuality(ctx: AppContext): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    timer = setTimeout(async () => {
      await runAllCounties(ctx);
      arm();
    }, msUntilNextRun(new Date()));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
