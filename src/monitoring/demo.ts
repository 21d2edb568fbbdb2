// Demo data of 防返贫监测 for a county whose demo register is loaded: monitoring lines, a few
// hundred monitored households (some of them post-support households, linked by ID), risks
// with measures, removals at every step, a survey campaign with visits and problems, and
// department alerts matched through the real import. Everything is invented; the same seed
// gives the same data. Approvals are attributed to three inactive demo users (they cannot
// log in) so the separation of duties holds in the data too.
import type { AppContext } from '../shared/context.ts';
import { appendAudit, SYSTEM_ACTOR } from '../shared/audit.ts';
import { addDays, todayIso } from '../shared/dates.ts';
import { Rng } from '../synth/index.ts';
import { streamRegisterForQuality } from '../registry/index.ts';
import { ensureRecordOnlyUser, type SessionUser } from '../auth/index.ts';
import * as hs from './household.store.ts';
import * as ss from './survey.store.ts';
import { importAlerts } from './alert.service.ts';
import { householdStatusOf } from './risk.ts';
import { synthId, synthName } from './synth.ts';
import {
  ALERT_TYPES,
  REQUIRED_CONDITIONS,
  VISIT_ITEMS,
  type AlertSource,
  type Category,
  type IdentifiedHow,
  type MeasureType,
  type RiskType,
  type VisitItem,
} from './codes.ts';

export interface MonitoringDemoSummary {
  households: number;
  linked: number;
  removed: number;
  pending: number;
  campaignTargets: number;
  visits: number;
  alerts: number;
}

const weighted = <T>(r: Rng, items: [T, number][]): T => {
  let x = r.next() * items.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of items) {
    if ((x -= w) < 0) return v;
  }
  return items[0][0];
};
const CATEGORY_W: [Category, number][] = [
  ['unstable', 35],
  ['edge', 45],
  ['sudden', 15],
  ['stable_out', 5],
];
const HOW_W: [IdentifiedHow, number][] = [
  ['declared', 30],
  ['screening', 55],
  ['alert', 15],
];
const RISK_W: [RiskType, number][] = [
  ['illness', 35],
  ['disability', 15],
  ['schooling', 10],
  ['employment', 15],
  ['accident', 5],
  ['disaster', 5],
  ['industry', 5],
  ['housing', 5],
  ['water', 2],
  ['other', 3],
];
const MEASURE_FOR: Record<RiskType, MeasureType> = {
  illness: 'health',
  disability: 'safety_net',
  schooling: 'education',
  employment: 'employment',
  accident: 'safety_net',
  disaster: 'safety_net',
  industry: 'industry',
  housing: 'other',
  water: 'other',
  other: 'other',
};
const MEASURE_TEXT: Record<MeasureType, string> = {
  health: '医疗救助及慢病签约服务',
  safety_net: '纳入低保兜底',
  education: '雨露计划教育补助',
  employment: '公益性岗位安置',
  industry: '产业奖补（养殖）',
  microcredit: '小额信贷支持发展产业',
  other: '临时救助及危房改造',
};

/** Load the demo monitoring data of a county (after its demo register). Hook: src/system/first-start.ts, after loadDemoCounty. */
export async function loadMonitoringDemo(
  ctx: Pick<AppContext, 'database'>,
  opts: { countyCode?: string; households?: number; seed?: number; today?: string } = {},
): Promise<MonitoringDemoSummary> {
  const db = ctx.database.db;
  const county = opts.countyCode ?? '430582';
  const today = opts.today ?? todayIso();
  const year = Number(today.slice(0, 4));
  const r = new Rng(`monitoring-demo-${opts.seed ?? 1}`);
  const want = opts.households ?? 300;

  // the register's active households (members with relations), read through the registry
  const regHouseholds = new Map<string, { villageCode: string; members: { name: string; idNumber: string; relation: string; phone: string }[] }>();
  for await (const chunk of streamRegisterForQuality(db, county)) {
    for (const p of chunk) {
      if (p.status !== '正常' || !/^\d{17}[\dX]$/.test(p.idNumber)) continue;
      const h = regHouseholds.get(p.householdNo) ?? { villageCode: p.villageCode, members: [] };
      h.members.push({ name: p.name, idNumber: p.idNumber, relation: p.relation, phone: p.phone });
      regHouseholds.set(p.householdNo, h);
    }
  }
  const villages = [...new Set([...regHouseholds.values()].map((h) => h.villageCode))].sort();
  if (!villages.length) throw new Error('演示监测数据需要先载入演示花名册');
  const regList = [...regHouseholds.values()].filter((h) => h.members.some((m) => m.relation === '户主'));

  const enterer = await ensureRecordOnlyUser(db, {
    username: 'demo_monitor_enter',
    displayName: '演示·乡镇信息员',
    role: 'township',
    regionCode: villages[0].slice(0, 9),
  });
  const reviewer = await ensureRecordOnlyUser(db, {
    username: 'demo_monitor_review',
    displayName: '演示·乡镇审核人',
    role: 'township',
    regionCode: villages[0].slice(0, 9),
  });
  const approver = await ensureRecordOnlyUser(db, { username: 'demo_monitor_county', displayName: '演示·县乡村振兴局', role: 'rural', regionCode: county });
  const summary: MonitoringDemoSummary = { households: 0, linked: 0, removed: 0, pending: 0, campaignTargets: 0, visits: 0, alerts: 0 };

  await db.transaction().execute(async (trx) => {
    for (let y = year - 4; y <= year; y++) await hs.saveMonitoringLine(trx, county, y, 600_000 + (y - (year - 4)) * 30_000, approver);
    const lineLastYear = 600_000 + 3 * 30_000;
    let synthK = 800_000;
    for (let i = 0; i < want; i++) {
      const linked = i % 5 < 2 && regList.length > 0;
      let villageCode: string;
      let members: hs.NewMember[];
      if (linked) {
        const reg = regList.splice(r.int(0, regList.length - 1), 1)[0];
        villageCode = reg.villageCode;
        members = reg.members.map((m) => ({
          name: m.name,
          idNumber: m.idNumber,
          idNumberRaw: m.idNumber,
          idValid: true,
          relation: m.relation,
          phone: m.phone,
          healthNote: '',
        }));
        summary.linked++;
      } else {
        villageCode = r.pick(villages);
        const size = r.int(1, 5);
        members = Array.from({ length: size }, (_, j) => {
          const k = synthK++;
          return {
            name: synthName(k + i),
            idNumber: synthId(county, k),
            idNumberRaw: synthId(county, k),
            idValid: true,
            relation: ['户主', '配偶', '子', '女', '母亲'][j],
            phone: j === 0 ? '1' + r.pick(['3', '5', '8']) + r.digits(9) : '',
            healthNote: '',
          };
        });
      }
      const riskTypes = [...new Set([weighted(r, RISK_W), ...(r.chance(0.3) ? [weighted(r, RISK_W)] : [])])];
      if (riskTypes.includes('illness')) members[0].healthNote = r.pick(['慢性肾病，长期透析', '恶性肿瘤术后', '脑梗后遗症', '重度高血压']);
      const identifiedOn = addDays(
        `${year - 2}-01-01`,
        r.int(0, Math.max(30, Math.floor((Date.parse(today) - Date.parse(`${year - 2}-01-01`)) / 86400000) - 40)),
      );
      const incomeFen = r.int(420_000, 1_500_000);
      const id = await hs.insertHousehold(
        trx,
        county,
        {
          villageCode,
          headName: (members.find((m) => m.relation === '户主') ?? members[0]).name,
          category: weighted(r, CATEGORY_W),
          identifiedOn,
          identifiedHow: weighted(r, HOW_W),
          responsibleName: synthName(9_000 + (i % 40)) + '（驻村干部）',
          responsiblePhone: '13' + r.digits(9),
          address: '',
          incomeYear: year - 1,
          incomeFen,
        },
        enterer,
      );
      await hs.insertMembers(trx, county, id, members);
      const fate =
        incomeFen >= lineLastYear
          ? weighted(r, [
              ['removed', 60],
              ['pending_township', 8],
              ['pending_county', 8],
              ['active', 24],
            ] as const)
          : 'active';
      const states: { state: 'active' | 'pending_township' | 'pending_county' | 'removed'; removalDate: string | null }[] = [];
      for (const t of riskTypes) {
        const riskId = await hs.insertRisk(trx, county, id, { riskType: t, identifiedOn, note: '' }, enterer);
        const mt = MEASURE_FOR[t];
        await hs.insertMeasure(
          trx,
          county,
          id,
          {
            riskId,
            measureType: mt,
            description: MEASURE_TEXT[mt],
            startOn: addDays(identifiedOn, r.int(3, 30)),
            endOn: null,
            amountFen: r.int(5, 300) * 10_000,
          },
          enterer,
        );
        if (r.chance(0.2))
          await hs.insertMeasure(
            trx,
            county,
            id,
            {
              riskId,
              measureType: 'microcredit',
              description: MEASURE_TEXT.microcredit,
              startOn: addDays(identifiedOn, r.int(10, 60)),
              endOn: null,
              amountFen: 5_000_000,
            },
            enterer,
          );
        if (fate === 'active') {
          states.push({ state: 'active', removalDate: null });
          continue;
        }
        const removalDate = addDays(identifiedOn, r.int(60, Math.max(61, Math.floor((Date.parse(today) - Date.parse(identifiedOn)) / 86400000) - 1)));
        const date = removalDate > today ? today : removalDate;
        await hs.saveRemovalRequest(
          trx,
          county,
          riskId,
          {
            removalDate: date,
            conditions: [...REQUIRED_CONDITIONS, 'measures_in_place'],
            note: '入户核实：收入稳定高于监测标准，两不愁三保障及饮水安全有保障',
            incomeFen,
            lineFen: lineLastYear,
          },
          enterer,
        );
        if (fate !== 'pending_township') await hs.saveTownshipApproval(trx, county, riskId, reviewer);
        if (fate === 'removed') await hs.saveCountyApproval(trx, county, riskId, approver);
        states.push({ state: fate, removalDate: date });
      }
      const st = householdStatusOf(states);
      if (st.status === 'removed') {
        await hs.setHouseholdStatus(trx, county, id, 'removed', st.removedOn);
        summary.removed++;
      }
      if (fate === 'pending_township' || fate === 'pending_county') summary.pending++;
      summary.households++;
    }

    // a campaign over the villages with the most monitored households
    const campaignVillages = villages.slice(0, Math.min(6, villages.length));
    const cid = await ss.insertCampaign(trx, county, { name: `${year}年防返贫动态监测集中排查`, startOn: `${year}-03-01`, endOn: `${year}-12-31` }, approver);
    const monitored = await ss.monitoredInVillages(trx, county, campaignVillages);
    const monitoredIds = new Set(
      (
        await hs.membersOf(
          trx,
          county,
          monitored.map((m) => m.id),
        )
      ).map((m) => m.idNumber),
    );
    const support = [...regHouseholds]
      .filter(([, h]) => campaignVillages.includes(h.villageCode) && !h.members.some((m) => monitoredIds.has(m.idNumber)))
      .map(([no, h]) => ({
        villageCode: h.villageCode,
        kind: 'support' as const,
        monitoredHouseholdId: null,
        supportHouseholdNo: no,
        headName: (h.members.find((m) => m.relation === '户主') ?? h.members[0]).name,
      }));
    await ss.insertTargets(trx, county, cid, [
      ...monitored.map((m) => ({
        villageCode: m.villageCode,
        kind: 'monitored' as const,
        monitoredHouseholdId: m.id,
        supportHouseholdNo: null,
        headName: m.headName,
      })),
      ...support,
    ]);
    summary.campaignTargets = monitored.length + support.length;
    for (const v of campaignVillages) {
      const done = r.next() * 0.6 + 0.3;
      for (const t of await ss.listTargets(trx, county, cid, v)) {
        if (!r.chance(done)) continue;
        const visitedOn = addDays(
          `${year}-03-01`,
          r.int(0, Math.max(0, Math.min(200, Math.floor((Date.parse(today) - Date.parse(`${year}-03-01`)) / 86400000)))),
        );
        if (visitedOn > today) continue;
        const bad = r.chance(0.1) ? r.pick(Object.keys(VISIT_ITEMS) as VisitItem[]) : null;
        const notes = bad ? { [bad]: r.pick(['需进一步核实', '存在隐患，已登记', '临时困难']) } : {};
        const visitId = await ss.insertVisit(
          trx,
          county,
          {
            campaignId: cid,
            targetId: t.id,
            visitedOn,
            visitor: synthName(9_000 + r.int(0, 39)),
            food: bad !== 'food',
            clothing: bad !== 'clothing',
            schooling: bad !== 'schooling',
            medical: bad !== 'medical',
            housing: bad !== 'housing',
            water: bad !== 'water',
            notes,
          },
          enterer,
        );
        summary.visits++;
        if (bad) {
          const pid = await ss.insertProblem(trx, county, {
            campaignId: cid,
            targetId: t.id,
            visitId,
            item: bad,
            description: `${VISIT_ITEMS[bad]}未达标：${notes[bad]}`,
            owner: '村级帮扶工作队',
            dueOn: addDays(visitedOn, 30),
          });
          if (r.chance(0.5))
            await ss.clearProblem(
              trx,
              county,
              pid,
              addDays(visitedOn, r.int(3, 25)) > today ? today : addDays(visitedOn, r.int(3, 25)),
              '已落实整改并入户复核',
              enterer,
            );
        }
      }
    }
    await appendAudit(trx, SYSTEM_ACTOR, { action: 'monitoring.demo_load', entityType: 'county', entityId: county, countyCode: county, detail: summary });
  });

  // alerts through the real import: people of monitored households, of the register, and unknown
  const allMembers = await hs.memberIdsAndNames(db, county);
  const regPeople = [...regHouseholds.values()].flatMap((h) => h.members);
  const importer: SessionUser = {
    id: approver,
    username: 'demo_monitor_county',
    displayName: '演示·县乡村振兴局',
    role: 'rural',
    regionCode: county,
    countyCode: county,
    mustChangePassword: false,
  };
  const bySource = new Map<AlertSource, string[]>();
  let unknownK = 880_000;
  for (let i = 0; i < 80; i++) {
    const type = r.pick(Object.keys(ALERT_TYPES) as (keyof typeof ALERT_TYPES)[]);
    const pick = r.next();
    const p =
      pick < 0.4
        ? r.pick(allMembers)
        : pick < 0.85
          ? (() => {
              const x = r.pick(regPeople);
              return { id_number: x.idNumber, name: x.name };
            })()
          : { id_number: synthId(county, unknownK), name: synthName(unknownK++) };
    const amount = type === 'high_medical' ? `${r.int(20_000, 120_000)}.00` : '';
    const d = addDays(today, -r.int(5, 120));
    const src = ALERT_TYPES[type].source as AlertSource;
    bySource.set(src, [...(bySource.get(src) ?? []), `${p.id_number},${p.name},${ALERT_TYPES[type].label},${amount},${d},`]);
  }
  for (const [source, lines] of bySource) {
    const csv = '\ufeff身份证号,姓名,预警类型,金额,日期,说明\n' + [...new Set(lines)].join('\n') + '\n';
    summary.alerts += (await importAlerts(db, importer, { filename: `演示_${source}_预警.csv`, content: Buffer.from(csv), source }, today)).accepted;
  }
  return summary;
}
