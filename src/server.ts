// `npm start`: open the database (PGlite in ANJU_DATA_DIR, or DATABASE_URL), migrate,
// prepare first start, serve the API and the web app on PORT.
import { openDatabase, optionsFromEnv } from './shared/db/database.ts';
import { migrate } from './shared/db/migrate.ts';
import { ensureAuditKey, auditKeyPath } from './shared/audit-key.ts';
import { VERSION } from './shared/version.ts';
import { buildApp } from './app.ts';
import { trustProxyFrom } from './shared/http/security-headers.ts';
import { firstStart } from './system/first-start.ts';
import { scheduleNightlyQuality } from './quality/index.ts';
import { scheduleNightlySystem } from './system/nightly.ts';
import { retentionDaysFromEnv } from './system/retention.ts';
import { fromRoot } from './shared/paths.ts';

const database = await openDatabase(optionsFromEnv());
await migrate(database);
// the audit chain's key lives outside the database (ANJU_AUDIT_KEY_FILE, default data/audit.key)
const auditKey = await ensureAuditKey(database.db);
const dataDir = process.env.ANJU_DATA_DIR || './data';
const ctx = {
  database,
  config: {
    version: VERSION,
    // kept uploads go to its uploads/ folder, also when the database is a server (DATABASE_URL)
    dataDir,
    webDist: fromRoot('web', 'dist'),
    secureCookies: process.env.ANJU_SECURE_COOKIES === '1',
    trustProxy: trustProxyFrom(process.env.ANJU_TRUST_PROXY),
  },
};
const notes = await firstStart(ctx);
const app = await buildApp(ctx, { logger: process.env.ANJU_LOG === '1' });
const stopNightly = scheduleNightlyQuality(ctx);
// uploads past their retention period, the day's audit anchor: at start and nightly
const stopSystemNightly = scheduleNightlySystem(ctx, { dataDir, retentionDays: retentionDaysFromEnv() });
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
await app.listen({ port, host });
console.log(`安居 已启动：http://localhost:${port}/  （数据库：${database.engine === 'pglite' ? `嵌入式 ${database.location}` : database.location}）`);
for (const line of notes) console.log(line);
if (auditKey.created) console.log(`已生成审计日志密钥 ${auditKeyPath()}（仅所有者可读）：请另行备份，数据库备份中不含此密钥`);
if (auditKey.warning) console.error(auditKey.warning);

const stop = async () => {
  stopNightly();
  stopSystemNightly();
  await app.close();
  await database.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
