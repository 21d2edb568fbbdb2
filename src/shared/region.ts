// Region codes: 6-digit county codes (GB/T 2260) and 12-digit statistical village codes
// (统计用区划代码: digits 1–6 county, 7–9 township, 10–12 village).

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export function isCountyCode(s: string): boolean {
  return /^\d{6}$/.test(s) && !s.endsWith('00');
}

export function isVillageCode(s: string): boolean {
  return /^\d{12}$/.test(s);
}

export function countyOf(code: string): string {
  return code.slice(0, 6);
}

/** 9-digit township code of a 12-digit village code. */
export function townshipOf(villageCode: string): string {
  return villageCode.slice(0, 9);
}

export function levelOf(code: string): RegionLevel | null {
  if (/^\d{12}$/.test(code)) return 'village';
  if (/^\d{9}$/.test(code)) return 'township';
  if (/^\d{6}$/.test(code)) return code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'city' : 'county';
  return null;
}

/** Does `code` lie inside `scope` (a county, township or village code)? */
export function isWithin(code: string, scope: string): boolean {
  if (levelOf(scope) === 'province') return code.startsWith(scope.slice(0, 2));
  if (levelOf(scope) === 'city') return code.startsWith(scope.slice(0, 4));
  return code.startsWith(scope);
}
