// What a viewer of microcredit reads: the loans (list, page, due and overdue boards), balances,
// figures and the subsidy runs. A township officer sees the township's loans, a county user the
// county's; ID numbers are masked unless the viewer asked and may see them (each unmasked view
// audited). The figures come from the same pure functions as the command line.
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { actorOf, auditUnmaskedView, maskId, type SessionUser } from '../auth/index.ts';
import { formatDecimal } from './values.ts';
import { loanState, dueLoans, balancesBy, headline, monthlyBalances, renewalsOf, renewedFromOf, HANDLINGS, type LoanState } from './figures.ts';
import { bookLoans, listRuns, loanHistory, mustGetRun, recordHandling, regionNames, runLines, type SubsidyRun } from './microcredit.service.ts';
import * as C from './microcredit.contract.ts';

type Db = Kysely<Tables>;
/** Whether the viewer asked to see ID numbers and may; asked only when the answer is about to be built. */
type Unmask = () => boolean;

/** township officers: their township only; county users: the whole county */
export const scopeOf = (user: SessionUser) => (user.regionCode.length > 6 ? user.regionCode : undefined);
const inScope = (user: SessionUser, villageCode: string) => !scopeOf(user) || villageCode.startsWith(user.regionCode);

/** Imports, computing and moving the subsidy runs, the bank file: the county's work. */
export function assertCountyUser(user: SessionUser): void {
  if (scopeOf(user)) throw new AppError('FORBIDDEN', C.MESSAGES.COUNTY_ONLY);
}

async function unmasked(db: Db, user: SessionUser, unmask: Unmask, count: number, detail: Record<string, unknown>): Promise<boolean> {
  const yes = unmask();
  if (yes) await auditUnmaskedView(db, user, { entityType: 'microcredit_loan', fields: ['idNumber'], count, detail });
  return yes;
}

const loanView = (s: LoanState, shown: boolean) => ({ ...s, idNumber: shown ? s.idNumber : maskId(s.idNumber) });
export const runView = (r: SubsidyRun): z.infer<typeof C.RunView> => ({ ...r, stateName: C.RUN_STATE_NAMES[r.state] });
const loansOf = (db: Db, user: SessionUser) => bookLoans(db, user.countyCode, { scope: scopeOf(user) });

export async function loanList(db: Db, user: SessionUser, q: z.infer<typeof C.LoansQuery>, unmask: Unmask): Promise<z.infer<typeof C.LoanList>> {
  const asOf = q.asOf ?? todayIso();
  const all = await loansOf(db, user);
  if (q.drill && (!q.from || !q.to)) throw new AppError('VALIDATION', '按指标查看贷款须给出起止日期（from、to）');
  const only = q.drill && q.from && q.to ? new Set(headline(all, q.from, q.to, asOf)[q.drill].loanNos) : null;
  const renewals = renewalsOf(all);
  let states = all.filter((l) => !only || only.has(l.loanNo)).map((l) => loanState(l, asOf, renewals.get(l.loanNo) ?? null));
  const { townshipCode, bank, q: text } = q;
  if (townshipCode) states = states.filter((s) => s.villageCode.startsWith(townshipCode));
  if (bank) states = states.filter((s) => s.bank === bank);
  if (text) states = states.filter((s) => s.loanNo.includes(text) || s.name.includes(text) || s.idNumber === text);
  if (q.status === 'outstanding') states = states.filter((s) => s.balanceFen > 0);
  if (q.status === 'overdue') states = states.filter((s) => s.overdue);
  if (q.status === 'repaid') states = states.filter((s) => s.balanceFen === 0 && s.issuedOn <= asOf);
  const page = states.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  const shown = await unmasked(db, user, unmask, page.length, { query: q });
  return { total: states.length, page: q.page, pageSize: q.pageSize, masked: !shown, asOf, loans: page.map((s) => loanView(s, shown)) };
}

async function loanInScope(db: Db, user: SessionUser, loanNo: string) {
  const [loan] = await bookLoans(db, user.countyCode, { loanNos: [loanNo] });
  if (!loan || !inScope(user, loan.villageCode)) throw new AppError('NOT_FOUND', C.MESSAGES.LOAN_NOT_FOUND);
  return loan;
}

export async function loanDetail(
  db: Db,
  user: SessionUser,
  loanNo: string,
  asOfGiven: string | undefined,
  unmask: Unmask,
): Promise<z.infer<typeof C.LoanDetail>> {
  const loan = await loanInScope(db, user, loanNo);
  const same = await bookLoans(db, user.countyCode, { idNumbers: [loan.idNumber] });
  const asOf = asOfGiven ?? todayIso();
  const shown = await unmasked(db, user, unmask, 1, { loanNo: loan.loanNo });
  let balance = loan.amountFen;
  return {
    loan: loanView(loanState(loan, asOf, renewalsOf(same).get(loan.loanNo) ?? null), shown),
    masked: !shown,
    renewedFrom: renewedFromOf(same).get(loan.loanNo) ?? null,
    repayments: loan.repayDays.map((d, i) => ({
      on: new Date(d * 86400000).toISOString().slice(0, 10),
      amountFen: loan.repayFen[i],
      balanceFen: (balance -= loan.repayFen[i]),
      row: loan.repayRows[i],
    })),
    ...(await loanHistory(db, user.countyCode, loan.loanNo)),
  };
}

/** An officer's note on a loan of their area. */
export async function addLoanHandling(db: Db, user: SessionUser, loanNo: string, e: z.infer<typeof C.EventBody>): Promise<number> {
  const loan = await loanInScope(db, user, loanNo);
  return recordHandling(db, actorOf(user), user.countyCode, loan.loanNo, e);
}

export async function dueBoard(db: Db, user: SessionUser, q: z.infer<typeof C.PeriodQuery>): Promise<z.infer<typeof C.DueList>> {
  const asOf = q.asOf ?? todayIso();
  const loans = dueLoans(await loansOf(db, user), q.from, q.to, asOf);
  const counts = Object.fromEntries(HANDLINGS.map((h) => [h, loans.filter((l) => l.handling === h).length]));
  return { from: q.from, to: q.to, asOf, counts, loans: loans.map((l) => ({ ...l, idNumber: maskId(l.idNumber) })) };
}

export async function overdueBoard(db: Db, user: SessionUser, asOfGiven?: string): Promise<z.infer<typeof C.OverdueList>> {
  const asOf = asOfGiven ?? todayIso();
  const states = (await loansOf(db, user)).map((l) => loanState(l, asOf)).filter((s) => s.overdue);
  return { asOf, total: states.length, balanceFen: states.reduce((s, x) => s + x.balanceFen, 0), loans: states.map((s) => loanView(s, false)) };
}

export async function balances(db: Db, user: SessionUser, q: z.infer<typeof C.BalancesQuery>): Promise<z.infer<typeof C.Balances>> {
  const asOf = q.asOf ?? todayIso();
  const groups = balancesBy(await loansOf(db, user), asOf, q.by);
  const names =
    q.by === 'township'
      ? await regionNames(
          db,
          groups.map((g) => g.key),
        )
      : new Map<string, string>();
  return { asOf, by: q.by, groups: groups.map((g) => ({ ...g, name: names.get(g.key) ?? g.key })) };
}

export async function figures(db: Db, user: SessionUser, q: z.infer<typeof C.PeriodQuery>): Promise<z.infer<typeof C.Figures>> {
  const h = headline(await loansOf(db, user), q.from, q.to, q.asOf ?? todayIso());
  const runs = await listRuns(db, user.countyCode);
  return {
    ...h,
    subsidyByQuarter: runs.map((x) => ({ runId: x.id, quarter: x.quarter, state: C.RUN_STATE_NAMES[x.state], loans: x.loans, subsidyFen: x.subsidyFen })),
  };
}

export async function monthly(db: Db, user: SessionUser, q: z.infer<typeof C.MonthlyQuery>): Promise<z.infer<typeof C.Monthly>> {
  if (q.from > q.to) throw new AppError('VALIDATION', '起始月份晚于结束月份');
  return { points: monthlyBalances(await loansOf(db, user), q.from, q.to) };
}

export async function runs(db: Db, user: SessionUser): Promise<z.infer<typeof C.RunList>> {
  return { runs: (await listRuns(db, user.countyCode)).map(runView) };
}

export async function run(db: Db, user: SessionUser, id: number): Promise<z.infer<typeof C.RunView>> {
  return runView(await mustGetRun(db, user.countyCode, id));
}

/** A run's lines of the viewer's area, a page at a time. */
export async function runLinesPage(
  db: Db,
  user: SessionUser,
  id: number,
  q: z.infer<typeof C.LinesQuery>,
  unmask: Unmask,
): Promise<z.infer<typeof C.RunLines>> {
  const r = await mustGetRun(db, user.countyCode, id);
  const overdue = q.overdue === undefined ? undefined : q.overdue === true || q.overdue === '1' || q.overdue === 'true';
  const res = await runLines(db, user.countyCode, r, { scope: scopeOf(user), overdue, q: q.q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
  const shown = await unmasked(db, user, unmask, res.lines.length, { run: r.id });
  return {
    total: res.total,
    page: q.page,
    pageSize: q.pageSize,
    masked: !shown,
    lines: res.lines.map((l) => ({ ...l, idNumber: shown ? l.idNumber : maskId(l.idNumber), rate: formatDecimal(l.rate) })),
  };
}
