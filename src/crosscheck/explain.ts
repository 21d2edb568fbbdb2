// 说明: one sentence per finding that a township officer understands, naming the evidence.
import { formatFen } from '../shared/money.ts';
import type { DeathInfo, OtherRosterHit } from './engine.ts';
import type { Ineligible } from './evaluate.ts';
import { describeNameDifference, type NameDifference } from './names.ts';
import type { FindingPeriod, HukouStatus, RosterRecord } from './types.ts';

const yuan = (fen: number) => `${formatFen(fen)}元`;
const list = (ps: FindingPeriod[]) => ps.map((p) => p.period).join('、');
const over = (ps: FindingPeriod[]) => ps.reduce((s, p) => s + p.overFen, 0);
const under = (ps: FindingPeriod[]) => ps.reduce((s, p) => s + p.underFen, 0);

export function deceasedPaid(d: DeathInfo, ps: FindingPeriod[]): string {
  return `${d.evidence}记载该人于${d.date}死亡，死亡后的${list(ps)}期间仍成功发放共${yuan(over(ps))}，应全部追回。`;
}

export function notEligiblePaid(ps: FindingPeriod[], why: Ineligible[], others?: OtherRosterHit[]): string {
  // group the periods by the reason they are not eligible (usually one reason)
  const groups = new Map<string, { why: Ineligible; ps: FindingPeriod[] }>();
  ps.forEach((p, i) => {
    const key = JSON.stringify(why[i]);
    const g = groups.get(key) ?? { why: why[i], ps: [] };
    g.ps.push(p);
    groups.set(key, g);
  });
  const parts = [...groups.values()].map(({ why: w, ps: gp }) => {
    const paid = `${list(gp)}期间仍成功发放共${yuan(over(gp))}`;
    switch (w.kind) {
      case 'not-in-roster': {
        const elsewhere = others?.length ? `（该身份证号登记在${others[0].source}，户编号${others[0].householdNo}）` : '';
        return `花名册中无此身份证号${elsewhere}，${paid}`;
      }
      case 'removal':
        return `花名册中该人已于${w.date}核减（原因：${w.reason || '未注明'}），核减生效后的${paid}`;
      case 'term':
        return `扶持期限为${w.start}至${w.end}，期限外的${paid}`;
      case 'no-start':
        return `花名册中该人没有扶持开始日期，无法确认扶持资格，${paid}`;
    }
    return ''; // every kind is answered above; joined, an empty part reads as before
  });
  return parts.join('；') + '。';
}

export function duplicatePaid(ps: FindingPeriod[]): string {
  const each = ps.map((p) => `${p.period}期间成功发放${p.paidCount}笔共${yuan(p.paidFen)}（应发${yuan(p.entitledFen)}）`).join('；');
  return `${each}，重复多发共${yuan(over(ps))}。`;
}

export function amountMismatch(ps: FindingPeriod[]): string {
  const each = ps.map((p) => `${p.period}期间应发${yuan(p.entitledFen)}，实发${yuan(p.paidFen)}`).join('；');
  const o = over(ps),
    u = under(ps);
  const total = o && u ? `合计多发${yuan(o)}、少发${yuan(u)}` : o ? `合计多发${yuan(o)}` : `合计少发${yuan(u)}`;
  return `${each}，${total}。`;
}

export function unpaid(ps: FindingPeriod[], failed: number): string {
  const each = ps.map((p) => `${p.period}期间应发${yuan(p.entitledFen)}`).join('；');
  const note = failed > 0 ? `（发放明细中有${failed}笔失败记录，请查明原因后补发）` : '';
  return `在册且在扶持期内，但无成功发放记录：${each}，共少发${yuan(under(ps))}${note}。`;
}

export function invalidId(raw: string, reason: string): string {
  return `花名册身份证号“${raw.trim()}”不符合GB 11643校验：${reason}。`;
}

export function nameMismatch(rosterName: string, hukouName: string, d: NameDifference): string {
  return `花名册姓名“${rosterName}”，户籍库中该身份证号登记姓名为“${hukouName}”，${describeNameDifference(d, rosterName, hukouName)}`;
}

export function notInHukou(county: string): string {
  return `花名册状态为正常，所在县${county}在户籍数据覆盖范围内，但户籍库中查无此身份证号。`;
}

export function hukouCancelled(status: HukouStatus, date: string | null): string {
  return `户籍库显示该人户籍状态为${status}（${date ?? '未注明日期'}），花名册状态仍为正常。`;
}

export function duplicateRegistry(rows: RosterRecord[], others?: OtherRosterHit[]): string {
  const own = rows.map((r) => `户编号${r.householdNo}（村代码${r.villageCode}，${r.status}）`).join('、');
  let text =
    rows.length > 1
      ? `同一身份证号在花名册中登记${rows.length}次：${own}`
      : `本花名册登记于户编号${rows[0].householdNo}（村代码${rows[0].villageCode}，${rows[0].status}）`;
  if (others?.length) {
    text +=
      `；另在其他县花名册中登记${others.length}次：` + others.map((o) => `${o.source}户编号${o.householdNo}（村代码${o.villageCode}，${o.status}）`).join('、');
  }
  return text + '。';
}
