// Dynamic adjustment (动态管理): the pure rules. An adjustment request plus the current state of
// the households it touches gives either Chinese errors or a plan — the exact list of changes
// (with before/after) that approval writes to the register. No I/O here; the store loads the
// state, calls planAdjustment, and applies the plan in one transaction.
import { REMOVAL_REASONS, KIND_NAMES, FIELD_NAMES, type AdjustmentInput, type PersonInput } from './registry.contract.ts';
import { validateId, sexFromId, birthDateFromId } from '../shared/idnumber.ts';
import { isValidDate, type IsoDate } from '../shared/dates.ts';
import { defaultSupportEnd } from '../shared/entitlement.ts';
import { isVillageCode, townshipOf } from '../shared/region.ts';

export {
  ADJUSTMENT_KINDS,
  type AdjustmentKind,
  KIND_NAMES,
  ADJUSTMENT_STATUSES,
  type AdjustmentStatus,
  STATUS_NAMES,
  REMOVAL_REASONS,
  RELATIONS,
  CATEGORIES,
  AccountInput,
  PersonInput,
  PersonChanges,
  AdjustmentInput,
  FIELD_NAMES,
} from './registry.contract.ts';

// ---- the state the rules look at ----

export interface Account {
  accountNo: string;
  bankName: string;
  holderName: string;
}
export interface PersonRecord {
  id: number;
  householdNo: string;
  idNumber: string;
  idNumberRaw: string;
  idValid: boolean;
  name: string;
  sex: string | null;
  birthDate: string | null;
  relation: string;
  villageCode: string;
  townshipName: string;
  villageName: string;
  groupName: string;
  category: string | null;
  reservoir: string;
  moveDate: string | null;
  supportStart: string | null;
  supportEnd: string | null;
  status: '正常' | '已核减';
  removalDate: string | null;
  removalReason: string | null;
  phone: string;
  account: Account | null;
}
export interface HouseholdRecord {
  householdNo: string;
  villageCode: string;
  groupName: string;
  members: PersonRecord[];
}
export interface VillageInfo {
  villageCode: string;
  townshipName: string;
  villageName: string;
}
export interface IdHolder {
  personId: number;
  householdNo: string;
  name: string;
  status: string;
}

export interface RegisterState {
  /** households the request names, and those of the persons it names; absent → does not exist */
  households: Record<string, HouseholdRecord | undefined>;
  /** persons in the county holding each normalised ID the request introduces */
  idHolders: Record<string, IdHolder[]>;
  /** names of villages the request moves people into, when the register knows them */
  villages: Record<string, VillageInfo | undefined>;
  /** evidence files attached (checked for 核减 at approval) */
  fileCount: number;
}

// ---- the plan ----

export type PersonFields = Omit<PersonRecord, 'id'>;
export type PlanOp =
  | { op: 'insertHousehold'; householdNo: string; after: { villageCode: string; groupName: string } }
  | { op: 'updateHousehold'; householdNo: string; before: Record<string, unknown>; after: Record<string, unknown> }
  | { op: 'deleteHousehold'; householdNo: string; before: Record<string, unknown> }
  | { op: 'insertPerson'; after: PersonFields }
  | { op: 'updatePerson'; personId: number; before: Partial<PersonFields>; after: Partial<PersonFields> };

export interface Plan {
  errors: string[];
  warnings: string[];
  ops: PlanOp[];
  /** 9-digit township whose officer owns the adjustment */
  townshipCode: string | null;
  /** the main household and the persons concerned (for listing and history) */
  householdNo: string | null;
  personIds: number[];
  /** townships the change reaches (source and target of a move) */
  townships: string[];
}

/** Household numbers and person ids the store must load before planning. */
export function referencedHouseholds(a: AdjustmentInput): string[] {
  switch (a.kind) {
    case 'add':
    case 'split':
    case 'change_head':
    case 'move':
      return a.kind === 'split' ? [a.householdNo, a.newHouseholdNo] : [a.householdNo];
    case 'merge':
      return [a.householdNo, a.intoHouseholdNo];
    default:
      return [];
  }
}
export function referencedPersons(a: AdjustmentInput): number[] {
  if (a.kind === 'remove') return a.personIds;
  if (a.kind === 'update') return [a.personId];
  return [];
}
/** Normalised IDs the request introduces (new persons, a changed ID). */
export function introducedIds(a: AdjustmentInput): string[] {
  if (a.kind === 'add') return a.persons.map((p) => validateId(p.idNumber).normalized);
  if (a.kind === 'update' && a.changes.idNumber) return [validateId(a.changes.idNumber).normalized];
  return [];
}

const PERSON_KEYS: (keyof PersonFields)[] = [
  'householdNo',
  'idNumber',
  'idNumberRaw',
  'idValid',
  'name',
  'sex',
  'birthDate',
  'relation',
  'villageCode',
  'townshipName',
  'villageName',
  'groupName',
  'category',
  'reservoir',
  'moveDate',
  'supportStart',
  'supportEnd',
  'status',
  'removalDate',
  'removalReason',
  'phone',
  'account',
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Before/after of only the fields that change. */
function diff(p: PersonRecord, next: Partial<PersonFields>): { before: Partial<PersonFields>; after: Partial<PersonFields> } | null {
  const before: Record<string, unknown> = {},
    after: Record<string, unknown> = {};
  for (const k of PERSON_KEYS) {
    if (!(k in next)) continue;
    if (same(p[k], next[k])) continue;
    before[k] = p[k] ?? null;
    after[k] = next[k] ?? null;
  }
  return Object.keys(after).length ? { before: before as Partial<PersonFields>, after: after as Partial<PersonFields> } : null;
}

function termErrors(label: string, start: string | null | undefined, end: string | null | undefined, errors: string[]) {
  for (const [n, d] of [
    ['扶持开始日期', start],
    ['扶持截止日期', end],
  ] as const)
    if (d && !isValidDate(d)) errors.push(`${label}${n}“${d}”不是有效日期`);
  if (start && end && isValidDate(start) && isValidDate(end)) {
    if (end < start) errors.push(`${label}扶持截止日期${end}早于扶持开始日期${start}`);
    else if (end > defaultSupportEnd(start)) errors.push(`${label}扶持截止日期${end}超过扶持开始后20年（最晚${defaultSupportEnd(start)}）`);
  }
}

/** Exactly one 户主 among all members (a removed 户主 still counts, FORMATS §7). */
function headError(householdNo: string, members: { relation: string }[]): string | null {
  if (!members.length) return null;
  const heads = members.filter((m) => m.relation === '户主').length;
  if (heads === 1) return null;
  return heads === 0 ? `变更后户${householdNo}没有户主，每户须有且只有一名户主` : `变更后户${householdNo}有${heads}名户主，每户须有且只有一名户主`;
}

function checkNewId(label: string, raw: string, asOf: IsoDate, state: RegisterState, selfId: number | null, errors: string[], warnings: string[]): string {
  const v = validateId(raw, asOf);
  if (!v.ok) {
    errors.push(`${label}身份证号“${raw}”无效：${v.reason}`);
    return v.normalized;
  }
  for (const h of state.idHolders[v.normalized] ?? []) {
    if (h.personId === selfId) continue;
    if (h.status === '正常') errors.push(`${label}身份证号${v.normalized}已在册（户编号${h.householdNo}，${h.name}），不能重复登记`);
    else warnings.push(`${label}身份证号${v.normalized}曾登记于户${h.householdNo}（${h.name}，${h.status}），请核实是否为同一人`);
  }
  return v.normalized;
}

function personFromInput(p: PersonInput, householdNo: string, village: VillageInfo, groupName: string, idNumber: string, idValid: boolean): PersonFields {
  return {
    householdNo,
    idNumber,
    idNumberRaw: p.idNumber,
    idValid,
    name: p.name.replace(/\s+/g, ''),
    sex: p.sex ?? sexFromId(idNumber),
    birthDate: p.birthDate ?? birthDateFromId(idNumber),
    relation: p.relation,
    villageCode: village.villageCode,
    townshipName: village.townshipName,
    villageName: village.villageName,
    groupName,
    category: p.category ?? null,
    reservoir: p.reservoir ?? '',
    moveDate: p.moveDate ?? null,
    supportStart: p.supportStart,
    supportEnd: p.supportEnd ?? null,
    status: '正常',
    removalDate: null,
    removalReason: null,
    phone: p.phone ?? '',
    account: p.account ?? null,
  };
}

function applyRelations(members: PersonRecord[], relations: Record<string, string>, label: string, errors: string[]): Map<number, string> {
  const out = new Map<number, string>();
  const ids = new Set(members.map((m) => m.id));
  for (const [k, r] of Object.entries(relations)) {
    if (!ids.has(Number(k))) {
      errors.push(`${label}与户主关系中的人员${k}不属于本户`);
      continue;
    }
    out.set(Number(k), r);
  }
  return out;
}

/**
 * Check a request against the register and say what approving it would change.
 * `asOf` is today's date (ID birth dates must not be after it).
 */
export function planAdjustment(a: AdjustmentInput, state: RegisterState, asOf: IsoDate, opts: { atApproval?: boolean } = {}): Plan {
  const errors: string[] = [],
    warnings: string[] = [],
    ops: PlanOp[] = [];
  let townshipCode: string | null = null,
    householdNo: string | null = null;
  const personIds: number[] = [];
  const townships = new Set<string>();
  const hh = (no: string) => state.households[no];
  const done = (): Plan => ({ errors, warnings, ops: errors.length ? [] : ops, townshipCode, householdNo, personIds, townships: [...townships] });

  if (a.effectiveDate && !isValidDate(a.effectiveDate)) errors.push(`生效日期“${a.effectiveDate}”不是有效日期`);
  const updateAll = (members: PersonRecord[], next: (m: PersonRecord) => Partial<PersonFields>) => {
    for (const m of members) {
      const d = diff(m, next(m));
      if (d) {
        ops.push({ op: 'updatePerson', personId: m.id, ...d });
        personIds.push(m.id);
      }
    }
  };

  switch (a.kind) {
    case 'add': {
      if (!a.reason) errors.push('请填写核增原因');
      householdNo = a.householdNo;
      const existing = hh(a.householdNo);
      let village: VillageInfo, groupName: string;
      if (existing) {
        if (a.newHousehold) {
          errors.push(`户编号${a.householdNo}已存在，不能作为新户核增`);
          return done();
        }
        const first = existing.members[0];
        village = { villageCode: existing.villageCode, townshipName: first?.townshipName ?? '', villageName: first?.villageName ?? '' };
        groupName = existing.groupName;
      } else {
        if (!a.newHousehold) {
          errors.push(`户编号${a.householdNo}不存在；核增新户请填写村代码`);
          return done();
        }
        village = state.villages[a.newHousehold.villageCode] ?? { villageCode: a.newHousehold.villageCode, townshipName: '', villageName: '' };
        groupName = a.newHousehold.groupName;
        ops.push({ op: 'insertHousehold', householdNo: a.householdNo, after: { villageCode: village.villageCode, groupName } });
      }
      townshipCode = townshipOf(village.villageCode);
      townships.add(townshipCode);
      const seen = new Set<string>();
      const added: PersonFields[] = [];
      const restored: PersonRecord[] = [];
      a.persons.forEach((p, i) => {
        const label = a.persons.length > 1 ? `第${i + 1}人（${p.name}）` : `${p.name}：`;
        // the same ID removed from this very household: 核增 restores that person (误减恢复)
        const normalized = validateId(p.idNumber, asOf).normalized;
        const old = existing?.members.find((m) => m.idNumber === normalized && m.status === '已核减');
        if (old) {
          if (seen.has(normalized)) errors.push(`${label}身份证号${normalized}在本次核增中重复`);
          seen.add(normalized);
          warnings.push(`${label}曾于${old.removalDate ?? '（日期未填）'}以“${old.removalReason ?? ''}”核减，批准后恢复为正常（人员编号${old.id}）`);
          const d = diff(old, {
            status: '正常',
            removalDate: null,
            removalReason: null,
            relation: p.relation,
            supportStart: p.supportStart,
            supportEnd: p.supportEnd ?? null,
          });
          if (d) {
            ops.push({ op: 'updatePerson', personId: old.id, ...d });
            personIds.push(old.id);
          }
          restored.push({ ...old, relation: p.relation });
          return;
        }
        const id = checkNewId(label, p.idNumber, asOf, state, null, errors, warnings);
        if (seen.has(id)) errors.push(`${label}身份证号${id}在本次核增中重复`);
        seen.add(id);
        termErrors(label, p.supportStart, p.supportEnd, errors);
        if (p.birthDate && p.supportStart < p.birthDate) errors.push(`${label}扶持开始日期早于出生日期`);
        const v = validateId(p.idNumber, asOf);
        added.push(personFromInput(p, a.householdNo, village, groupName, id, v.ok));
      });
      const members = (existing?.members ?? []).map((m) => restored.find((r) => r.id === m.id) ?? m);
      const he = headError(a.householdNo, [...members, ...added]);
      if (he) errors.push(he);
      for (const p of added) ops.push({ op: 'insertPerson', after: p });
      return done();
    }
    case 'remove': {
      if (!a.reason) errors.push('请选择核减原因');
      else if (!(REMOVAL_REASONS as readonly string[]).includes(a.reason)) errors.push(`核减原因“${a.reason}”不正确，应为：${REMOVAL_REASONS.join('、')}`);
      if (!a.effectiveDate) errors.push('核减日期不能为空');
      // evidence before submitting (a note naming it; files may follow), and at approval a file or the note
      if (!opts.atApproval && !a.evidenceNote?.trim()) errors.push('核减须有佐证材料：请填写佐证说明（如死亡证明编号、户籍注销证明），提交后可再上传文件');
      if (opts.atApproval && state.fileCount === 0 && !a.evidenceNote?.trim()) errors.push('核减须有佐证材料：请上传文件或填写佐证说明');
      const all = Object.values(state.households).flatMap((h) => h?.members ?? []);
      for (const id of new Set(a.personIds)) {
        const p = all.find((m) => m.id === id);
        if (!p) {
          errors.push(`人员${id}不在花名册中`);
          continue;
        }
        householdNo ??= p.householdNo;
        if (p.householdNo !== householdNo) {
          errors.push('一次核减只能针对同一户的人员');
          continue;
        }
        townshipCode = townshipOf(p.villageCode);
        townships.add(townshipCode);
        if (p.status !== '正常') {
          errors.push(`${p.name}（${p.idNumber}）已核减，不能重复核减`);
          continue;
        }
        if (a.effectiveDate && p.supportStart && a.effectiveDate < p.supportStart)
          warnings.push(`${p.name}的核减日期${a.effectiveDate}早于扶持开始日期${p.supportStart}`);
        if (a.effectiveDate && a.effectiveDate > asOf) warnings.push(`核减日期${a.effectiveDate}晚于今天`);
        if (p.relation === '户主') warnings.push(`${p.name}是户主：本户其他在册人员请另行办理户主变更`);
        ops.push({
          op: 'updatePerson',
          personId: p.id,
          before: { status: p.status, removalDate: p.removalDate, removalReason: p.removalReason },
          after: { status: '已核减', removalDate: a.effectiveDate ?? null, removalReason: a.reason },
        });
        personIds.push(p.id);
      }
      return done();
    }
    case 'update': {
      const p = Object.values(state.households)
        .flatMap((h) => h?.members ?? [])
        .find((m) => m.id === a.personId);
      if (!p) {
        errors.push(`人员${a.personId}不在花名册中`);
        return done();
      }
      householdNo = p.householdNo;
      townshipCode = townshipOf(p.villageCode);
      townships.add(townshipCode);
      personIds.push(p.id);
      const c = a.changes;
      if (!Object.keys(c).length) {
        errors.push('没有要变更的内容');
        return done();
      }
      if (!a.reason) errors.push('请填写变更原因');
      const next: Partial<PersonFields> = { ...c } as Partial<PersonFields>;
      if (c.name !== undefined) next.name = c.name.replace(/\s+/g, '');
      if (c.idNumber !== undefined) {
        const id = checkNewId('', c.idNumber, asOf, state, p.id, errors, warnings);
        next.idNumber = id;
        next.idNumberRaw = c.idNumber;
        next.idValid = validateId(c.idNumber, asOf).ok;
        if (hh(p.householdNo)!.members.some((m) => m.id !== p.id && m.idNumber === id)) errors.push(`本户已有身份证号${id}的人员`);
      }
      termErrors('', c.supportStart ?? p.supportStart, c.supportEnd === undefined ? p.supportEnd : c.supportEnd, errors);
      if (c.relation !== undefined && c.relation !== p.relation) {
        const he = headError(
          p.householdNo,
          hh(p.householdNo)!.members.map((m) => (m.id === p.id ? { relation: c.relation! } : m)),
        );
        if (he) errors.push(`${he}（户主变更请用“户主变更”）`);
      }
      const d = diff(p, next);
      if (!d) errors.push('变更内容与现有信息相同');
      else ops.push({ op: 'updatePerson', personId: p.id, ...d });
      return done();
    }
    case 'split': {
      householdNo = a.householdNo;
      const from = hh(a.householdNo);
      if (!from) {
        errors.push(`户编号${a.householdNo}不存在`);
        return done();
      }
      if (hh(a.newHouseholdNo)) {
        errors.push(`新户编号${a.newHouseholdNo}已存在`);
        return done();
      }
      if (!a.reason) errors.push('请填写分户原因');
      townshipCode = townshipOf(from.villageCode);
      townships.add(townshipCode);
      const moving = new Set(a.personIds);
      for (const id of moving) if (!from.members.some((m) => m.id === id)) errors.push(`人员${id}不属于户${a.householdNo}`);
      if (!moving.has(a.newHeadId)) errors.push('新户户主须是分出的人员之一');
      const staying = from.members.filter((m) => !moving.has(m.id));
      if (!staying.length) errors.push('分户后原户不能没有人员（全户迁移请用“迁移”）');
      const rel = applyRelations(from.members, a.relations, '', errors);
      const villageCode = a.villageCode ?? from.villageCode;
      const v = villageCode === from.villageCode ? null : state.villages[villageCode];
      if (villageCode !== from.villageCode) townships.add(townshipOf(villageCode));
      const groupName = a.groupName ?? from.groupName;
      const relOf = (m: PersonRecord) => rel.get(m.id) ?? m.relation;
      const movedAfter = from.members.filter((m) => moving.has(m.id)).map((m) => ({ ...m, relation: m.id === a.newHeadId ? '户主' : relOf(m) }));
      let stayAfter = staying.map((m) => ({ ...m, relation: relOf(m) }));
      if (a.remainingHeadId) {
        if (!staying.some((m) => m.id === a.remainingHeadId)) errors.push('原户新户主须是留在原户的人员');
        stayAfter = stayAfter.map((m) => (m.id === a.remainingHeadId ? { ...m, relation: '户主' } : m));
      }
      for (const e of [headError(a.newHouseholdNo, movedAfter), headError(a.householdNo, stayAfter)]) if (e) errors.push(e);
      ops.push({ op: 'insertHousehold', householdNo: a.newHouseholdNo, after: { villageCode, groupName } });
      updateAll(
        from.members.filter((m) => moving.has(m.id)),
        (m) => ({
          householdNo: a.newHouseholdNo,
          relation: movedAfter.find((x) => x.id === m.id)!.relation,
          villageCode,
          groupName,
          ...(v ? { townshipName: v.townshipName, villageName: v.villageName } : {}),
        }),
      );
      updateAll(staying, (m) => ({ relation: stayAfter.find((x) => x.id === m.id)!.relation }));
      return done();
    }
    case 'merge': {
      householdNo = a.householdNo;
      const from = hh(a.householdNo),
        into = hh(a.intoHouseholdNo);
      if (!from) errors.push(`户编号${a.householdNo}不存在`);
      if (!into) errors.push(`户编号${a.intoHouseholdNo}不存在`);
      if (!from || !into) return done();
      if (a.householdNo === a.intoHouseholdNo) {
        errors.push('不能与本户合并');
        return done();
      }
      if (!a.reason) errors.push('请填写并户原因');
      townshipCode = townshipOf(from.villageCode);
      townships.add(townshipCode);
      townships.add(townshipOf(into.villageCode));
      const rel = applyRelations(from.members, a.relations, '', errors);
      const movedAfter = from.members.map((m) => ({ ...m, relation: rel.get(m.id) ?? m.relation }));
      const dup = movedAfter.find((m) => into.members.some((x) => x.idNumber === m.idNumber));
      if (dup) errors.push(`${dup.name}（${dup.idNumber}）已在户${a.intoHouseholdNo}中`);
      const he = headError(a.intoHouseholdNo, [...into.members, ...movedAfter]);
      if (he) errors.push(`${he}（请为并入人员中的原户主选择与新户主的关系）`);
      const first = into.members[0];
      updateAll(from.members, (m) => ({
        householdNo: a.intoHouseholdNo,
        relation: movedAfter.find((x) => x.id === m.id)!.relation,
        villageCode: into.villageCode,
        groupName: into.groupName,
        ...(first ? { townshipName: first.townshipName, villageName: first.villageName } : {}),
      }));
      ops.push({ op: 'deleteHousehold', householdNo: a.householdNo, before: { villageCode: from.villageCode, groupName: from.groupName } });
      return done();
    }
    case 'change_head': {
      householdNo = a.householdNo;
      const h = hh(a.householdNo);
      if (!h) {
        errors.push(`户编号${a.householdNo}不存在`);
        return done();
      }
      if (!a.reason) errors.push('请填写户主变更原因');
      townshipCode = townshipOf(h.villageCode);
      townships.add(townshipCode);
      const newHead = h.members.find((m) => m.id === a.newHeadId);
      if (!newHead) {
        errors.push(`人员${a.newHeadId}不属于户${a.householdNo}`);
        return done();
      }
      if (newHead.relation === '户主') {
        errors.push(`${newHead.name}已是户主`);
        return done();
      }
      if (newHead.status !== '正常') errors.push(`${newHead.name}已核减，不能作为户主`);
      if (a.oldHeadRelation === '户主') errors.push('原户主须改为其他关系');
      const rel = applyRelations(h.members, a.relations, '', errors);
      const after = h.members.map((m) => ({
        ...m,
        relation: m.id === a.newHeadId ? '户主' : m.relation === '户主' ? a.oldHeadRelation : (rel.get(m.id) ?? m.relation),
      }));
      const he = headError(a.householdNo, after);
      if (he) errors.push(he);
      updateAll(h.members, (m) => ({ relation: after.find((x) => x.id === m.id)!.relation }));
      return done();
    }
    case 'move': {
      householdNo = a.householdNo;
      const h = hh(a.householdNo);
      if (!h) {
        errors.push(`户编号${a.householdNo}不存在`);
        return done();
      }
      if (!a.reason) errors.push('请填写迁移原因');
      townshipCode = townshipOf(h.villageCode);
      townships.add(townshipCode);
      townships.add(townshipOf(a.villageCode));
      if (!isVillageCode(a.villageCode) || a.villageCode.slice(0, 6) !== h.villageCode.slice(0, 6))
        errors.push(`村代码${a.villageCode}不在本县（县外迁出请用核减，原因“迁出”）`);
      if (a.villageCode === h.villageCode && (a.groupName ?? h.groupName) === h.groupName) errors.push('迁入村组与现村组相同');
      const v = state.villages[a.villageCode];
      if (!v) warnings.push(`村代码${a.villageCode}尚无名称记录，乡镇和村名称将保持为空`);
      const groupName = a.groupName ?? (a.villageCode === h.villageCode ? h.groupName : '');
      ops.push({
        op: 'updateHousehold',
        householdNo: h.householdNo,
        before: { villageCode: h.villageCode, groupName: h.groupName },
        after: { villageCode: a.villageCode, groupName },
      });
      updateAll(h.members, () => ({ villageCode: a.villageCode, groupName, townshipName: v?.townshipName ?? '', villageName: v?.villageName ?? '' }));
      return done();
    }
  }
}

/** A one-line Chinese summary of a request, for lists and history. */
export function describeAdjustment(a: AdjustmentInput): string {
  switch (a.kind) {
    case 'add':
      return `核增${a.persons.map((p) => p.name).join('、')}${a.newHousehold ? `（新户${a.householdNo}）` : `（户${a.householdNo}）`}`;
    case 'remove':
      return `核减${a.personIds.length}人，原因：${a.reason}，核减日期${a.effectiveDate ?? '未填'}`;
    case 'update':
      return `信息变更：${Object.keys(a.changes)
        .map((k) => FIELD_NAMES[k] ?? k)
        .join('、')}`;
    case 'split':
      return `户${a.householdNo}分出${a.personIds.length}人为新户${a.newHouseholdNo}`;
    case 'merge':
      return `户${a.householdNo}并入户${a.intoHouseholdNo}`;
    case 'change_head':
      return `户${a.householdNo}户主变更`;
    case 'move':
      return `户${a.householdNo}迁至村${a.villageCode}${a.groupName ? a.groupName : ''}`;
  }
}
