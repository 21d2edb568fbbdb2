// Helpers shared by the microcredit tests: the sample folder and the §9 comparison.
import assert from 'node:assert/strict';
import { join } from 'node:path';

export const MC_SAMPLES = join(import.meta.dirname, '../../test/fixtures/samples/microcredit');
export const QUARTERS = ['2020Q2', '2021Q4', '2023Q3'];

/** CSV text → rows of cells (the samples hold no quoted commas). */
export function csvRows(text: string): string[][] {
  return text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

/** Compare an output with the expected file: every column but 说明 exactly; 逾期 in 说明 exactly where expected. */
export function assertSameSubsidy(actual: string, expected: string, label: string) {
  const a = csvRows(actual),
    e = csvRows(expected);
  assert.deepEqual(a[0], e[0], `${label} 表头`);
  assert.equal(a.length, e.length, `${label} 行数`);
  for (let i = 1; i < e.length; i++) {
    assert.deepEqual(a[i].slice(0, 9), e[i].slice(0, 9), `${label} 第${i + 1}行`);
    assert.equal(a[i].slice(9).join(',').includes('逾期'), e[i].slice(9).join(',').includes('逾期'), `${label} 第${i + 1}行 逾期`);
  }
}
