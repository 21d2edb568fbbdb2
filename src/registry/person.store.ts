// Searching the roster and the person page (with history). Lists are masked; an unmasked view
// is allowed only to roles that may unmask, and is written to the audit log.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { likeEscape } from '../shared/search.ts';
import { AppError } from '../shared/errors.ts';
import { normalizeId } from '../shared/idnumber.ts';
import { PERSON_COLUMNS, toPerson, listItem, type PersonRow, type Viewer, type PersonListItem } from './household.store.ts';
import type { HistoryItem } from './history.store.ts';
import type { PersonRecord } from './adjustment.ts';
import { isPinyinQuery, pinyinQuery } from './pinyin.ts';
import { pinyinReady } from './pinyin.store.ts';

export interface SearchQuery {
  /** free text: a name, a full ID, the last 4–6 digits of an ID, or a household number */
  q?: string;
  name?: string;
  /** full pinyin or initials of the name, a prefix: zhangsan, zhangs, zs */
  pinyin?: string;
  nameMatch?: 'exact' | 'prefix' | 'contains';
  idNumber?: string;
  idTail?: string;
  householdNo?: string;
  /** 12-digit village, or a prefix of it (9-digit township) */
  villageCode?: string;
  townshipCode?: string;
  townshipName?: string;
  /** a group (组) of the village given in villageCode; '' = people without a group */
  groupName?: string;
  status?: '正常' | '已核减';
  category?: string;
  /** show ID, account and phone (audited; only roles that may unmask) */
  unmask?: boolean;
}
export interface PageRequest {
  page: number;
  pageSize: number;
}

/** `total` is exact up to COUNT_CAP; beyond it `total` = COUNT_CAP and `totalCapped` is true (the page shows “10000+”). */
export interface SearchResult {
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
  items: PersonListItem[];
  masked: boolean;
  interpretedAs: string;
}

/** Counting every match of a broad query costs more than the page itself; beyond this the count stops. */
export const COUNT_CAP = 10_000;

/** What a free-text query means: an ID, an ID tail, a household number, or a name. */
export function interpretQuery(q: string): { field: 'idNumber' | 'idTail' | 'householdNo' | 'name' | 'pinyin'; value: string } {
  if (isPinyinQuery(q)) return { field: 'pinyin', value: pinyinQuery(q) };
  const s = q.replace(/\s+/g, '');
  const id = normalizeId(s);
  if (/^\d{17}[\dX]$/.test(id) || /^\d{15}$/.test(s)) return { field: 'idNumber', value: id };
  if (/^\d{3,5}[\dXx]$/.test(s)) return { field: 'idTail', value: s.toUpperCase() };
  if (/^[0-9A-Za-z-]{7,}$/.test(s)) return { field: 'householdNo', value: s };
  return { field: 'name', value: s };
}

/** The viewer's region as a condition on p.village_code (a county user sees the whole county). */
export function scopeCondition(viewer: Viewer): RawBuilder<unknown> {
  if (viewer.regionCode.length === 6) return sql`true`;
  return sql`p.village_code LIKE ${likeEscape(viewer.regionCode) + '%'}`;
}

/**
 * Search the roster of one county, paged on the server. Every condition uses an index
 * (prefix or equality) except a name "contains", which scans the viewer's region.
 */
/** One page of a search, the count (up to COUNT_CAP + 1), and the ID looked up, if any (the service audits such look-ups). */
export interface FoundPersons {
  items: PersonListItem[];
  n: number;
  page: number;
  pageSize: number;
  interpretedAs: string;
  lookup: { idNumber?: string; idTail?: string };
}

export async function findPersons(
  db: Kysely<Tables>,
  countyCode: string,
  query: SearchQuery,
  viewer: Viewer,
  page: PageRequest,
  unmasked: boolean,
): Promise<FoundPersons> {
  const where: RawBuilder<unknown>[] = [sql`p.county_code = ${countyCode}`, scopeCondition(viewer)];
  let interpretedAs = '全部';
  const q = { ...query };
  if (q.q && q.q.trim()) {
    const it = interpretQuery(q.q);
    q[it.field] = it.value;
    interpretedAs = { idNumber: '身份证号', idTail: '身份证号后几位', householdNo: '户编号', name: '姓名', pinyin: '姓名拼音' }[it.field];
  }
  if (q.pinyin) {
    const py = pinyinQuery(q.pinyin);
    if (!/^[a-z]+$/.test(py)) throw new AppError('VALIDATION', '拼音只能包含字母，例如 zhangsan 或 zs');
    if (!(await pinyinReady(db, countyCode)).complete) interpretedAs = '姓名拼音（拼音索引正在建立，部分人员暂时查不到）';
    where.push(sql`(p.name_pinyin LIKE ${py + '%'} OR p.name_initials LIKE ${py + '%'})`);
  }
  if (q.name) {
    const n = q.name.replace(/\s+/g, '');
    const m = q.nameMatch ?? 'prefix';
    if (m === 'exact') where.push(sql`p.name = ${n}`);
    else if (m === 'prefix') where.push(sql`p.name LIKE ${likeEscape(n) + '%'}`);
    else where.push(sql`strpos(p.name, ${n}) > 0`);
  }
  if (q.idNumber && query.q && !query.idNumber && /^\d{15,18}$/.test(query.q.trim())) {
    // a long digit string typed in the one search box may be an ID or a household number
    where.push(sql`(p.id_number = ${normalizeId(q.idNumber)} OR p.household_no = ${query.q.trim()})`);
  } else if (q.idNumber) where.push(sql`p.id_number = ${normalizeId(q.idNumber)}`);
  if (q.idTail) {
    const tail = q.idTail.trim().toUpperCase();
    if (!/^\d{3,5}[\dX]$/.test(tail)) throw new AppError('VALIDATION', '身份证号后几位应为4至6位数字（末位可为X）');
    where.push(sql`reverse(p.id_number) LIKE ${likeEscape([...tail].reverse().join('')) + '%'}`);
  }
  if (q.householdNo) where.push(sql`p.household_no LIKE ${likeEscape(q.householdNo.trim()) + '%'}`);
  for (const code of [q.villageCode, q.townshipCode]) {
    if (!code) continue;
    if (!/^\d{6,12}$/.test(code)) throw new AppError('VALIDATION', `区划代码“${code}”应为6至12位数字`);
    where.push(sql`p.village_code LIKE ${code + '%'}`);
  }
  if (q.townshipName) where.push(sql`p.township_name = ${q.townshipName.trim()}`);
  if (q.groupName !== undefined && q.villageCode?.length === 12) where.push(sql`p.group_name = ${q.groupName.trim()}`);
  if (q.status) where.push(sql`p.status = ${q.status}`);
  if (q.category) where.push(sql`p.category = ${q.category}`);

  const cond = sql.join(where, sql` AND `);
  const size = Math.min(Math.max(page.pageSize, 1), 200);
  const pageNo = Math.max(page.page, 1);
  const [rows, count] = await Promise.all([
    sql<PersonRow>`SELECT ${PERSON_COLUMNS} FROM persons p
      LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
      WHERE ${cond} ORDER BY p.household_no, (p.relation <> '户主'), p.id LIMIT ${size} OFFSET ${(pageNo - 1) * size}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM persons p WHERE ${cond} LIMIT ${COUNT_CAP + 1}) c`.execute(db),
  ]);
  const items = rows.rows.map((r) => listItem(toPerson(r), unmasked));
  const lookup = { idNumber: q.idNumber ? normalizeId(q.idNumber) : undefined, idTail: q.idTail ? q.idTail.trim().toUpperCase() : undefined };
  return { items, n: Number(count.rows[0].n), page: pageNo, pageSize: size, interpretedAs, lookup };
}

export interface PersonPage {
  person: PersonListItem & { idNumberRaw: string; reservoir: string; moveDate: string | null };
  account: { accountNo: string; bankName: string; holderName: string } | null;
  support: { start: string | null; end: string | null; endIsDefault: boolean };
  household: { householdNo: string; members: PersonListItem[] };
  history: HistoryItem[];
  masked: boolean;
}

/** A person of the county with the account (null when absent). */
export async function loadPerson(db: Kysely<Tables>, countyCode: string, personId: number): Promise<PersonRecord | null> {
  const r = await sql<PersonRow & { extra: unknown }>`SELECT ${PERSON_COLUMNS} FROM persons p
    LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
    WHERE p.county_code = ${countyCode} AND p.id = ${personId}`.execute(db);
  return r.rows.length ? toPerson(r.rows[0]) : null;
}
