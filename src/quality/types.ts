// Types shared by the data-quality engine, its rule catalogue and its runners.
import type { IsoDate } from '../shared/dates.ts';

/** One roster row (FORMATS §1) as text cells, trimmed except `idRaw` (kept as written). */
export interface RosterPerson {
  /** position in the roster (0-based); problems refer to it */
  index: number;
  /** row number in the source file (header = 1), 0 when not from a file */
  rowNumber: number;
  householdNo: string;
  name: string;
  /** 身份证号 exactly as written */
  idRaw: string;
  sex: string;
  birthDate: string;
  relation: string;
  villageCode: string;
  township: string;
  village: string;
  group: string;
  category: string;
  reservoir: string;
  moveDate: string;
  supportStart: string;
  supportEnd: string;
  status: string;
  removalDate: string;
  removalReason: string;
  account: string;
  bank: string;
  holder: string;
  phone: string;
}

export type Severity = '错误' | '提示';
export type RuleScope = 'person' | 'household' | 'account' | 'roster';
/** 'section7': the FORMATS §7 set every run includes; 'extra': further built-in rules. */
export type RuleSet = 'section7' | 'extra';

/** Values shown in a rule's explanation template (`{name}` placeholders). */
export type Values = Record<string, string | number>;

/** A hit of a rule: which person, which template variant, which values. */
export interface Hit {
  person: number;
  variant?: string;
  values: Values;
}

/** Facts derived once per person (parsed dates, normalised ID, effective sex and birth date). */
export interface PersonFacts {
  p: RosterPerson;
  idClean: string;
  idNorm: string;
  idValid: boolean;
  idReason: string;
  /** sex / birth date read from the ID (any ID with a readable 18-digit form), null otherwise */
  idSex: '男' | '女' | null;
  idBirth: IsoDate | null;
  /** column when filled (and readable), otherwise from a valid ID */
  sexEff: '男' | '女' | null;
  birthEff: IsoDate | null;
  /** parsed column dates; undefined when empty; null when filled but unreadable */
  birthCol: IsoDate | null | undefined;
  moveDate: IsoDate | null | undefined;
  supportStart: IsoDate | null | undefined;
  supportEnd: IsoDate | null | undefined;
  removalDate: IsoDate | null | undefined;
  isHead: boolean;
  isActive: boolean;
  isRemoved: boolean;
  account: string;
}

export interface CheckContext {
  asOf: IsoDate;
  /** counties being checked (VILLAGE_CODE_INVALID) */
  counties: Set<string>;
  facts: PersonFacts[];
}

interface RuleBase {
  code: string;
  name: string;
  severity: Severity;
  scope: RuleScope;
  set: RuleSet;
  version: number;
  /** what the rule checks, in Chinese (for the catalogue and docs) */
  description: string;
  /** explanation templates by variant ('default' when a rule has one form) */
  templates: Record<string, string>;
}

/** A person rule's finding: template variant and values. */
export type HitResult = Omit<Hit, 'person'>;

export interface PersonRule extends RuleBase {
  kind: 'person';
  check(f: PersonFacts, ctx: CheckContext): HitResult | null;
}

/** A rule over groups of people sharing a key (household number, normalised ID, account …). */
export interface GroupRule extends RuleBase {
  kind: 'group';
  /** name of the grouping, shared by rules that group the same way */
  groupName: string;
  key(f: PersonFacts): string | null;
  /** the rule finds nothing in groups smaller than this (lets a full run skip single-member groups) */
  minMembers?: number;
  check(members: PersonFacts[], ctx: CheckContext): Hit[];
}

export type Rule = PersonRule | GroupRule;

/** A problem found by a run: the rule, the person (roster index) and the rendered explanation. */
export interface Problem {
  code: string;
  person: number;
  message: string;
  values: Values;
}
