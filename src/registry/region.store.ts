// Regions as a tree (county → township → village → group) with person counts, and the
// headline figures of the home page — both limited to the viewer's region.
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { todayIso } from '../shared/dates.ts';
import type { Viewer } from './household.store.ts';
import { scopeCondition } from './person.store.ts';

export interface RegionNode {
  code: string;
  level: 'county' | 'township' | 'village' | 'group';
  name: string;
  active: number;
  removed: number;
  children: RegionNode[];
}

/** The tree of the viewer's county, cut to the viewer's region (a township officer gets one township). */
export async function regionTree(db: Kysely<Tables>, viewer: Viewer): Promise<RegionNode> {
  const county = viewer.countyCode;
  const scope = viewer.regionCode;
  const [names, countyName, counts] = await Promise.all([
    sql<{ code: string; level: string; name: string }>`SELECT code, level, name FROM regions
      WHERE county_code = ${county} AND level IN ('township', 'village', 'group') AND code LIKE ${scope + '%'}`.execute(db),
    sql<{ name: string }>`SELECT name FROM counties WHERE code = ${county}`.execute(db),
    sql<{ village_code: string; group_name: string; township_name: string; village_name: string; active: number; removed: number }>`
      SELECT p.village_code, p.group_name, max(p.township_name) AS township_name, max(p.village_name) AS village_name,
        count(*) FILTER (WHERE p.status = '正常')::int AS active, count(*) FILTER (WHERE p.status = '已核减')::int AS removed
      FROM persons p WHERE p.county_code = ${county} AND ${scopeCondition(viewer)}
      GROUP BY p.village_code, p.group_name`.execute(db),
  ]);
  const root: RegionNode = { code: county, level: 'county', name: countyName.rows[0]?.name ?? '', active: 0, removed: 0, children: [] };
  const index = new Map<string, RegionNode>([[county, root]]);
  const nameOf = new Map(names.rows.map((r) => [r.code, r.name]));
  const node = (code: string, level: RegionNode['level'], parent: RegionNode, name: string): RegionNode => {
    let n = index.get(code);
    if (!n) {
      n = { code, level, name: nameOf.get(code) || name, active: 0, removed: 0, children: [] };
      index.set(code, n);
      parent.children.push(n);
    } else if (!n.name && name) n.name = name;
    return n;
  };
  // regions known by name even when nobody lives there yet
  for (const r of [...names.rows].sort((a, b) => a.code.length - b.code.length)) {
    if (r.level === 'township' && r.code.length === 9) node(r.code, 'township', root, r.name);
    if (r.level === 'village' && r.code.length === 12) node(r.code, 'village', node(r.code.slice(0, 9), 'township', root, ''), r.name);
  }
  for (const c of counts.rows) {
    const t = node(c.village_code.slice(0, 9), 'township', root, c.township_name);
    const v = node(c.village_code, 'village', t, c.village_name);
    const g = node(`${c.village_code}/${c.group_name}`, 'group', v, c.group_name || '（未分组）');
    for (const n of [root, t, v, g]) {
      n.active += c.active;
      n.removed += c.removed;
    }
  }
  // numeric: 1组, 2组, … 10组 (not 10组 before 1组)
  const sortTree = (n: RegionNode) => {
    n.children.sort((a, b) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }));
    n.children.forEach(sortTree);
  };
  sortTree(root);
  if (scope.length > 6) {
    // a township officer: the county node holds only their township
    root.children = root.children.filter((c) => c.code.startsWith(scope.slice(0, 9)));
    root.active = root.children.reduce((s, c) => s + c.active, 0);
    root.removed = root.children.reduce((s, c) => s + c.removed, 0);
  }
  return root;
}

export interface Figures {
  regionCode: string;
  households: number;
  persons: number;
  active: number;
  removed: number;
  removedThisYear: number;
  pendingAdjustments: number;
  year: number;
}

/** Headline figures of the home page for the viewer's region. */
export async function headlineFigures(db: Kysely<Tables>, viewer: Viewer, today = todayIso()): Promise<Figures> {
  const year = Number(today.slice(0, 4));
  const [p, a] = await Promise.all([
    sql<{ households: number; persons: number; active: number; removed: number; removed_year: number }>`
      SELECT count(DISTINCT p.household_no)::int AS households, count(*)::int AS persons,
        count(*) FILTER (WHERE p.status = '正常')::int AS active, count(*) FILTER (WHERE p.status = '已核减')::int AS removed,
        count(*) FILTER (WHERE p.status = '已核减' AND p.removal_date BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date)::int AS removed_year
      FROM persons p WHERE p.county_code = ${viewer.countyCode} AND ${scopeCondition(viewer)}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustments
      WHERE county_code = ${viewer.countyCode} AND status = 'pending' AND township_code LIKE ${viewer.regionCode.slice(0, 9) + '%'}`.execute(db),
  ]);
  const r = p.rows[0];
  return {
    regionCode: viewer.regionCode,
    households: r.households,
    persons: r.persons,
    active: r.active,
    removed: r.removed,
    removedThisYear: r.removed_year,
    pendingAdjustments: a.rows[0].n,
    year,
  };
}

export interface RegionName {
  code: string;
  name: string;
}

/**
 * Add a county and the townships / villages named by 9- and 12-digit codes when the database
 * lacks them (a ledger or list of another county, as a province database loading many counties
 * needs). Names fill only empty ones; existing names are kept. Returns how many regions were added.
 */
// plain SQL only, so it runs on any caller's connection or transaction, typed or not yet typed
export async function ensureRegions(db: QueryExecutorProvider, countyCode: string, countyName: string, regions: RegionName[]): Promise<number> {
  await sql`INSERT INTO counties (code, name) VALUES (${countyCode}, ${countyName || countyCode}) ON CONFLICT (code) DO NOTHING`.execute(db);
  const all = new Map<string, { level: string; parent: string | null; name: string }>();
  all.set(countyCode, { level: 'county', parent: null, name: countyName });
  const put = (code: string, level: string, parent: string, name: string) => {
    const r = all.get(code);
    if (!r) all.set(code, { level, parent, name });
    else if (!r.name && name) r.name = name;
  };
  for (const r of regions) {
    if (!r.code.startsWith(countyCode)) continue;
    if (r.code.length === 9) put(r.code, 'township', countyCode, r.name);
    if (r.code.length === 12) {
      put(r.code.slice(0, 9), 'township', countyCode, '');
      put(r.code, 'village', r.code.slice(0, 9), r.name);
    }
  }
  const list = [...all.entries()];
  const res = await sql`INSERT INTO regions (code, county_code, level, parent_code, name)
    SELECT c, ${countyCode}, l, p, n FROM unnest(${list.map(([c]) => c)}::text[], ${list.map(([, r]) => r.level)}::text[],
      ${list.map(([, r]) => r.parent)}::text[], ${list.map(([, r]) => r.name)}::text[]) AS x(c, l, p, n)
    ON CONFLICT (code) DO NOTHING`.execute(db);
  await sql`UPDATE regions r SET name = x.n FROM unnest(${list.map(([c]) => c)}::text[], ${list.map(([, r]) => r.name)}::text[]) AS x(c, n)
    WHERE r.code = x.c AND r.name = '' AND x.n <> ''`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Names of regions by code (townships and villages of a county), for labels in other capabilities' tables. */
export async function regionNames(db: Kysely<Tables>, countyCode: string): Promise<Map<string, string>> {
  const r = await sql<{ code: string; name: string }>`SELECT code, name FROM regions WHERE county_code = ${countyCode}`.execute(db);
  return new Map(r.rows.map((x) => [x.code, x.name]));
}
