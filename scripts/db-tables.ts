// npm run db:tables — regenerate src/shared/db/tables.ts from the migrations.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/shared/db/database.ts';
import { migrate } from '../src/shared/db/migrate.ts';
import { readColumns, renderTables } from '../src/shared/db/tables-gen.ts';

const d = await openDatabase({ dataDir: 'memory://' });
await migrate(d);
const text = renderTables(await readColumns(d));
await d.close();
const file = fileURLToPath(new URL('../src/shared/db/tables.ts', import.meta.url));
writeFileSync(file, text);
console.log(`已生成 ${file}`);
