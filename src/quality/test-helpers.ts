// Builders of roster people for tests (valid IDs, Luhn-valid accounts).
import { checkDigit } from '../shared/idnumber.ts';
import { emptyPerson } from './roster-file.ts';
import { luhnCheckDigit } from '../shared/luhn.ts';
import type { RosterPerson } from './types.ts';

let seq = 100;
export function idFor(birth: string, sex: '男' | '女', county = '430582'): string {
  seq += 2;
  const s =
    String(seq % 1000)
      .padStart(3, '0')
      .slice(0, 2) + (sex === '男' ? '1' : '2');
  const first17 = county + birth.replace(/-/g, '') + s;
  return first17 + checkDigit(first17);
}
function luhnAccount(n: number): string {
  const body = '622848' + String(n).padStart(12, '0');
  return body + luhnCheckDigit(body);
}
let acc = 1;
export function person(o: Partial<RosterPerson> & { birth?: string; sexOf?: '男' | '女' } = {}): RosterPerson {
  const p = emptyPerson(0);
  const birth = o.birth ?? '1960-05-10';
  const sex = o.sexOf ?? '男';
  Object.assign(p, {
    householdNo: '4305821302410001',
    name: '李明',
    idRaw: idFor(birth, sex),
    sex,
    birthDate: birth,
    relation: '户主',
    villageCode: '430582130241',
    township: '竹田镇',
    village: '茶雁村',
    group: '1组',
    category: '现状人口',
    reservoir: '湖杉水库',
    moveDate: '1990-01-01',
    supportStart: '2006-07-01',
    supportEnd: '',
    status: '正常',
    account: luhnAccount(acc++),
    bank: '中国农业银行',
    holder: '',
    phone: '13812345678',
  });
  const { birth: _b, sexOf: _s, ...rest } = o;
  Object.assign(p, rest);
  if (!o.holder) p.holder = p.name;
  return p;
}
