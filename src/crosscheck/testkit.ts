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

/**
 * FORMATS §6 month boundaries over the second half-year 2024: a term (from 2004-07-12) ending on
 * the last day of each month, the day before it, and the 11th; each person paid the full 300 元.
 * A period with no whole month inside the term is outside it (NOT_ELIGIBLE_PAID).
 */
export function termBoundaryCases(): { idNumber: string; supportEnd: string; expect: string[]; overFen: number }[] {
  const out: { idNumber: string; supportEnd: string; expect: string[]; overFen: number }[] = [];
  let seq = 100;
  for (let m = 7; m <= 12; m++) {
    const mm = String(m).padStart(2, '0');
    const last = new Date(Date.UTC(2024, m, 0)).getUTCDate();
    const inside = m - 6; // whole months Jul..m
    out.push({
      idNumber: makeId('19500101', seq++),
      supportEnd: `2024-${mm}-${last}`,
      expect: inside === 6 ? [] : ['AMOUNT_MISMATCH'],
      overFen: 30000 - inside * 5000,
    });
    for (const day of [last - 1, 11]) {
      const whole = m - 7;
      out.push({
        idNumber: makeId('19500101', seq++),
        supportEnd: `2024-${mm}-${String(day).padStart(2, '0')}`,
        expect: [whole === 0 ? 'NOT_ELIGIBLE_PAID' : 'AMOUNT_MISMATCH'],
        overFen: 30000 - whole * 5000,
      });
    }
  }
  return out;
}
