// A generated loan book (FORMATS §9) with planted faults and their truth, for the benchmark and
// tests: valid loans with monthly repayments, plus invalid IDs, duplicate loan numbers,
// unreadable amounts, repayments of refused or unknown loans and repayments above the balance,
// each counted so the rejected list can be checked exactly.
import { Rng } from '../synth/index.ts';
import { checkDigit } from '../shared/idnumber.ts';
import { formatFen } from '../shared/money.ts';
import { isoOfDay, dayOf } from './values.ts';

export interface SynthOptions {
  loans: number;
  repaymentsPerLoan?: number;
  seed?: number;
  countyCode?: string;
  from?: string;
  to?: string;
}

export interface SynthTruth {
  loans: number;
  repayments: number;
  /** planted rejections by reason kind */
  planted: { badId: number; duplicate: number; badAmount: number; refusedLoan: number; unknownLoan: number; aboveBalance: number; badRate: number };
}

export interface SynthBook {
  rates: string;
  loanLines: Iterable<string>;
  repaymentLines: Iterable<string>;
  truth: SynthTruth;
}

const BANKS = ['农商银行', '邮储银行', '农业银行'];
const PREFIX: Record<string, string> = { 农商银行: 'NS', 邮储银行: 'YC', 农业银行: 'NH' };
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '德文华明国建志永春秋兰梅桂英芳平安福寿金银玉山海林松柏荣顺发强军勇刚';
export const LOAN_HEADER = '贷款编号,贷款银行,姓名,身份证号,村代码,贷款类型,发放日期,到期日期,展期到期日期,贷款金额,合同年利率';
export const REPAYMENT_HEADER = '贷款编号,还款日期,还款本金,交易流水号';
export const SYNTH_RATES =
  '生效日期,年利率\n2015-10-24,4.35\n2019-11-20,4.15\n2020-02-20,4.05\n2020-04-20,3.85\n2021-12-20,3.8\n2022-08-22,3.65\n2024-07-22,3.35\n';

export function personId(r: Rng, countyCode: string): string {
  const birth = isoOfDay(dayOf('1955-01-01') + r.int(0, 16000)).replace(/-/g, '');
  const first17 = countyCode + birth + r.digits(3);
  return first17 + checkDigit(first17);
}

/** The book as CSV lines (UTF-8, no BOM), generated lazily so 2 million repayments stream. */
export function synthBook(o: SynthOptions): SynthBook {
  const r = new Rng(o.seed ?? 9);
  const county = o.countyCode ?? '430582';
  const from = dayOf(o.from ?? '2018-01-01'),
    to = dayOf(o.to ?? '2023-12-31');
  const perLoan = o.repaymentsPerLoan ?? 10;
  const planted = { badId: 0, duplicate: 0, badAmount: 0, refusedLoan: 0, unknownLoan: 0, aboveBalance: 0, badRate: 0 };
  const loanLines: string[] = [];
  const reps: { loanNo: string; amountFen: number; issue: number; end: number; refused: boolean }[] = [];
  const seq = new Map<string, number>();
  for (let i = 0; i < o.loans; i++) {
    const bank = r.pick(BANKS);
    const issue = r.int(from, to);
    const iso = isoOfDay(issue);
    const key = PREFIX[bank] + iso.replace(/-/g, '');
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    const loanNo = key + String(n).padStart(4, '0');
    const years = r.pick([1, 2, 3]);
    const due = dayOf(`${+iso.slice(0, 4) + years}${iso.slice(4)}`.replace(/-02-29$/, '-02-28'));
    const extended = r.chance(0.05) ? due + r.int(90, 365) : null;
    const amountFen = r.pick([10000, 20000, 30000, 40000, 50000]) * 100;
    let id = personId(r, county);
    let amountText = formatFen(amountFen);
    let refused = false;
    if (r.chance(0.002)) {
      id = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
      planted.badId++;
      refused = true;
    } else if (r.chance(0.001)) {
      amountText = `${amountFen / 1000000}万`;
      planted.badAmount++;
      refused = true;
    }
    const name = r.pick([...SURNAMES]) + r.pick([...GIVEN]) + (r.chance(0.5) ? r.pick([...GIVEN]) : '');
    const line = [
      loanNo,
      bank,
      name,
      id,
      `${county}${String(100 + r.int(0, 9))}${String(200 + r.int(1, 20))}`,
      r.chance(0.15) ? '续贷' : '新增',
      iso,
      isoOfDay(due),
      extended ? isoOfDay(extended) : '',
      amountText,
      r.pick(['4.35', '4.9', '4.75', '3.85', '4.00']),
    ].join(',');
    loanLines.push(line);
    if (!refused && r.chance(0.001)) {
      loanLines.push(line.replace(/,\d+\.\d\d,/, ',1.00,'));
      planted.duplicate++;
    }
    reps.push({ loanNo, amountFen, issue, end: extended ?? due, refused });
  }
  const total = o.loans * perLoan;
  function* repaymentLines(): Generator<string> {
    let serial = 0;
    const rr = new Rng((o.seed ?? 9) + 1);
    for (let k = 0; k < reps.length; k++) {
      const l = reps[k];
      const count = k === reps.length - 1 ? Math.max(0, total - serial) : perLoan;
      // instalments never exceed the amount: count of them at most amount ÷ (count + 1)
      const share = Math.floor(l.amountFen / (count + 1));
      const span = Math.max(1, l.end - l.issue);
      for (let j = 0; j < count; j++) {
        serial++;
        const day = l.issue + Math.floor((span * (j + 1)) / (count + 1)) + rr.int(-3, 3);
        let fen = share;
        if (rr.chance(0.0005)) {
          fen = l.amountFen + 100;
          if (!l.refused) planted.aboveBalance++;
        }
        if (l.refused) planted.refusedLoan++;
        yield `${l.loanNo},${isoOfDay(day)},${formatFen(fen)},T${String(serial).padStart(10, '0')}`;
      }
    }
    for (let j = 0; j < Math.ceil(total / 100000); j++) {
      planted.unknownLoan++;
      yield `XX${String(j).padStart(12, '0')},2020-05-01,100.00,U${j}`;
    }
  }
  const truth: SynthTruth = { loans: o.loans - planted.badId - planted.badAmount, repayments: total, planted };
  return { rates: SYNTH_RATES, loanLines, repaymentLines: repaymentLines(), truth };
}
