import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testEngines, type TestDatabase } from './testing.ts';
import { readColumns, renderTables } from './tables-gen.ts';

const committed = readFileSync(fileURLToPath(new URL('./tables.ts', import.meta.url)), 'utf8');

for (const engine of await testEngines()) {
  describe(`typed tables match the migrated schema (${engine})`, () => {
    let d: TestDatabase;
    before(async () => {
      d = await createTestDatabase(engine);
    });
    after(async () => {
      await d?.drop();
    });
    it('tables.ts is what the schema generates (run `npm run db:tables` after a migration)', async () => {
      const live = renderTables(await readColumns(d));
      assert.equal(committed, live);
    });
  });
}

describe('renderTables', () => {
  it('maps types, nullability and defaults', () => {
    const text = renderTables([
      { table: 'fund_entries', column: 'id', udt: 'int8', nullable: false, generated: true },
      { table: 'fund_entries', column: 'note', udt: 'text', nullable: true, generated: false },
      { table: 'fund_entries', column: 'tags', udt: '_text', nullable: false, generated: false },
      { table: 'fund_entries', column: 'at', udt: 'timestamptz', nullable: false, generated: true },
    ]);
    assert.match(
      text,
      /export interface FundEntriesTable \{\n {2}id: Generated<number>;\n {2}note: string \| null;\n {2}tags: string\[\];\n {2}at: Generated<Timestamp>;\n\}/,
    );
    assert.match(text, /fund_entries: FundEntriesTable;/);
  });
});
