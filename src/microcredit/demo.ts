// Demo loans for the demo county: borrowers drawn from the registry (through its exported
// stream), loans issued over the past three years so that the last year holds new loans,
// repayments, payoffs, renewals (续贷), extensions (展期) and a few overdue ones. Written as the
// banks' three files and loaded through the real import, then the last full quarter computed.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { AppContext } from '../shared/context.ts';
import { SYSTEM_ACTOR } from '../shared/audit.ts';
import { todayIso } from '../shared/dates.ts';
import { isValidId } from '../shared/idnumber.ts';
import { streamRosterForCheck } from '../registry/index.ts';
import { Rng } from '../synth/index.ts';
import { formatFen } from '../shared/money.ts';
import { dayOf, isoOfDay } from './values.ts';
import { SYNTH_RATES, LOAN_HEADER, REPAYMENT_HEADER } from './synth.ts';
import { importBook, computeRun } from './microcredit.service.ts';
import { lastImport } from './book.store.ts';

const BANKS: [string, string][] = [
  ['农商银行', 'NS'],
  ['邮储银行', 'YC'],
  ['农业银行', 'NH'],
];

export interface DemoSummary {
  loans: number;
  repayments: number;
  quarter: string | null;
}

/** Up to `borrowers` adults of the register, one per household. */
async function borrowersOf(db: Kysely<Tables>, countyCode: string, borrowers: number, asOf: string) {
  const out: { idNumber: string; name: string; villageCode: string }[] = [];
  const households = new Set<string>();
  for await (const chunk of streamRosterForCheck(db, countyCode)) {
    for (const p of chunk) {
      if (p.status !== '正常' || households.has(p.householdNo) || !isValidId(p.idNumber, asOf) || !/^\d{12}$/.test(p.villageCode)) continue;
      const born = p.idNumber.slice(6, 10);
      if (+asOf.slice(0, 4) - +born < 22 || +asOf.slice(0, 4) - +born > 60) continue;
      households.add(p.householdNo);
      out.push({ idNumber: p.idNumber, name: p.name, villageCode: p.villageCode });
      if (out.length >= borrowers) return out;
    }
  }
  return out;
}

/** The banks' three files for the demo borrowers (CSV text). */
export function demoFiles(people: { idNumber: string; name: string; villageCode: string }[], asOf: string, seed = 5) {
  const r = new Rng(seed);
  const today = dayOf(asOf);
  const loans: string[] = [LOAN_HEADER],
    reps: string[] = [REPAYMENT_HEADER];
  const seq = new Map<string, number>();
  let serial = 0;
  const loanNo = (prefix: string, issue: number) => {
    const key = prefix + isoOfDay(issue).replace(/-/g, '');
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    return key + String(n).padStart(4, '0');
  };
  for (const p of people) {
    const [bank, prefix] = r.pick(BANKS);
    let issue = today - r.int(30, 1000);
    let kind = '新增';
    for (let round = 0; round < 2 && issue < today; round++) {
      const years = r.pick([1, 2, 3]);
      const iso = isoOfDay(issue);
      const due = dayOf(`${+iso.slice(0, 4) + years}${iso.slice(4)}`.replace(/-02-29$/, '-02-28'));
      const no = loanNo(prefix, issue);
      const amountFen = r.pick([20000, 30000, 50000]) * 100;
      const fate = r.next();
      // 展期 for some loans near maturity; a few never repaid in full (overdue)
      const extended = fate < 0.06 && due <= today + 60 ? due + r.pick([180, 365]) : null;
      const end = extended ?? due;
      const overdue = fate > 0.95;
      loans.push(
        [
          no,
          bank,
          p.name,
          p.idNumber,
          p.villageCode,
          kind,
          iso,
          isoOfDay(due),
          extended ? isoOfDay(extended) : '',
          formatFen(amountFen),
          r.pick(['4.35', '3.85', '4.00']),
        ].join(','),
      );
      // quarterly principal instalments of 10%, the rest at maturity
      let paid = 0;
      for (let d = issue + 91; d < Math.min(end, today); d += 91) {
        const fen = amountFen / 10;
        if (paid + fen >= amountFen) break;
        reps.push(`${no},${isoOfDay(d)},${formatFen(fen)},D${String(++serial).padStart(8, '0')}`);
        paid += fen;
      }
      if (end <= today && !overdue) {
        reps.push(`${no},${isoOfDay(end - r.int(0, 20))},${formatFen(amountFen - paid)},D${String(++serial).padStart(8, '0')}`);
        // most borrowers who repay take a new loan (续贷) the day after
        if (r.chance(0.5)) {
          issue = end + 1;
          kind = '续贷';
          continue;
        }
      }
      break;
    }
  }
  return { loans: loans.join('\n') + '\n', repayments: reps.join('\n') + '\n', rates: SYNTH_RATES };
}

/** Load demo loans for the county, once: nothing happens when the county already has a book. */
export async function loadMicrocreditDemo(
  ctx: Pick<AppContext, 'database'>,
  opts: { countyCode?: string; borrowers?: number; asOf?: string } = {},
): Promise<DemoSummary> {
  const db = ctx.database.db;
  const countyCode = opts.countyCode ?? '430582',
    asOf = opts.asOf ?? todayIso();
  if (await lastImport(db, countyCode)) return { loans: 0, repayments: 0, quarter: null };
  const people = await borrowersOf(db, countyCode, opts.borrowers ?? 300, asOf);
  if (!people.length) return { loans: 0, repayments: 0, quarter: null };
  const f = demoFiles(people, asOf);
  const file = (name: string, text: string) => ({ filename: name, content: Buffer.from(text, 'utf8') });
  const actor = { ...SYSTEM_ACTOR, username: '系统（演示数据）' };
  const res = await importBook(db, actor, countyCode, {
    loans: file('演示贷款台账.csv', f.loans),
    repayments: file('演示还款记录.csv', f.repayments),
    rates: file('贴息利率.csv', f.rates),
  });
  // the last full quarter, computed and waiting for a reviewer
  const y = +asOf.slice(0, 4),
    q = Math.floor((+asOf.slice(5, 7) - 1) / 3);
  const quarter = q === 0 ? `${y - 1}Q4` : `${y}Q${q}`;
  if (!res.unchanged) await computeRun(db, actor, countyCode, quarter);
  return { loans: res.loans, repayments: res.repayments, quarter };
}
