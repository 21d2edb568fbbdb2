// Passwords: argon2id hashes, the strength rule (length by role, a blocklist of common and
// keyboard passwords), and random passwords for new users and resets.
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../shared/paths.ts';

/** argon2id with the library's defaults (19 MiB, 2 passes); the parameters live in the PHC string. */
export async function hashPassword(password: string, opts: { fast?: boolean } = {}): Promise<string> {
  // `fast` is for test users only: cheaper parameters, still argon2id, still verifiable
  return hash(password, opts.fast ? { memoryCost: 1024, timeCost: 1 } : {});
}

async function verifyHash(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** How many passwords were checked against a real account's hash (read by the lock-out tests). */
export const passwordChecks = { count: 0 };

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  passwordChecks.count++;
  return verifyHash(stored, password);
}

let dummy: Promise<string> | null = null;
/** Spend about the same time as a real check when there is no hash to check (unknown user, lock). */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('安居-不存在的用户-' + Date.now());
  await verifyHash(await dummy, password);
}

const BLOCKED = new Set(
  readFileSync(fromRoot('src', 'auth', 'common-passwords.txt'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
);

// rows of the keyboard and the digits: a password that is only a run along one of them
const WALKS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];
function isWalk(s: string): boolean {
  if (s.length < 4) return false;
  for (const row of WALKS) for (const r of [row, [...row].reverse().join('')]) if (r.includes(s)) return true;
  return false;
}

/** true for a common or keyboard password, also with digits or signs before or after it. */
export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (BLOCKED.has(p)) return true;
  const core = p.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (core && BLOCKED.has(core)) return true;
  // a letters part and a digits part that are each a walk or common: abcdefg123, qwer1234
  const parts = p.match(/[a-z]+|\d+/g) ?? [];
  if (parts.join('') === p.replace(/[\W_]/g, '') && parts.every((x) => isWalk(x) || BLOCKED.has(x) || /^(\d)\1*$/.test(x) || /^(19|20)\d\d$/.test(x)))
    return true;
  return false;
}

/** Minimum length by role: administrators 10, others 8. */
export const minPasswordLength = (role?: string) => (role === 'admin' ? 10 : 8);

/** null when acceptable, else the Chinese reason. */
export function passwordProblem(password: string, username?: string, role?: string): string | null {
  const min = minPasswordLength(role);
  if (password.length < min) return role === 'admin' ? `系统管理员的新密码至少需要${min}个字符` : `新密码至少需要${min}个字符`;
  if (password.length > 128) return '新密码不能超过128个字符';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '新密码必须同时包含字母和数字';
  if (username && password.toLowerCase().includes(username.toLowerCase()) && username.length >= 3) return '新密码不能包含用户名';
  if (isCommonPassword(password)) return '新密码过于常见或是键盘顺序（如 Password123、qwer1234、1qaz2wsx），请换一个不易猜到的密码';
  return null;
}

// no 0/O, 1/l/I: passwords are read aloud and typed from paper
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** A random password that meets the rule: 12 characters with upper, lower case and digits. */
export function generatePassword(length = 12): string {
  for (;;) {
    const all = LOWER + UPPER + DIGITS;
    const chars = [LOWER[randomInt(LOWER.length)], UPPER[randomInt(UPPER.length)], DIGITS[randomInt(DIGITS.length)]];
    while (chars.length < length) chars.push(all[randomInt(all.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const p = chars.join('');
    if (!isCommonPassword(p)) return p;
  }
}
