// SQL of survey campaigns (全面排查): the campaign, its households to visit, visits, the
// problem ledger and the progress per village.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { VisitItem } from './codes.ts';

export interface CampaignRow {
  id: number;
  name: string;
  startOn: string;
  endOn: string;
  status: 'open' | 'closed';
  createdBy: number;
  createdAt: string;
}
export interface TargetRow {
  id: number;
  campaignId: number;
  villageCode: string;
  kind: 'monitored' | 'support';
  monitoredHouseholdId: number | null;
  supportHouseholdNo: string | null;
  headName: string;
  visits: number;
  openProblems: number;
}
export interface VisitRow {
  id: number;
  campaignId: number;
  targetId: number;
  visitedOn: string;
  visitor: string;
  food: boolean;
  clothing: boolean;
  schooling: boolean;
  medical: boolean;
  housing: boolean;
  water: boolean;
  notes: Partial<Record<VisitItem, string>>;
  enteredBy: number;
  enteredAt: string;
  campaignName?: string;
}
export interface ProblemRow {
  id: number;
  campaignId: number;
  targetId: number;
  visitId: number;
  item: VisitItem;
  description: string;
  owner: string;
  dueOn: string;
  status: 'open' | 'cleared';
  clearedOn: string | null;
  clearingNote: string;
  clearedBy: number | null;
  villageCode: string;
  headName: string;
}
export interface VillageProgress {
  villageCode: string;
  targets: number;
  visited: number;
  problems: number;
  openProblems: number;
  overdueProblems: number;
}

const CAMPAIGN = sql`id::int AS id, name, start_on::text AS "startOn", end_on::text AS "endOn", status, created_by AS "createdBy", created_at::text AS "createdAt"`;
const VISIT = sql`v.id::int AS id, v.campaign_id::int AS "campaignId", v.target_id::int AS "targetId", v.visited_on::text AS "visitedOn", v.visitor,
  v.food, v.clothing, v.schooling, v.medical, v.housing, v.water, v.notes, v.entered_by AS "enteredBy", v.entered_at::text AS "enteredAt"`;

export async function insertCampaign(db: Kysely<Tables>, county: string, c: { name: string; startOn: string; endOn: string }, by: number): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO survey_campaigns (county_code, name, start_on, end_on, created_by)
    VALUES (${county}, ${c.name}, ${c.startOn}::date, ${c.endOn}::date, ${by}) RETURNING id::int AS id`.execute(db);
  return r.rows[0].id;
}

export async function insertTargets(
  db: Kysely<Tables>,
  county: string,
  campaignId: number,
  targets: { villageCode: string; kind: 'monitored' | 'support'; monitoredHouseholdId: number | null; supportHouseholdNo: string | null; headName: string }[],
): Promise<void> {
  for (let i = 0; i < targets.length; i += 500) {
    const part = targets.slice(i, i + 500);
    await sql`INSERT INTO survey_targets (county_code, campaign_id, village_code, kind, monitored_household_id, support_household_no, head_name)
      SELECT ${county}, ${campaignId}, t.v, t.k, t.m, t.s, t.n
      FROM unnest(${part.map((t) => t.villageCode)}::text[], ${part.map((t) => t.kind)}::text[], ${part.map((t) => t.monitoredHouseholdId)}::bigint[],
        ${part.map((t) => t.supportHouseholdNo)}::text[], ${part.map((t) => t.headName)}::text[]) AS t(v, k, m, s, n)
      ON CONFLICT DO NOTHING`.execute(db);
  }
}

export async function listCampaigns(db: Kysely<Tables>, county: string): Promise<CampaignRow[]> {
  return (await sql<CampaignRow>`SELECT ${CAMPAIGN} FROM survey_campaigns WHERE county_code = ${county} ORDER BY start_on DESC, id DESC`.execute(db)).rows;
}

export async function getCampaign(db: Kysely<Tables>, county: string, id: number): Promise<CampaignRow | null> {
  return (await sql<CampaignRow>`SELECT ${CAMPAIGN} FROM survey_campaigns WHERE county_code = ${county} AND id = ${id}`.execute(db)).rows[0] ?? null;
}

export async function setCampaignStatus(db: Kysely<Tables>, county: string, id: number, status: 'open' | 'closed'): Promise<void> {
  await sql`UPDATE survey_campaigns SET status = ${status} WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

export async function progressByVillage(db: Kysely<Tables>, county: string, campaignId: number, scope: string, today: string): Promise<VillageProgress[]> {
  const r = await sql<VillageProgress>`SELECT t.village_code AS "villageCode", count(*)::int AS targets,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM survey_visits v WHERE v.county_code = t.county_code AND v.target_id = t.id))::int AS visited,
      COALESCE(sum((SELECT count(*) FROM survey_problems p WHERE p.county_code = t.county_code AND p.target_id = t.id)), 0)::int AS problems,
      COALESCE(sum((SELECT count(*) FROM survey_problems p WHERE p.county_code = t.county_code AND p.target_id = t.id AND p.status = 'open')), 0)::int AS "openProblems",
      COALESCE(sum((SELECT count(*) FROM survey_problems p WHERE p.county_code = t.county_code AND p.target_id = t.id AND p.status = 'open' AND p.due_on < ${today}::date)), 0)::int AS "overdueProblems"
    FROM survey_targets t WHERE t.county_code = ${county} AND t.campaign_id = ${campaignId} AND t.village_code LIKE ${scope + '%'}
    GROUP BY t.village_code ORDER BY t.village_code`.execute(db);
  return r.rows;
}

export async function listTargets(db: Kysely<Tables>, county: string, campaignId: number, villageCode: string): Promise<TargetRow[]> {
  const r = await sql<TargetRow>`SELECT t.id::int AS id, t.campaign_id::int AS "campaignId", t.village_code AS "villageCode", t.kind,
      t.monitored_household_id::int AS "monitoredHouseholdId", t.support_household_no AS "supportHouseholdNo", t.head_name AS "headName",
      (SELECT count(*)::int FROM survey_visits v WHERE v.county_code = t.county_code AND v.target_id = t.id) AS visits,
      (SELECT count(*)::int FROM survey_problems p WHERE p.county_code = t.county_code AND p.target_id = t.id AND p.status = 'open') AS "openProblems"
    FROM survey_targets t WHERE t.county_code = ${county} AND t.campaign_id = ${campaignId} AND t.village_code = ${villageCode} ORDER BY t.kind, t.id`.execute(
    db,
  );
  return r.rows;
}

export async function getTarget(db: Kysely<Tables>, county: string, id: number): Promise<TargetRow | null> {
  const r = await sql<TargetRow>`SELECT t.id::int AS id, t.campaign_id::int AS "campaignId", t.village_code AS "villageCode", t.kind,
      t.monitored_household_id::int AS "monitoredHouseholdId", t.support_household_no AS "supportHouseholdNo", t.head_name AS "headName", 0 AS visits, 0 AS "openProblems"
    FROM survey_targets t WHERE t.county_code = ${county} AND t.id = ${id}`.execute(db);
  return r.rows[0] ?? null;
}

export async function insertVisit(db: Kysely<Tables>, county: string, v: Omit<VisitRow, 'id' | 'enteredAt' | 'enteredBy'>, by: number): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO survey_visits (county_code, campaign_id, target_id, visited_on, visitor, food, clothing, schooling, medical, housing, water, notes, entered_by)
    VALUES (${county}, ${v.campaignId}, ${v.targetId}, ${v.visitedOn}::date, ${v.visitor}, ${v.food}, ${v.clothing}, ${v.schooling}, ${v.medical}, ${v.housing}, ${v.water},
      ${JSON.stringify(v.notes)}::jsonb, ${by}) RETURNING id::int AS id`.execute(db);
  return r.rows[0].id;
}

export async function insertProblem(
  db: Kysely<Tables>,
  county: string,
  p: { campaignId: number; targetId: number; visitId: number; item: VisitItem; description: string; owner: string; dueOn: string },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO survey_problems (county_code, campaign_id, target_id, visit_id, item, description, owner, due_on)
    VALUES (${county}, ${p.campaignId}, ${p.targetId}, ${p.visitId}, ${p.item}, ${p.description}, ${p.owner}, ${p.dueOn}::date) RETURNING id::int AS id`.execute(
    db,
  );
  return r.rows[0].id;
}

const PROBLEM = sql`p.id::int AS id, p.campaign_id::int AS "campaignId", p.target_id::int AS "targetId", p.visit_id::int AS "visitId", p.item, p.description, p.owner,
  p.due_on::text AS "dueOn", p.status, p.cleared_on::text AS "clearedOn", p.clearing_note AS "clearingNote", p.cleared_by AS "clearedBy",
  t.village_code AS "villageCode", t.head_name AS "headName"`;

export async function listProblems(db: Kysely<Tables>, county: string, campaignId: number, scope: string, status?: 'open' | 'cleared'): Promise<ProblemRow[]> {
  const r = await sql<ProblemRow>`SELECT ${PROBLEM} FROM survey_problems p JOIN survey_targets t ON t.county_code = p.county_code AND t.id = p.target_id
    WHERE p.county_code = ${county} AND p.campaign_id = ${campaignId} AND t.village_code LIKE ${scope + '%'} ${status ? sql`AND p.status = ${status}` : sql``}
    ORDER BY p.status DESC, p.due_on, p.id`.execute(db);
  return r.rows;
}

export async function getProblem(db: Kysely<Tables>, county: string, id: number, lock = false): Promise<ProblemRow | null> {
  const r = await sql<ProblemRow>`SELECT ${PROBLEM} FROM survey_problems p JOIN survey_targets t ON t.county_code = p.county_code AND t.id = p.target_id
    WHERE p.county_code = ${county} AND p.id = ${id} ${lock ? sql`FOR UPDATE OF p` : sql``}`.execute(db);
  return r.rows[0] ?? null;
}

export async function clearProblem(db: Kysely<Tables>, county: string, id: number, clearedOn: string, note: string, by: number): Promise<void> {
  await sql`UPDATE survey_problems SET status = 'cleared', cleared_on = ${clearedOn}::date, clearing_note = ${note}, cleared_by = ${by}
    WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

export async function visitsOfTarget(db: Kysely<Tables>, county: string, targetId: number): Promise<VisitRow[]> {
  return (
    await sql<VisitRow>`SELECT ${VISIT} FROM survey_visits v WHERE v.county_code = ${county} AND v.target_id = ${targetId} ORDER BY v.visited_on, v.id`.execute(
      db,
    )
  ).rows;
}

/** Visits of a monitored household across campaigns (for its page). */
export async function visitsOfHousehold(db: Kysely<Tables>, county: string, householdId: number): Promise<VisitRow[]> {
  const r = await sql<VisitRow>`SELECT ${VISIT}, c.name AS "campaignName" FROM survey_visits v
    JOIN survey_targets t ON t.county_code = v.county_code AND t.id = v.target_id
    JOIN survey_campaigns c ON c.county_code = v.county_code AND c.id = v.campaign_id
    WHERE v.county_code = ${county} AND t.monitored_household_id = ${householdId} ORDER BY v.visited_on, v.id`.execute(db);
  return r.rows;
}

export async function monitoredInVillages(
  db: Kysely<Tables>,
  county: string,
  villages: string[],
): Promise<{ id: number; villageCode: string; headName: string }[]> {
  const r = await sql<{
    id: number;
    villageCode: string;
    headName: string;
  }>`SELECT id::int AS id, village_code AS "villageCode", head_name AS "headName" FROM monitored_households
    WHERE county_code = ${county} AND village_code = ANY(${villages}::text[]) ORDER BY village_code, id`.execute(db);
  return r.rows;
}
