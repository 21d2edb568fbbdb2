// Masking of personal data in lists and pages (pure). IDs use the shared maskId.
import { maskId } from '../shared/idnumber.ts';

export { maskId };

/** 一卡通 account: only the last 4 digits shown, e.g. ************2208. */
export function maskAccount(s: string | null | undefined): string {
  const v = (s ?? '').trim();
  if (!v) return '';
  if (v.length <= 4) return '*'.repeat(v.length);
  return '*'.repeat(v.length - 4) + v.slice(-4);
}

/** Phone: first 3 and last 4 of a mobile number, e.g. 156****9180. */
export function maskPhone(s: string | null | undefined): string {
  const v = (s ?? '').trim();
  if (!v) return '';
  if (v.length <= 7) return v.slice(0, 1) + '*'.repeat(v.length - 1);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}
