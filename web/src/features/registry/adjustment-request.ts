// The form's values → the body of POST /api/registry/adjustments (the server's AdjustmentInput).
// Pure, so a test can hold it against the server's schema.
import type { Dayjs } from 'dayjs';
import type { AdjustmentKind } from './api.ts';

const d = (v: Dayjs | null | undefined) => (v ? v.format('YYYY-MM-DD') : null);
const clean = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Partial<T>;

/** Turns the form's values into the request body of POST /api/registry/adjustments. */
// biome-ignore lint/suspicious/noExplicitAny: antd Form hands over its values untyped; toRequest shapes them and the server's schema checks them
export function toRequest(kind: AdjustmentKind, v: Record<string, any>): Record<string, unknown> {
  const common = { reason: v.reason ?? '', effectiveDate: d(v.effectiveDate), remarks: v.remarks ?? '', evidenceNote: v.evidenceNote ?? '' };
  switch (kind) {
    case 'remove':
      return { kind, personIds: v.personIds ?? [], ...common };
    case 'add':
      return {
        kind,
        householdNo: v.householdNo?.trim(),
        ...common,
        newHousehold: v.isNewHousehold ? { villageCode: v.villageCode, groupName: v.groupName ?? '' } : null,
        // biome-ignore lint/suspicious/noExplicitAny: antd Form hands over its values untyped; toRequest shapes them and the server's schema checks them
        persons: (v.persons ?? []).map((p: Record<string, any>) => ({
          ...clean({ name: p.name, idNumber: p.idNumber, relation: p.relation, category: p.category, phone: p.phone, reservoir: p.reservoir }),
          supportStart: d(p.supportStart),
          moveDate: d(p.moveDate),
          account: p.accountNo ? { accountNo: p.accountNo, bankName: p.bankName ?? '', holderName: p.holderName ?? '' } : null,
        })),
      };
    case 'update': {
      const c = v.changes ?? {};
      const changes: Record<string, unknown> = clean({
        name: c.name,
        idNumber: c.idNumber,
        relation: c.relation,
        category: c.category,
        phone: c.phone,
        groupName: c.groupName,
        reservoir: c.reservoir,
      });
      if (c.supportStart) changes.supportStart = d(c.supportStart);
      if (c.supportEnd) changes.supportEnd = d(c.supportEnd);
      if (c.accountNo) changes.account = { accountNo: c.accountNo, bankName: c.bankName ?? '', holderName: c.holderName ?? '' };
      return { kind, personId: v.personId, changes, ...common };
    }
    case 'split':
      return {
        kind,
        householdNo: v.householdNo,
        personIds: v.personIds ?? [],
        newHouseholdNo: v.newHouseholdNo,
        newHeadId: v.newHeadId,
        remainingHeadId: v.remainingHeadId ?? null,
        villageCode: v.villageCode ?? null,
        groupName: v.groupName ?? null,
        relations: {},
        ...common,
      };
    case 'merge':
      return { kind, householdNo: v.householdNo, intoHouseholdNo: v.intoHouseholdNo, relations: {}, ...common };
    case 'change_head':
      return { kind, householdNo: v.householdNo, newHeadId: v.newHeadId, oldHeadRelation: v.oldHeadRelation, relations: {}, ...common };
    case 'move':
      return { kind, householdNo: v.householdNo, villageCode: v.villageCode, groupName: v.groupName ?? null, ...common };
  }
}
