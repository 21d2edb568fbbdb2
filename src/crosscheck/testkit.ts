// Small builders for the cross-check tests (valid IDs, roster rows, payments).
import { checkDigit } from '../shared/idnumber.ts';
import type { PaymentRecord, RosterRecord } from './types.ts';

/** A valid 18-digit ID: county, birth date YYYYMMDD, 3-digit sequence. */
export function makeId(birth = '19600101', seq = 1, county = '430582'): string {
  const first17 = county + birth + String(seq).padStart(3, '0');
  return first17 + checkDigit(first17);
}

let hh = 0;
export function person(over: Partial<RosterRecord> & { idNumber: string }): RosterRecord {
  hh++;
  return {
    householdNo: `430582130241${String(hh).padStart(4, '0')}`,
    name: '张三',
    villageCode: '430582130241',
    supportStart: '2006-07-01',
    supportEnd: null,
    status: '正常',
    removalDate: null,
    removalReason: null,
    relation: '户主',
    ...over,
  };
}

export function pay(idNumber: string, period: string, yuan = 600, success = true, name = '张三'): PaymentRecord {
  return { idNumber, period, amountFen: Math.round(yuan * 100), success, name };
}
