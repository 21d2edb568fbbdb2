// The demo county as a working county looks on the day it is installed: the roster (terms as a
// county keeps them that day, from the registry's generator, loaded through the roster import),
// last year's and this year's rolls paid (built by one officer, reviewed by another, exported,
// bank results imported, closed — through the subsidy's own functions), and a cross-check
// against a death list whose cases stand in various states. Everything is invented; the staff
// who "did" the work are disabled accounts nobody can log in with.
import { PassThrough } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { AppContext } from '../shared/context.ts';
import type { AuditActor } from '../shared/audit.ts';
import { csvDocument } from '../shared/files/csv-write.ts';
import { formatFen } from '../shared/money.ts';
import { checkDigit } from '../shared/idnumber.ts';
import { addDays, todayIso } from '../shared/dates.ts';
import { Rng } from '../synth/index.ts';
import { ensureRecordOnlyUser, type SessionUser } from '../auth/index.ts';
import { loadDemoCounty, fillMissingPinyin, personsByIdNumbers } from '../registry/index.ts';
import {
  buildPayroll,
  reviewPayroll,
  saveSettings,
  prepareBankExport,
  writeBankFile,
  importBankReturn,
  closePayroll,
  listLines,
  listPayrolls,
  paidFigures,
  type Payroll,
} from '../subsidy/index.ts';
import { uploadInput, runNow, listCases, verifyCase, caseToRemoval, addInstalment, getRecovery } from '../cases/index.ts';

export interface DemoCountyOptions {
  persons: number;
  seed: number;
  countyCode: string;
  asOf?: string;
}
export interface DemoCountySummary {
  persons: number;
  rolls: number;
  paidFen: number;
  cases: number;
}

const STAFF = [
  { username: 'demo.limei', displayName: '李梅（演示）', role: 'county' },
  { username: 'demo.wangqiang', displayName: '王强（演示）', role: 'finance' },
] as const;

/** The demo's two officers: accounts that exist for the records' sake and cannot log in. */
async function demoStaff(db: Kysely<Tables>, countyCode: string): Promise<SessionUser[]> {
  const out: SessionUser[] = [];
  for (const s of STAFF) {
    const id = await ensureRecordOnlyUser(db, { username: s.username, displayName: s.displayName, role: s.role, regionCode: countyCode });
    out.push({ id, username: s.username, displayName: s.displayName, role: s.role, regionCode: countyCode, countyCode, mustChangePassword: false });
  }
  return out;
}

const actor = (u: SessionUser): AuditActor => ({ userId: u.id, username: u.username });

async function allLines(db: Kysely<Tables>, countyCode: string, payrollId: number, result: 'pending' | 'success') {
  const out: Awaited<ReturnType<typeof listLines>>['lines'] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listLines(db, countyCode, payrollId, { result, offset, limit: 1000 });
    out.push(...page.lines);
    if (page.lines.length < 1000) return out;
  }
}

/** Export the bank file, answer it as the bank would (a few failures), import the answer, close. */
async function payRoll(db: Kysely<Tables>, countyCode: string, roll: Payroll, finance: SessionUser, r: Rng, failRate: number): Promise<number> {
  const exp = await prepareBankExport(db, actor(finance), countyCode, roll.id, 'generic');
  const sink = new PassThrough();
  sink.resume(); // the file itself is not kept: the bank's answer is made from the lines
  await writeBankFile(db, countyCode, roll.id, exp.tpl, exp.batchNo, sink);
  const lines = await allLines(db, countyCode, roll.id, 'pending');
  if (lines.length) {
    const paidOn = `${roll.period.slice(0, 4)}-${roll.kind === 'regular' ? '06-18' : '09-20'}`;
    const rows = lines.map((l) => {
      const fail = r.chance(failRate);
      return [
        roll.period,
        l.idNumber,
        l.name,
        formatFen(l.amountFen),
        fail ? '失败' : '成功',
        fail ? '' : paidOn,
        fail ? r.pick(['账户已销户', '户名与账号不符', '账户冻结']) : '',
        roll.batchNo,
      ];
    });
    const file = csvDocument(['发放期间', '身份证号', '姓名', '金额', '发放结果', '发放日期', '失败原因', '批次号'], rows);
    await importBankReturn(db, actor(finance), countyCode, roll.id, { filename: `${roll.batchNo}回盘.csv`, content: Buffer.from(file, 'utf8') });
  }
  await closePayroll(db, actor(finance), countyCode, roll.id);
  return lines.length;
}

export async function loadWorkingDemo(ctx: Pick<AppContext, 'database'>, o: DemoCountyOptions): Promise<DemoCountySummary> {
  const db = ctx.database.db;
  const asOf = o.asOf ?? todayIso();
  const year = +asOf.slice(0, 4);
  const [clerk, finance] = await demoStaff(db, o.countyCode);
  const summary = await loadDemoCounty(ctx, { persons: o.persons, seed: o.seed, countyCode: o.countyCode, asOf, actor: actor(clerk) });
  await fillMissingPinyin(db, o.countyCode); // pinyin search ready from the first minute
  const r = new Rng(`${o.seed}/demo-work`);

  // the county pays into the household's card when a member has none (一户一卡), as many do
  await saveSettings(db, actor(clerk), o.countyCode, '2006-07-01', { accountFallback: 'head' });
  // a year of paid rolls: last year's and this year's, bank failures re-issued in a supplementary
  // roll (a few of this year's fail again and wait for a new card)
  let rolls = 0;
  let paidFen = 0;
  for (const y of [year - 1, year]) {
    const regular = await buildPayroll(db, actor(clerk), { countyCode: o.countyCode, period: String(y), kind: 'regular', remarks: `${y}年度直补资金` });
    await reviewPayroll(db, actor(finance), o.countyCode, regular.id);
    await payRoll(db, o.countyCode, regular, finance, r, 0.006);
    rolls++;
    const supp = await buildPayroll(db, actor(clerk), {
      countyCode: o.countyCode,
      period: String(y),
      kind: 'supplementary',
      remarks: '回盘失败人员补发（已更换账户）',
    }).catch(() => null);
    if (supp) {
      await reviewPayroll(db, actor(finance), o.countyCode, supp.id);
      await payRoll(db, o.countyCode, supp, finance, r, y < year ? 0 : 0.15);
      rolls++;
    }
  }
  for (const y of [year - 1, year]) paidFen += (await paidFigures(db, o.countyCode, y)).paidFen;

  // the civil-affairs death list: a few people paid this year who died last year, a few who died
  // this year (they keep the year: no finding), and people of the county not on the roster
  const thisYear = (await listPayrolls(db, o.countyCode, { period: String(year) })).find((p) => p.kind === 'regular');
  const paidLines = thisYear ? await allLines(db, o.countyCode, thisYear.id, 'success') : [];
  // the dead are chosen among people still on the roster as 正常, so their cases can still become a 核减
  const active = new Set(
    (
      await personsByIdNumbers(
        db,
        o.countyCode,
        paidLines.map((l) => l.idNumber),
      )
    )
      .filter((p) => p.status === '正常')
      .map((p) => p.idNumber),
  );
  const paidThisYear = paidLines.filter((l) => active.has(l.idNumber));
  const deaths: string[][] = [];
  const step = Math.max(1, Math.floor(paidThisYear.length / 10));
  paidThisYear
    .filter((_, i) => i % step === step - 1)
    .slice(0, 10)
    .forEach((l, i) => {
      const died = i < 7 ? addDays(`${year - 1}-01-01`, r.int(30, 330)) : addDays(`${year}-01-01`, r.int(20, 120));
      deaths.push([l.name, l.idNumber, died, r.pick(['民政', '卫健', '殡葬'])]);
    });
  for (let i = 0; i < 6; i++) {
    const birth = `19${r.int(30, 60)}0${r.int(1, 9)}1${r.int(0, 9)}`;
    const first17 = `${o.countyCode}${birth}${String(r.int(100, 499))}`;
    deaths.push([
      `${r.pick(['王', '李', '刘', '陈'])}${r.pick(['德', '桂', '春', '秀'])}${r.pick(['明', '英', '生', '兰'])}`,
      first17 + checkDigit(first17),
      addDays(`${year - 1}-01-01`, r.int(0, 600)),
      '民政',
    ]);
  }
  const input = await uploadInput(db, actor(clerk), o.countyCode, 'deaths', {
    filename: `${year - 1}年死亡人员名单（民政）.csv`,
    label: '民政死亡名单',
    content: Buffer.from(csvDocument(['姓名', '身份证号', '死亡日期', '来源'], deaths), 'utf8'),
  });
  await runNow(db, actor(clerk), o.countyCode, { inputIds: [input.id] });

  // cases in the states a working office leaves them: confirmed (one turned into a 核减 waiting for
  // approval, recovery under way or settled), one false alarm, the rest waiting for verification
  const found = await listCases(db, o.countyCode, clerk, { code: 'DECEASED_PAID', limit: 20 });
  const [c0, c1, c2, c3] = found.cases;
  const deathOf = (id: string) => deaths.find((d) => d[1] === id)?.[2] ?? asOf;
  if (c0) {
    await verifyCase(db, clerk, o.countyCode, c0.id, {
      verdict: '违规',
      evidence: '村委会走访确认已于民政名单所列日期死亡，家属持卡继续领取；已取得死亡证明复印件',
    });
    await caseToRemoval(db, clerk, o.countyCode, c0.id, { effectiveDate: deathOf(c0.idNumber), remarks: '交叉核对发现' });
  }
  if (c1) {
    const v = await verifyCase(db, clerk, o.countyCode, c1.id, { verdict: '违规', evidence: '派出所出具户籍注销证明，死亡日期与民政名单一致' });
    if (v.recoveryId !== null) {
      const item = await getRecovery(db, o.countyCode, finance, v.recoveryId);
      await addInstalment(db, finance, o.countyCode, item.id, { paidOn: asOf, amountFen: Math.floor(item.dueFen / 2), receiptNo: `ZJ${year}-001` });
    }
  }
  if (c2) await verifyCase(db, clerk, o.countyCode, c2.id, { verdict: '违规', evidence: '家属承认，已签订退款承诺书' });
  if (c3) await verifyCase(db, clerk, o.countyCode, c3.id, { verdict: '误报', evidence: '经走访本人健在，民政名单身份证号录入错误（同村同名）' });
  const total = await listCases(db, o.countyCode, clerk, { limit: 1 });
  return { persons: summary.added, rolls, paidFen, cases: total.total };
}
