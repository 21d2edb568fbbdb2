// Masks for personal data in lists, exports and logs (ID numbers: maskId in idnumber.ts).
import { maskId } from './idnumber.ts';
// Unmasked values are shown only to roles that may see them, and each view is audited.

/** Mobile 138****5678; a landline keeps its area code and last 2 digits; short values become stars. */
export function maskPhone(raw: string | null | undefined): string {
  const s = (raw ?? '').trim();
  if (!s) return '';
  const digits = s.replace(/\D/g, '');
  if (/^1\d{10}$/.test(digits)) return digits.slice(0, 3) + '****' + digits.slice(-4);
  if (digits.length >= 7) {
    const keepHead = digits.startsWith('0') ? Math.min(4, digits.length - 5) : 0;
    return digits.slice(0, keepHead) + '*'.repeat(digits.length - keepHead - 2) + digits.slice(-2);
  }
  return '*'.repeat(s.length);
}

/** Bank account: last 4 digits kept, e.g. ************1234; spaces and dashes dropped. */
export function maskAccount(raw: string | null | undefined): string {
  const s = (raw ?? '').replace(/[\s-]/g, '');
  if (!s) return '';
  if (s.length <= 4) return '*'.repeat(s.length);
  return '*'.repeat(s.length - 4) + s.slice(-4);
}

/** A name in public notices: 张三 → 张*, 欧阳小明 → 欧**明. */
export function maskName(raw: string | null | undefined): string {
  const s = [...(raw ?? '').trim()];
  if (s.length <= 1) return s.join('');
  if (s.length === 2) return s[0] + '*';
  return s[0] + '*'.repeat(s.length - 2) + s[s.length - 1];
}

/**
 * Free text (a problem's 说明, an import message, an adjustment title, a finding's explanation)
 * masked by the rule of the fields: every ID number (18 characters, or the old 15 digits) as
 * maskId, every other run of 16–19 digits as a bank account (last 4 kept). A 16-digit household
 * number in text is masked too: text cannot tell it from an account.
 */
export function maskInText(text: string): string {
  if (!/\d{15}/.test(text)) return text;
  return text.replace(/(?<!\d)(\d{17}[\dXx]|\d{15,19})(?![\dXx])/g, (m) => (m.length === 18 || m.length === 15 ? maskId(m) : maskAccount(m)));
}

/** maskInText over every string inside a JSON-like value (for answers to a role that may not unmask). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskInText(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}
