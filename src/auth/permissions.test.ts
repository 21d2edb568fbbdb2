import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ROLES, PERMISSIONS, ROLE_PERMISSIONS, hasPermission, inScope, canUnmask, type Permission } from './permissions.ts';
import { passwordProblem, generatePassword } from './password.ts';
import { regionProblem } from './users.ts';
import { assertInScope, requirePermission, requireUser, actorOf } from './guards.ts';
import type { FastifyRequest } from 'fastify';
import type { SessionUser } from './permissions.ts';

const user = (role: SessionUser['role'], regionCode: string): SessionUser => ({
  id: 7,
  username: 'u',
  displayName: 'u',
  role,
  regionCode,
  countyCode: regionCode.slice(0, 6),
  mustChangePassword: false,
});
const reqOf = (u: SessionUser | null) => ({ user: u }) as unknown as FastifyRequest;

describe('permissions', () => {
  it('every role grants only known permissions; admin holds all', () => {
    for (const r of ROLES) for (const p of ROLE_PERMISSIONS[r]) assert.ok(p in PERMISSIONS, `${r}: ${p}`);
    for (const p of Object.keys(PERMISSIONS) as Permission[]) assert.ok(hasPermission({ role: 'admin' }, p));
  });

  it('matches the roles of DESIGN.md', () => {
    assert.ok(!hasPermission({ role: 'leader' }, 'registry.edit'));
    assert.ok(!hasPermission({ role: 'leader' }, 'registry.export'));
    assert.ok(hasPermission({ role: 'auditor' }, 'audit.read'));
    for (const r of ['county', 'township', 'finance', 'leader'] as const) assert.ok(!hasPermission({ role: r }, 'audit.read'), r);
    for (const r of ['county', 'township', 'finance', 'leader', 'auditor'] as const) assert.ok(!hasPermission({ role: r }, 'users.manage'), r);
    assert.ok(hasPermission({ role: 'township' }, 'adjustment.enter'));
    assert.ok(!hasPermission({ role: 'township' }, 'adjustment.approve'));
    assert.ok(!hasPermission({ role: 'auditor' }, 'adjustment.enter'));
    assert.ok(!canUnmask({ role: 'leader' }));
    assert.ok(canUnmask({ role: 'auditor' }));
    // read-only roles change nothing
    const changes = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => !/\.read$|\.export$/.test(p));
    for (const r of ['leader', 'auditor'] as const)
      assert.deepEqual(
        changes.filter((p) => hasPermission({ role: r }, p)),
        [],
        r,
      );
  });

  it('microcredit: every role but a project unit reads; county and finance import, compute and review; township and read-only roles do not', () => {
    for (const r of ROLES.filter((x) => x !== 'unit')) assert.ok(hasPermission({ role: r }, 'microcredit.read'), r);
    for (const r of ['county', 'finance', 'admin'] as const) {
      assert.ok(hasPermission({ role: r }, 'microcredit.manage'), r);
      assert.ok(hasPermission({ role: r }, 'microcredit.approve'), r);
    }
    for (const r of ['township', 'leader', 'auditor'] as const) {
      assert.ok(!hasPermission({ role: r }, 'microcredit.manage'), r);
      assert.ok(!hasPermission({ role: r }, 'microcredit.approve'), r);
    }
  });

  it('monitoring: townships and the rural office enter, county-level approval, read-only roles read', () => {
    for (const r of ['county', 'township', 'rural'] as const) {
      assert.ok(hasPermission({ role: r }, 'monitoring.enter'), r);
      assert.ok(hasPermission({ role: r }, 'monitoring.approve'), r);
    }
    for (const r of ['leader', 'auditor'] as const) {
      assert.ok(hasPermission({ role: r }, 'monitoring.read'), r);
      assert.ok(!hasPermission({ role: r }, 'monitoring.enter'), r);
    }
    assert.ok(!hasPermission({ role: 'finance' }, 'monitoring.read'));
    // the rural-revitalisation office keeps to monitoring: no payments, cases or users
    for (const p of ['subsidy.manage', 'subsidy.read', 'adjustment.enter', 'cases.work', 'users.manage', 'audit.read'] as const)
      assert.ok(!hasPermission({ role: 'rural' }, p), p);
    assert.ok(canUnmask({ role: 'rural' }));
  });

  it('funds: finance and county enter money, only the county approves a reversal, the others read', () => {
    for (const r of ['finance', 'county', 'admin'] as const) assert.ok(hasPermission({ role: r }, 'funds.manage'), r);
    for (const r of ['township', 'leader', 'auditor'] as const) assert.ok(!hasPermission({ role: r }, 'funds.manage'), r);
    assert.ok(!hasPermission({ role: 'finance' }, 'funds.approve'));
    assert.ok(hasPermission({ role: 'county' }, 'funds.approve'));
    for (const r of ['county', 'township', 'finance', 'leader', 'auditor'] as const) assert.ok(hasPermission({ role: r }, 'funds.read'), r);
  });

  it('an unknown role has nothing', () => {
    assert.equal(hasPermission({ role: 'nobody' as never }, 'registry.read'), false);
  });

  it('scope: a township sees its villages and not its neighbours; a county sees all its townships', () => {
    const t = user('township', '430582101');
    assert.ok(inScope(t, '430582101'));
    assert.ok(inScope(t, '430582101007'));
    assert.ok(!inScope(t, '430582102007'));
    assert.ok(!inScope(t, '430582'));
    const c = user('county', '430582');
    assert.ok(inScope(c, '430582102007'));
    assert.ok(!inScope(c, '430581101007'));
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{3}$/),
        fc.stringMatching(/^\d{3}$/),
        (tw, v) => inScope(c, `430582${tw}${v}`) && !inScope(user('county', '430581'), `430582${tw}${v}`),
      ),
    );
  });

  it('guards throw the right codes', () => {
    assert.throws(
      () => requireUser(reqOf(null)),
      (e: { code?: string; status?: number }) => e.code === 'UNAUTHENTICATED' && e.status === 401,
    );
    assert.throws(
      () => requirePermission(reqOf(user('leader', '430582')), 'registry.edit'),
      (e: { code?: string; message?: string }) => e.code === 'FORBIDDEN' && /直接修改花名册/.test(e.message!),
    );
    assert.equal(requirePermission(reqOf(user('county', '430582')), 'registry.edit').role, 'county');
    assert.throws(
      () => assertInScope(user('township', '430582101'), '430582102001'),
      (e: { code?: string }) => e.code === 'FORBIDDEN',
    );
    assert.throws(
      () => assertInScope(user('township', '430582101'), ''),
      (e: { code?: string }) => e.code === 'FORBIDDEN',
    );
    assertInScope(user('township', '430582101'), '430582101001');
    assert.deepEqual(actorOf(user('county', '430582')), { userId: 7, username: 'u' });
  });
});

describe('passwords', () => {
  it('needs 8 characters with letters and digits', () => {
    assert.match(passwordProblem('abc123')!, /至少需要8个字符/);
    assert.match(passwordProblem('abcdefgh')!, /字母和数字/);
    assert.match(passwordProblem('12345678')!, /字母和数字/);
    assert.match(passwordProblem('zhang123x', 'zhang')!, /用户名/);
    assert.equal(passwordProblem('Hgtrw5kq'), null);
  });
  it('refuses common and keyboard passwords, and asks 10 characters of administrators', () => {
    for (const p of [
      'Password123',
      'p@ssw0rd1',
      'qwer1234',
      'Qwerty2024',
      '1qaz2wsx',
      'Abcdefg123',
      'asdf1234',
      'woaini1314',
      'Admin123456',
      'a12345678',
      'zxcvbnm1',
      '12345qwe',
    ])
      assert.match(passwordProblem(p) ?? '', /过于常见|键盘/, p);
    assert.match(passwordProblem('Hgtrw5kq9', undefined, 'admin')!, /系统管理员的新密码至少需要10个字符/);
    assert.equal(passwordProblem('Hgtrw5kq9', undefined, 'county'), null);
    assert.equal(passwordProblem('Hgtrw5kq9x', undefined, 'admin'), null);
  });
  it('generated passwords meet the rule and differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      assert.equal(passwordProblem(p), null);
      assert.match(p, /[a-z]/);
      assert.match(p, /[A-Z]/);
      assert.doesNotMatch(p, /[0O1lI]/);
      seen.add(p);
    }
    assert.equal(seen.size, 200);
  });
});

describe('where a user may be placed', () => {
  it('county or township inside the manager’s scope', () => {
    assert.equal(regionProblem('430582', '430582'), null);
    assert.equal(regionProblem('430582101', '430582', 'township'), null);
    assert.match(regionProblem('430582', null, 'township')!, /9位乡镇代码/);
    assert.match(regionProblem('430581', '430582')!, /管辖范围/);
    assert.match(regionProblem('430582102', '430582101')!, /管辖范围/);
    assert.match(regionProblem('430000', null)!, /6位县级代码或9位乡镇代码/);
    assert.match(regionProblem('43058210100', null)!, /6位县级代码或9位乡镇代码/);
    assert.match(regionProblem('abc', null)!, /不正确/);
  });
});
