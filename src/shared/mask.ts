// Masks for personal data in lists, exports and logs (ID numbers: maskId in idnumber.ts).
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
