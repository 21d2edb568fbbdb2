// A roster as a county office really keeps it: the clean synthetic roster (roster.ts) passed
// through the blanks and slips that years of hand-kept Excel leave behind — a 序号 column,
// padded and alternative headers, a 备注 column, dates in four spellings, 性别 and 出生日期
// left empty, lower-case and full-width IDs, a mistyped check digit, 关系 written as 长子 or
// 之妻, removed persons without a date, stray spaces, accounts in blocks of four, and a few
// rows that cannot be imported at all. Benchmarks and tests import it (usually as GB18030)
// and compare what the import reports with what was planted here.
import { Rng } from './prng.ts';
import { ROSTER_HEADERS, type RosterColumn } from '../shared/files/roster-columns.ts';

export interface SlipOptions {
  seed: number | string;
  /** multiplies every slip's probability (1 = about a fifth of the rows reported) */
  rate?: number;
}

/** What the import must report for the planted slips (rows, not cells, for the rejected). */
export interface PlantedSlips {
  corrected: number;
  /** 错误 or 提示 of an invalid ID (the catalogue decides the severity) */
  invalidIds: number;
  warnings: number;
  rejectedRows: number;
}

export interface SlippedRoster {
  headers: string[];
  rows: string[][];
  planted: PlantedSlips;
}

const col = (h: RosterColumn) => ROSTER_HEADERS.indexOf(h);
const C = Object.fromEntries(ROSTER_HEADERS.map((h) => [h, col(h)])) as Record<RosterColumn, number>;

const RELATION_SLIPS: Record<string, string[]> = {
  子: ['长子', '次子', '儿子'],
  女: ['长女', '次女', '女儿'],
  配偶: ['妻', '之妻', '夫'],
  孙子: ['孙'],
  孙女: ['孙'],
  儿媳: ['媳'],
};

/** 1955-07-29 written the ways a sheet typed by hand has it (all of them readable). */
function respell(iso: string, r: Rng): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  switch (r.int(0, 3)) {
    case 0:
      return `${y}/${+m}/${+d}`;
    case 1:
      return `${y}.${m}.${d}`;
    case 2:
      return `${y}${m}${d}`;
    default:
      return `${y}年${+m}月${+d}日`;
  }
}

const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A wrong check digit (the ID stays 18 characters and otherwise valid). */
function badCheckDigit(id: string): string {
  const digits = '0123456789X';
  const i = digits.indexOf(id[17]);
  return id.slice(0, 17) + digits[(i + 3) % 11];
}

/**
 * Pass a clean roster (rows in ROSTER_HEADERS order) through the slips. Each slip is chosen so
 * that the import reports it exactly once (or, for a rejected row, refuses the row): `planted`
 * says how many of each to expect. Deterministic for a seed.
 */
export function withSlips(rows: string[][], o: SlipOptions): SlippedRoster {
  const r = new Rng(`slips:${o.seed}`);
  const k = o.rate ?? 1;
  const p = (x: number) => r.chance(x * k);
  const planted: PlantedSlips = { corrected: 0, invalidIds: 0, warnings: 0, rejectedRows: 0 };
  // the sheet's own header: a row counter first, two headers spelt the other way, padding, a 备注
  const headers = [
    '序号',
    ...ROSTER_HEADERS.map((h) => (h === '身份证号' ? '身份证号码' : h === '联系电话' ? '联系方式' : h === '姓名' ? ' 姓名 ' : h)),
    '备注',
  ];
  const out: string[][] = [];
  for (const [i, clean] of rows.entries()) {
    const row = [...clean];
    const id = row[C.身份证号];
    const cleanId = id.length === 18 && id === id.toUpperCase() && /^\d{17}[\dX]$/.test(id);
    // a row that cannot be imported: one required value missing or unreadable
    if (cleanId && p(0.003)) {
      const which = r.int(0, 2);
      if (which === 0) row[C.姓名] = '';
      else if (which === 1) row[C.村代码] = row[C.村代码].slice(0, 11);
      else row[C.扶持开始日期] = '2006-13-01';
      planted.rejectedRows++;
      out.push([String(i + 1), ...row, '']);
      continue;
    }
    // already-odd IDs of the clean roster (15 digits, lower-case x) are reported as corrected
    if (id.length === 15) planted.corrected++;
    else if (/x/.test(id)) planted.corrected++;
    let invalid = false;
    if (cleanId && p(0.008)) {
      row[C.身份证号] = badCheckDigit(id);
      planted.invalidIds++;
      invalid = true;
    } else if (cleanId && id.endsWith('X') && p(0.5)) {
      row[C.身份证号] = id.toLowerCase();
      planted.corrected++;
    } else if (cleanId && p(0.005)) {
      row[C.身份证号] = fullWidth(id);
      planted.corrected++;
    }
    // 性别 / 出生日期 left empty: filled from the ID and reported (only when the ID is valid)
    if (!invalid && row[C.性别] && p(0.035)) {
      row[C.性别] = '';
      planted.corrected++;
    }
    if (!invalid && row[C.出生日期] && p(0.035)) {
      row[C.出生日期] = '';
      planted.corrected++;
    }
    for (const h of ['出生日期', '搬迁日期', '扶持开始日期', '扶持截止日期', '核减日期'] as const) {
      if (row[C[h]] && p(0.3)) row[C[h]] = respell(row[C[h]], r);
    }
    const variants = RELATION_SLIPS[row[C.与户主关系]];
    if (variants && p(0.04)) {
      row[C.与户主关系] = r.pick(variants);
      planted.warnings++;
    }
    if (row[C.状态] === '已核减' && row[C.核减日期] && p(0.2)) {
      row[C.核减日期] = '';
      planted.warnings++;
    }
    if (row[C.状态] === '已核减' && row[C.核减原因] === '死亡' && p(0.3)) {
      row[C.核减原因] = '去世';
      planted.warnings++;
    }
    // silent slips: stray spaces, accounts in blocks of four, an empty 人口类别
    if (p(0.02)) row[C.姓名] = `${row[C.姓名]} `;
    if (row[C.银行账号] && p(0.05)) row[C.银行账号] = row[C.银行账号].replace(/(\d{4})(?=\d)/g, '$1 ');
    if (p(0.02)) row[C.人口类别] = '';
    out.push([String(i + 1), ...row, p(0.01) ? '已电话核实' : '']);
  }
  return { headers, rows: out, planted };
}
