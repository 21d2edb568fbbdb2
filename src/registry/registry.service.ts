// The register's reading workflow: the viewer's region (a page outside it is 404 / 403), who may
// see full IDs, accounts and phones, and the audit entry of every unmasked view and every
// look-up by ID. SQL is in the stores.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { assertVisible, canUnmask, actorOf } from '../auth/index.ts';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { defaultSupportEnd } from '../shared/entitlement.ts';
import { listItem, loadHouseholds, type HouseholdPage, type Viewer } from './household.store.ts';
import { findPersons, loadPerson, COUNT_CAP, type PageRequest, type PersonPage, type SearchQuery, type SearchResult } from './person.store.ts';
import { householdHistory, personHistory } from './history.store.ts';
import { maskAccount, maskId } from './mask.ts';

export { regionTree, headlineFigures } from './region.store.ts';

/** Asking for full data without the right to see it is refused, not silently masked. */
function unmaskedFor(viewer: Viewer, asked: boolean | undefined): boolean {
  const unmasked = !!asked && canUnmask(viewer);
  if (asked && !unmasked) throw new AppError('FORBIDDEN', '当前角色不能查看完整的身份证号、账号和电话');
  return unmasked;
}

/**
 * Search the roster of one county, paged on the server, within the viewer's region. An unmasked
 * page is audited with the persons it showed; a look-up by ID is audited for every role.
 */
export async function searchPersons(db: Kysely<Tables>, countyCode: string, query: SearchQuery, viewer: Viewer, page: PageRequest): Promise<SearchResult> {
  if (viewer.countyCode !== countyCode) throw new AppError('FORBIDDEN', '无权查看本县以外的数据');
  const unmasked = unmaskedFor(viewer, query.unmask);
  const found = await findPersons(db, countyCode, query, viewer, page, unmasked);
  const { items, n } = found;
  if (unmasked && items.length) {
    await appendAudit(db, actorOf(viewer), {
      action: 'person.search_unmasked',
      entityType: 'person_search',
      countyCode,
      detail: { query: { ...query, unmask: undefined }, page: found.page, personIds: items.map((i) => i.id) },
    });
  }
  // a search by ID is a look-up of a person: audited for every role (repeated probing shows in the log)
  if (!(unmasked && items.length) && (found.lookup.idNumber || found.lookup.idTail)) {
    await appendAudit(db, actorOf(viewer), {
      action: 'person_search.search_by_id',
      entityType: 'person_search',
      countyCode,
      detail: { idNumber: found.lookup.idNumber, tail: found.lookup.idTail, count: n },
    });
  }
  return {
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
    page: found.page,
    pageSize: found.pageSize,
    items,
    masked: !unmasked,
    interpretedAs: found.interpretedAs,
  };
}

/** The person page: person, household members, account, term, history. 404 outside the region. */
export async function getPersonPage(db: Kysely<Tables>, viewer: Viewer, personId: number, opts: { unmask?: boolean } = {}): Promise<PersonPage> {
  const p = await loadPerson(db, viewer.countyCode, personId);
  if (!p) throw new AppError('NOT_FOUND', `人员${personId}不存在或不在您的辖区内`);
  assertVisible(viewer, p.villageCode, `人员${personId}`);
  const unmasked = unmaskedFor(viewer, opts.unmask);
  const hs = await loadHouseholds(db, viewer.countyCode, [p.householdNo]);
  const history = await personHistory(db, viewer.countyCode, personId);
  if (unmasked) {
    await appendAudit(db, actorOf(viewer), {
      action: 'person.view_unmasked',
      entityType: 'person',
      entityId: p.id,
      countyCode: viewer.countyCode,
      detail: { householdNo: p.householdNo },
    });
  }
  const end = p.supportEnd ?? (p.supportStart ? defaultSupportEnd(p.supportStart) : null);
  return {
    person: { ...listItem(p, unmasked), idNumberRaw: unmasked ? p.idNumberRaw : maskId(p.idNumberRaw), reservoir: p.reservoir, moveDate: p.moveDate },
    account: p.account ? { ...p.account, accountNo: unmasked ? p.account.accountNo : maskAccount(p.account.accountNo) } : null,
    support: { start: p.supportStart, end, endIsDefault: !p.supportEnd && !!p.supportStart },
    household: { householdNo: p.householdNo, members: (hs[p.householdNo]?.members ?? []).map((m) => listItem(m, unmasked)) },
    history,
    masked: !unmasked,
  };
}

/**
 * A household with members and history; 404 when absent, 403 outside the viewer's region.
 * Members are masked unless `unmask` is asked by a role that may (audited as household.view_unmasked).
 */
export async function getHousehold(db: Kysely<Tables>, viewer: Viewer, householdNo: string, opts: { unmask?: boolean } = {}): Promise<HouseholdPage> {
  const hs = await loadHouseholds(db, viewer.countyCode, [householdNo]);
  const h = hs[householdNo];
  if (!h) throw new AppError('NOT_FOUND', `户编号${householdNo}不存在或不在您的辖区内`);
  assertVisible(viewer, h.villageCode, `户编号${householdNo}`);
  const head = h.members.find((m) => m.relation === '户主' && m.status === '正常') ?? h.members.find((m) => m.relation === '户主') ?? null;
  const first = h.members[0];
  const unmasked = unmaskedFor(viewer, opts.unmask);
  if (unmasked) {
    await appendAudit(db, actorOf(viewer), {
      action: 'household.view_unmasked',
      entityType: 'household',
      entityId: householdNo,
      countyCode: viewer.countyCode,
      detail: { personIds: h.members.map((m) => m.id) },
    });
  }
  return {
    householdNo: h.householdNo,
    villageCode: h.villageCode,
    groupName: h.groupName,
    townshipName: first?.townshipName ?? '',
    villageName: first?.villageName ?? '',
    head: head ? { id: head.id, name: head.name } : null,
    members: h.members.map((m) => listItem(m, unmasked)),
    history: await householdHistory(db, viewer.countyCode, householdNo),
    masked: !unmasked,
  };
}
