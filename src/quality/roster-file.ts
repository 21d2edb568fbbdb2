// Reading a post-support roster (FORMATS §1) from CSV or XLSX into memory for a quality run.
// Cells become trimmed text (Excel date cells as YYYY-MM-DD); 身份证号 is kept as written.
import { mapHeaders, type ColumnSpec } from '../shared/files/table.ts';
import { ROSTER_COLUMNS, ROSTER_HEADERS, rosterSpec, type RosterColumn } from '../shared/files/roster-columns.ts';
import { FieldPool, scanCsv, type RowView } from '../shared/files/bytecsv.ts';
import { AppError } from '../shared/errors.ts';
import type { RosterPerson } from './types.ts';

/** FORMATS §1 headers → RosterPerson fields (in §1 order: personReader reads them by position). */
export const ROSTER_FIELDS = {
  户编号: 'householdNo',
  姓名: 'name',
  身份证号: 'idRaw',
  性别: 'sex',
  出生日期: 'birthDate',
  与户主关系: 'relation',
  村代码: 'villageCode',
  乡镇: 'township',
  村: 'village',
  组: 'group',
  人口类别: 'category',
  所属水库: 'reservoir',
  搬迁日期: 'moveDate',
  扶持开始日期: 'supportStart',
  扶持截止日期: 'supportEnd',
  状态: 'status',
  核减日期: 'removalDate',
  核减原因: 'removalReason',
  银行账号: 'account',
  开户银行: 'bank',
  持卡人姓名: 'holder',
  联系电话: 'phone',
} as const satisfies Record<RosterColumn, keyof RosterPerson>;

type Header = RosterColumn;

/** Columns a quality run cannot do without; the other §1 columns are used when present. */
const NEEDED: Header[] = ['户编号', '姓名', '身份证号', '与户主关系', '村代码'];
/** Required by §1 but not by a quality run: a warning when absent. */
const REQUIRED_BY_FORMAT = ROSTER_HEADERS.filter((h) => ROSTER_COLUMNS[h] && !NEEDED.includes(h));

const SPEC: ColumnSpec = rosterSpec(undefined, NEEDED);

export interface RosterReadResult {
  persons: RosterPerson[];
  format: string;
  encoding?: string;
  /** Chinese warnings about the file (unknown or missing optional columns) */
  warnings: string[];
}

export function emptyPerson(index: number): RosterPerson {
  return {
    index,
    rowNumber: 0,
    householdNo: '',
    name: '',
    idRaw: '',
    sex: '',
    birthDate: '',
    relation: '',
    villageCode: '',
    township: '',
    village: '',
    group: '',
    category: '',
    reservoir: '',
    moveDate: '',
    supportStart: '',
    supportEnd: '',
    status: '',
    removalDate: '',
    removalReason: '',
    account: '',
    bank: '',
    holder: '',
    phone: '',
  };
}

/** Read a roster file (CSV in any accepted encoding, or XLSX) into memory. */
export async function readRosterFile(source: string, onProgress?: (bytesRead: number, size: number) => void): Promise<RosterReadResult> {
  const persons: RosterPerson[] = [];
  const warnings: string[] = [];
  let format = 'csv';
  let encoding: string | undefined;
  let toPerson: ((row: RowView, i: number) => RosterPerson) | null = null;
  // bytes, not strings: fields are decoded one by one (no row string kept alive by its slices),
  // and columns with few distinct values are shared through pools
  await scanCsv(source, {
    onHeader(info) {
      const map = mapHeaders(info.headers, SPEC);
      if (map.missing.length) {
        throw new AppError('FILE_COLUMNS', `花名册缺少必需的列：${map.missing.join('、')}（表头为：${info.headers.join('、')}）`);
      }
      for (const h of REQUIRED_BY_FORMAT) if (!map.index.has(h)) warnings.push(`花名册缺少“${h}”列，相关规则按空值处理`);
      if (map.duplicated.length) warnings.push(`列名重复：${map.duplicated.join('、')}（使用第一列）`);
      const ignored = map.unknown.map((u) => u.header).filter((h) => h !== '序号');
      if (ignored.length) warnings.push(`以下列不参与核查，已忽略：${ignored.join('、')}`);
      if (info.encoding === 'xlsx') format = 'xlsx';
      else encoding = info.encoding;
      toPerson = personReader(map.index);
    },
    onRow(row) {
      persons.push(toPerson!(row, persons.length));
    },
    onProgress,
  });
  return { persons, format, encoding, warnings };
}

/** A row-to-person function for a file's column positions (one object shape, no dynamic keys). */
function personReader(index: Map<string, number>): (r: RowView, i: number) => RosterPerson {
  const at = (h: Header) => index.get(h) ?? -1;
  const [hh, nm, id, sx, bd, rel, vc, tw, vl, gp, cat, res, mv, ss, se, st, rd, rr, ac, bk, hd, ph] = ROSTER_HEADERS.map(at);
  const pool = () => new FieldPool();
  const [pSx, pRel, pVc, pTw, pVl, pGp, pCat, pRes, pMv, pSs, pSe, pSt, pRd, pRr, pBk] = Array.from({ length: 15 }, pool);
  return (r, i) => {
    const name = r.text(nm);
    return {
      index: i,
      rowNumber: r.rowNumber,
      householdNo: r.ascii(hh),
      name,
      idRaw: r.raw(id),
      sex: r.pooled(sx, pSx),
      birthDate: r.ascii(bd),
      relation: r.pooled(rel, pRel),
      villageCode: r.pooled(vc, pVc),
      township: r.pooled(tw, pTw),
      village: r.pooled(vl, pVl),
      group: r.pooled(gp, pGp),
      category: r.pooled(cat, pCat),
      reservoir: r.pooled(res, pRes),
      moveDate: r.pooled(mv, pMv),
      supportStart: r.pooled(ss, pSs),
      supportEnd: r.pooled(se, pSe),
      status: r.pooled(st, pSt),
      removalDate: r.pooled(rd, pRd),
      removalReason: r.pooled(rr, pRr),
      account: r.ascii(ac),
      bank: r.pooled(bk, pBk),
      // the card holder is usually the person: one string for both
      holder: r.same(hd, nm) ? name : r.text(hd),
      phone: r.ascii(ph),
    };
  };
}
