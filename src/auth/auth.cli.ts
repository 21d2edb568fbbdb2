// anju users create | reset-password | list | unlock;  anju audit verify
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { openDatabase, optionsFromEnv, type Database } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { verifyAuditChain, type AuditActor } from '../shared/audit.ts';
import { auditKeyPath, readAuditKey, ensureAuditKey } from '../shared/audit-key.ts';
import { auditAnchor, writeAnchor, readAnchor, anchorProblem } from '../shared/audit-anchor.ts';
import { AppError } from '../shared/errors.ts';
import { ROLES, ROLE_NAMES, type Role } from './permissions.ts';
import { createUser, findUserByName, listUsers, resetPassword, unlockUser } from './users.service.ts';
import { CreateUserBody } from './auth.contract.ts';

/** Who did it, in the audit log, when done on the command line. */
export function cliActor(): AuditActor {
  let who = '';
  try {
    who = userInfo().username;
  } catch {
    /* no user name on this system */
  }
  return { userId: null, username: who ? `命令行(${who})` : '命令行' };
}

async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openDatabase(optionsFromEnv());
  try {
    await migrate(d);
    const k = await ensureAuditKey(d.db);
    if (k.warning) console.error(k.warning);
    return await fn(d);
  } finally {
    await d.close();
  }
}

async function userByName(d: Database, username: string) {
  const u = await findUserByName(d.db, username);
  if (!u) throw new AppError('NOT_FOUND', `用户“${username}”不存在`);
  return u;
}

export function registerAuthCommands(program: Command) {
  const users = program.command('users').description('用户：新建、重置密码、列表、解锁');

  users
    .command('create')
    .description('新建用户（未给密码时生成随机密码并显示一次）')
    .requiredOption('--username <name>', '用户名')
    .requiredOption('--role <role>', `角色：${ROLES.map((r) => `${r}（${ROLE_NAMES[r]}）`).join('、')}`)
    .requiredOption('--region <code>', '辖区：6位县级代码或9位乡镇代码')
    .option('--name <displayName>', '姓名', '')
    .option('--unit <unit>', '主管单位或实施单位（项目单位人员只看本单位的项目）')
    .option('--password <password>', '初始密码（至少8位，含字母和数字）；首次登录须修改')
    .action(async (o: { username: string; role: string; region: string; name: string; unit?: string; password?: string }) => {
      if (!ROLES.includes(o.role as Role)) throw new AppError('VALIDATION', `角色“${o.role}”不存在，可选：${ROLES.join('、')}`);
      const parsed = CreateUserBody.safeParse({
        username: o.username,
        displayName: o.name,
        role: o.role,
        regionCode: o.region,
        unit: o.unit ?? null,
        password: o.password,
      });
      if (!parsed.success) throw new AppError('VALIDATION', parsed.error.issues.map((i) => i.message).join('；'));
      await withDb(async (d) => {
        const { user, password } = await createUser(d.db, cliActor(), null, parsed.data);
        console.log(`已新建用户 ${user.username}（${user.roleName}，辖区 ${user.regionCode}）`);
        if (!o.password) console.log(`初始密码：${password}    （只显示这一次，首次登录须修改）`);
      });
    });

  users
    .command('reset-password <username>')
    .description('重置密码：生成随机密码并显示一次，登录后须修改')
    .action(async (username: string) => {
      await withDb(async (d) => {
        const u = await userByName(d, username);
        const { password } = await resetPassword(d.db, cliActor(), null, u.id);
        console.log(`已重置用户 ${u.username} 的密码，原有登录已失效。`);
        console.log(`新密码：${password}    （只显示这一次，登录后须修改）`);
      });
    });

  users
    .command('unlock <username>')
    .description('解除因密码错误次数过多造成的锁定')
    .action(async (username: string) => {
      await withDb(async (d) => {
        const u = await userByName(d, username);
        await unlockUser(d.db, cliActor(), null, u.id);
        console.log(`已解除用户 ${u.username} 的锁定`);
      });
    });

  users
    .command('list')
    .description('列出全部用户')
    .action(async () => {
      await withDb(async (d) => {
        const { items } = await listUsers(d.db, null);
        if (!items.length) {
          console.log('还没有用户');
          return;
        }
        console.log(['用户名', '姓名', '角色', '辖区', '状态'].join('\t'));
        for (const u of items) {
          const state = [u.active ? '启用' : '停用', u.locked ? '已锁定' : '', u.mustChangePassword ? '待改密码' : ''].filter(Boolean).join('，');
          console.log([u.username, u.displayName, u.roleName, `${u.regionCode}${u.regionName ? ' ' + u.regionName : ''}`, state].join('\t'));
        }
        console.log(`共 ${items.length} 个用户`);
      });
    });

  const audit = program.command('audit').description('审计日志');
  audit
    .command('verify')
    .description('校验审计日志的哈希链（带密钥的记录用密钥文件校验）：被修改或删除的记录会被找出')
    .option('--anchor <file>', '同时核对审计锚点文件（anju audit anchor 所写）：锚点所指的记录必须仍在链中且未变')
    .action(async (o: { anchor?: string }) => {
      const anchor = o.anchor ? readAnchor(o.anchor) : null;
      const { r, problem } = await withDb(async (d) => {
        const r = await verifyAuditChain(d.db, { key: readAuditKey(auditKeyPath()) ?? undefined });
        return { r, problem: anchor ? await anchorProblem(d.db, anchor) : null };
      });
      if (!r.ok) {
        console.error(`审计日志校验失败：第 ${r.brokenAt} 条记录处断开——${r.reason}（此前 ${r.entries} 条完好）`);
        process.exitCode = 3;
        return;
      }
      if (problem) {
        console.error(`审计日志校验失败：${problem}`);
        process.exitCode = 3;
        return;
      }
      const keyed = r.keyedFrom ? `，第 ${r.keyedFrom} 条起带密钥签名` : '，未启用密钥';
      console.log(`审计日志完整：共 ${r.entries} 条记录，哈希链校验通过${keyed}${anchor ? `；与 ${anchor.date} 的锚点（第 ${anchor.entries} 条）一致` : ''}`);
    });

  audit
    .command('anchor')
    .description('写出审计日志的锚点（链尾哈希、日期、记录数），请另处保存，日后用 verify --anchor 核对')
    .requiredOption('--out <file>', '锚点文件，例如 审计锚点-20241231.json')
    .action(async (o: { out: string }) => {
      const a = await withDb((d) => auditAnchor(d.db));
      writeAnchor(o.out, a);
      console.log(`已写出审计锚点 ${o.out}：${a.date}，共 ${a.entries} 条，链尾哈希 ${a.hash}`);
    });
}
