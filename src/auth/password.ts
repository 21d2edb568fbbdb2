// Passwords: argon2id hashes, the strength rule, and random passwords for new users and resets.
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

/** argon2id with the library's defaults (19 MiB, 2 passes); the parameters live in the PHC string. */
export async function hashPassword(password: string, opts: { fast?: boolean } = {}): Promise<string> {
  // `fast` is for test users only: cheaper parameters, still argon2id, still verifiable
  return hash(password, opts.fast ? { memoryCost: 1024, timeCost: 1 } : {});
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spend about the same time as a real check when the user does not exist. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('安居-不存在的用户-' + Date.now());
  await verifyPassword(await dummy, password);
}

/** null when acceptable, else the Chinese reason. Rule: at least 8 characters, letters and digits. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < 8) return '新密码至少需要8个字符';
  if (password.length > 128) return '新密码不能超过128个字符';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '新密码必须同时包含字母和数字';
  if (username && password.toLowerCase().includes(username.toLowerCase()) && username.length >= 3) return '新密码不能包含用户名';
  return null;
}

// no 0/O, 1/l/I: passwords are read aloud and typed from paper
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** A random password that meets the rule: 12 characters with upper, lower case and digits. */
export function generatePassword(length = 12): string {
  const all = LOWER + UPPER + DIGITS;
  const chars = [LOWER[randomInt(LOWER.length)], UPPER[randomInt(UPPER.length)], DIGITS[randomInt(DIGITS.length)]];
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
