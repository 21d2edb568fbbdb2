import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { installChineseZod, fieldLabel } from './zod-zh.ts';

installChineseZod();
const msgs = (schema: z.ZodType, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${fieldLabel('/' + i.path.join('/'))}：${i.message}`);
};

describe('zod messages in Chinese', () => {
  it('words every common issue in Chinese, keeping a schema’s own message', () => {
    const S = z
      .object({
        username: z.string().min(1, '请输入用户名').max(8),
        pageSize: z.coerce.number().int().min(1).max(500),
        role: z.enum(['admin', 'county']),
        id: z.string().uuid(),
        items: z.array(z.object({ name: z.string().min(2) })).max(2),
        active: z.boolean(),
      })
      .strict();
    const out = msgs(S, { username: '', pageSize: 'abc', role: 'boss', id: 'x', items: [{ name: 'a' }, {}], extra: 1 });
    assert.deepEqual(out, [
      '用户名：请输入用户名',
      '每页条数：应为数字',
      '角色：应为以下之一：admin、county',
      '编号：格式不正确，应为编号（UUID）',
      '字段“items”的第1项的姓名：至少需要2个字符',
      '字段“items”的第2项的姓名：必须填写',
      '启用状态：必须填写',
      '请求内容：含有不认识的字段：extra',
    ]);
    assert.deepEqual(msgs(S.shape.pageSize, '1000'), ['请求内容：不能大于500']);
    assert.deepEqual(msgs(S.shape.pageSize, '1.5'), ['请求内容：应为整数']);
    assert.deepEqual(msgs(S.shape.username, 'abcdefghij'), ['请求内容：不能超过8个字符']);
    assert.deepEqual(msgs(S.shape.items, [{ name: 'ab' }, { name: 'cd' }, { name: 'ef' }]), ['请求内容：不能超过2项']);
    for (const m of out) assert.doesNotMatch(m, /Expected|Invalid|Required|received|String must/);
  });
});
