// The system's own nightly work, beside the nightly data-quality run: clear uploads past their
// retention period and write the day's audit anchor into the data folder. Runs once at start
// and then every night at 02:30 Beijing time.
import { join } from 'node:path';
import type { AppContext } from '../shared/context.ts';
import { auditAnchor, writeAnchor } from '../shared/audit-anchor.ts';
import { pruneUploads, type PruneResult } from './retention.ts';

export interface NightlyOptions {
  dataDir: string;
  retentionDays: number;
}

/** Milliseconds from `now` to the next hh:mm in Asia/Shanghai (UTC+8, no daylight saving). */
export function msUntilBeijing(now: Date, hour: number, minute: number): number {
  const b = new Date(now.getTime() + 8 * 3600000);
  const next = Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate(), hour, minute) - 8 * 3600000;
  return next > now.getTime() ? next - now.getTime() : next + 86400000 - now.getTime();
}

export async function runNightlySystem(ctx: AppContext, o: NightlyOptions): Promise<{ pruned: PruneResult; anchorFile: string }> {
  const pruned = await pruneUploads(ctx.database.db, o.retentionDays);
  const anchor = await auditAnchor(ctx.database.db);
  const anchorFile = join(o.dataDir, 'anchors', `audit-anchor-${anchor.date}.json`);
  writeAnchor(anchorFile, anchor);
  return { pruned, anchorFile };
}

/** Run now and nightly; returns a function that stops the timer. Failures are printed, never thrown. */
export function scheduleNightlySystem(ctx: AppContext, o: NightlyOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const r = await runNightlySystem(ctx, o);
      if (r.pruned.rosterImports || r.pruned.crosscheckInputs) {
        console.log(
          `已按保留期（${o.retentionDays}天）清理上传文件：花名册导入${r.pruned.rosterImports}个、核对数据${r.pruned.crosscheckInputs}个，共${Math.round(r.pruned.bytes / 1024 / 1024)}MB`,
        );
      }
    } catch (e) {
      console.error(`夜间维护（清理上传文件、审计锚点）失败：${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(
      async () => {
        await run();
        arm();
      },
      msUntilBeijing(new Date(), 2, 30),
    );
    timer.unref();
  };
  void run().then(arm);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
