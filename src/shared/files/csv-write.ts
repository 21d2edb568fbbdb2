// Writing CSV the way every Anju output file is written: UTF-8 with BOM, CRLF line ends,
// quotes only where needed. Text that a spreadsheet would run as a formula (= + - @, tab or
// CR at the start) gets a leading apostrophe; numbers and amounts are written as they are,
// so a negative amount stays `-9000.00`. The one formula guard of the project is here: XLSX
// writers pass their text cells through guardFormula too.

/** Text a spreadsheet would run as a formula gets a leading apostrophe; other text is unchanged. */
export function guardFormula(v: string | null | undefined): string {
  const s = v ?? '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * A cell read back from a file this guard wrote: the apostrophe goes. Only before = + - @: the
 * readers trim the cell first, so a guarded tab or CR no longer follows the apostrophe.
 */
export function unguardFormula(s: string): string {
  // every cell of a large roster comes through here: no regex unless it starts with the apostrophe
  return s.charCodeAt(0) === 39 && /^'[=+\-@]/.test(s) ? s.slice(1) : s;
}

/** A text cell: formula-neutralised, then quoted when needed. */
export function csvText(v: string | null | undefined): string {
  return csvRaw(guardFormula(v));
}

/** A cell written as it is (numbers, amounts, dates, codes the program made), quoted when needed. */
export function csvRaw(v: string | number | null | undefined): string {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Which cells of a row are program-made values (written raw); the others are text. */
export type CsvKinds = readonly ('text' | 'raw')[];

/** One CSV line (without its line end). Cells default to text; `kinds` marks raw ones. */
export function csvLine(cells: readonly (string | number | null | undefined)[], kinds?: CsvKinds): string {
  return cells.map((c, i) => (kinds?.[i] === 'raw' ? csvRaw(c) : csvText(c == null ? '' : String(c)))).join(',');
}

/** A whole CSV file: BOM, header, one line per row, CRLF after every line. */
export function csvDocument(headers: readonly string[], rows: Iterable<readonly (string | number | null | undefined)[]>, kinds?: CsvKinds): string {
  const lines = [headers.map((h) => csvRaw(h)).join(',')];
  for (const r of rows) lines.push(csvLine(r, kinds));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
