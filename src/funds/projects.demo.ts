// Demo life cycles for the demo county's projects (after the funds demo has loaded them): each
// project gets the stage history its ledger dates imply (入库 → … → 验收, some further to 移交
// and 评价), the documents each stage needs, plan dates, monthly progress with photos, the task
// decomposition, and a few projects pending approval, overdue or stalled, so every list of the
// project pages has something in it. Seeded and invented; entered by one demo account and
// approved by another, like real ones. Call once after loadFundsDemo: a county whose projects
// already have a history is left alone.
import { deflateSync } from 'node:zlib';
import { ensureRecordOnlyUser } from '../auth/index.ts';
import type { Kysely } from 'kysely';
import type { AppContext } from '../shared/context.ts';
import { appendAudit, SYSTEM_ACTOR } from '../shared/audit.ts';
import { addDays, todayIso, type IsoDate } from '../shared/dates.ts';
import { Rng } from '../synth/index.ts';
import { STAGES, DOC_KINDS, requiredDocs, type Stage, type StageData } from './project-lifecycle.ts';
import * as store from './projects.store.ts';
import { lockFundData } from './funds.store.ts';
import type { Tables } from '../shared/db/tables.ts';

const LEADERS = ['王建国（副县长）', '刘志强（副县长）', '陈晓梅（县委常委）'];
const SUPERVISORS: Record<string, string> = {
  基础设施: '县交通运输局',
  产业发展: '县农业农村局',
  美丽家园: '县住建局',
  能力提升: '县人社局',
  其他: '县移民事务中心',
};
const PROBLEMS = ['', '', '', '雨季施工受阻', '部分农户协调未到位', '材料价格上涨', '设计变更待批'];

/** A small solid-colour PNG with a darker band: a stand-in for a site photo, distinct per seed. */
export function demoPhoto(rgb: [number, number, number], w = 96, h = 64): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const f = y > h * 0.6 ? 0.6 : 1;
      raw.set([rgb[0] * f, rgb[1] * f, rgb[2] * f].map(Math.round), y * (w * 3 + 1) + 1 + x * 3);
    }
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A one-page PDF naming the document (ASCII only: the demo carries no fonts). */
export function demoPdf(title: string, kindNo = 0): Buffer {
  const text = title
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[()\\]/g, '')
    .trim();
  const stream = `BT /F1 14 Tf 40 780 Td (Anju demo document ${text} no. ${kindNo}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => String(o).padStart(10, '0') + ' 00000 n \n').join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** How far a demo project has gone, from its ledger dates and its place in the list. */
function targetOf(p: store.ProjectRow, i: number, today: IsoDate): { last: number; dates: IsoDate[] } {
  const idx = (s: Stage) => STAGES.indexOf(s);
  const anchor = p.startedOn ?? addDays(`${p.year}-01-10`, (i * 7) % 120);
  // pre-start stages spread over the months before 开工
  const dates: IsoDate[] = [
    addDays(anchor, -100),
    addDays(anchor, -70),
    addDays(anchor, -45),
    addDays(anchor, -20),
    anchor,
    p.completedOn ?? anchor,
    p.acceptedOn ?? anchor,
    addDays(p.acceptedOn ?? anchor, 15),
    addDays(p.acceptedOn ?? anchor, 40),
  ];
  let last: number;
  if (p.acceptedOn) last = i % 3 === 0 && dates[8] <= today ? idx('evaluated') : i % 3 === 1 && dates[7] <= today ? idx('handover') : idx('accepted');
  else if (p.completedOn) last = idx('completed');
  else if (p.startedOn) last = idx('started');
  else last = [-1, 0, 1, 2, 3][i % 5];
  // not-started projects: stages dated from the start of the year, never after today
  if (!p.startedOn) for (let k = 0; k < 4; k++) dates[k] = addDays(`${p.year}-01-05`, k * 25 + (i % 10));
  for (let k = 0; k < dates.length; k++) if (dates[k] > today) last = Math.min(last, k - 1);
  return { last, dates };
}

function dataFor(stage: Stage, p: store.ProjectRow, rng: Rng, i: number): StageData {
  switch (stage) {
    case 'library': {
      const persons = rng.int(60, 600);
      const county = Math.round((p.plannedFen * 0.15) / 100) * 100;
      const self = Math.round((p.plannedFen * (i % 4 === 0 ? 0.05 : 0)) / 100) * 100;
      return {
        stage,
        library: {
          villageCode: p.villageCode,
          category: p.category,
          keyVillage: i % 3 === 0,
          households: Math.round(persons / 3.4),
          persons,
          supportPersons: Math.round(persons * 0.7),
          supportFundFen: p.plannedFen - county - self,
          countyMatchFen: county,
          selfRaisedFen: self,
        },
      };
    }
    case 'approval':
      return { stage, docNo: `县移发〔${p.year}〕${10 + i}号` };
    case 'design':
      return { stage, summary: `${p.name}实施方案` };
    case 'procurement':
      return i % 4 === 0
        ? { stage, mode: 'self_build' }
        : {
            stage,
            mode: 'tender',
            contractor: ['湘中路桥建设有限公司', '安顺水利水电工程公司', '益阳宏达建筑公司'][i % 3],
            contractFen: Math.round((p.plannedFen * 0.92) / 100) * 100,
          };
    case 'accepted':
      return {
        stage,
        group: '县移民事务中心、县财政局、主管单位、乡镇人民政府',
        conclusion: i % 4 === 1 ? '限期整改' : '合格',
        rectifications: i % 4 === 1 ? [{ item: '部分路段边沟未硬化', deadline: '' }] : [],
      };
    case 'handover':
      return { stage, keeper: '村民委员会' };
    case 'evaluated':
      return { stage, grade: (['优', '良', '良', '中'] as const)[i % 4], score: 75 + (i % 20) };
    default:
      return { stage } as StageData;
  }
}

/** Gives the demo county's projects their life cycles. Returns what it added, or null when they had one already. */
export async function loadProjectsDemo(ctx: Pick<AppContext, 'database'>, opts: { countyCode: string; seed?: number; today?: IsoDate }) {
  const db: Kysely<Tables> = ctx.database.db;
  const county = opts.countyCode;
  const today = opts.today ?? todayIso();
  if (await store.hasStageHistory(db, county)) return null;
  return db.transaction().execute(async (trx) => {
    await lockFundData(trx); // 实施单位 and profiles change beside the ledger
    const projects = await store.selectProjects(trx, county, { region: county });
    if (!projects.length) return null;
    const enterer = await ensureRecordOnlyUser(trx, { username: `demo_xz_${county}`, displayName: '李乡干（演示）', role: 'township', regionCode: county });
    const approver = await ensureRecordOnlyUser(trx, { username: `demo_xj_${county}`, displayName: '周审批（演示）', role: 'county', regionCode: county });
    const rng = new Rng(`projects-${county}-${opts.seed ?? 1}`);
    const counts = { stages: 0, pending: 0, documents: 0, progress: 0, plans: 0 };
    for (const [i, p] of projects.entries()) {
      await store.upsertTask(
        trx,
        county,
        p.projectNo,
        { leader: LEADERS[i % LEADERS.length], supervisingUnit: SUPERVISORS[p.category] ?? '县移民事务中心', unit: p.unit },
        approver,
      );
      const { last, dates } = targetOf(p, i, today);
      const doc = async (kind: string, title: string, photo?: [number, number, number]) => {
        counts.documents++;
        return store.insertDocument(
          trx,
          county,
          p.projectNo,
          enterer,
          photo
            ? { kind, filename: `${title}.png`, mime: 'image/png', content: demoPhoto(photo) }
            : { kind, filename: `${title}.pdf`, mime: 'application/pdf', content: demoPdf(`${p.projectNo} ${kind}`, DOC_KINDS.indexOf(kind as never)) },
        );
      };
      // one project in seven has its next stage waiting for approval
      const pendingToo = i % 7 === 3 && last + 1 < STAGES.length && last + 1 <= 4;
      for (let k = 0; k <= last + (pendingToo ? 1 : 0); k++) {
        const stage = STAGES[k];
        const data = dataFor(stage, p, rng, i);
        if (data.stage === 'accepted') data.rectifications = data.rectifications.map((r) => ({ ...r, deadline: addDays(dates[k], 30) }));
        const id = await store.insertStage(trx, county, p.projectNo, {
          stage,
          date: k > last ? minDate(k === 0 ? dates[0] : addDays(dates[k - 1], 10), today) : dates[k],
          data,
          note: '',
          enteredBy: enterer,
        });
        const ids: number[] = [];
        for (const kind of requiredDocs(stage, data.stage === 'procurement' ? data.mode : undefined)) {
          ids.push(await doc(kind, `${p.projectNo}_${kind}`, kind === '完工照片' ? [90 + ((i * 37) % 120), 140, 90] : undefined));
        }
        await store.attachDocuments(trx, county, ids, { stageId: id });
        counts.stages++;
        if (k > last) {
          counts.pending++;
          continue;
        }
        await store.decideStage(trx, county, id, 'approved', approver, '同意');
        if (data.stage === 'library') await store.upsertLibraryProfile(trx, county, p.projectNo, data.library, approver);
        if (data.stage === 'accepted') {
          await store.insertRectifications(trx, county, p.projectNo, id, data.rectifications);
          // most 整改 items are done by now; handover needed them closed
          if (last > k || i % 8 !== 1) {
            const [r] = await store.selectRectifications(trx, county, p.projectNo);
            if (r)
              await store.closeRectification(trx, county, p.projectNo, r.id, {
                closedOn: minDate(addDays(dates[k], 20), today),
                note: '已按要求整改到位',
                by: approver,
              });
          }
        }
      }
      // monthly progress from 开工 (a stalled few stop reporting two months ago)
      const started = last >= STAGES.indexOf('started') ? dates[4] : null;
      if (started) {
        const end = last >= STAGES.indexOf('completed') ? dates[5] : today;
        const stop = i % 6 === 2 && last === STAGES.indexOf('started') ? addDays(today, -60) : end;
        const months: string[] = [];
        for (let m = started.slice(0, 7); m <= stop.slice(0, 7); m = nextMonth(m)) months.push(m);
        let pct = 0;
        for (const [j, m] of months.entries()) {
          const done = last >= STAGES.indexOf('completed') && j === months.length - 1;
          pct = done ? 100 : Math.min(95, pct + rng.int(6, 18));
          const reportedOn = minDate(monthEnd(m), stop);
          if (reportedOn < started) continue;
          const problems = done ? '' : PROBLEMS[rng.int(0, PROBLEMS.length - 1)];
          const gid = await store.insertProgress(trx, county, p.projectNo, {
            month: m,
            percent: pct,
            note: done ? '主体工程完工' : '按计划推进',
            problems,
            nextStep: done ? '申请县级验收' : problems ? '协调解决后加快施工' : '继续施工',
            reportedOn,
            enteredBy: enterer,
          });
          counts.progress++;
          if (j % 2 === 0)
            await store.attachDocuments(
              trx,
              county,
              [await doc('进度照片', `${p.projectNo}_${m}_现场`, [120, 100 + ((j * 23) % 120), 80 + ((i * 11) % 150)])],
              { progressId: gid },
            );
        }
      }
      // plan dates for what is ahead: a quarter of them already past (逾期)
      const plans: { stage: Stage; plannedOn: string }[] = [];
      let at = last >= 0 ? dates[last] : `${p.year}-01-05`;
      for (let k = last + 1; k < STAGES.length; k++) {
        at = addDays(at, k === STAGES.indexOf('completed') ? 150 : 40);
        const plannedOn = k === last + 1 && i % 4 === 0 ? addDays(today, -rng.int(5, 40)) : maxDate(at, addDays(today, 10 + (k - last) * 30));
        plans.push({
          stage: STAGES[k],
          plannedOn: plans.length && plannedOn < plans[plans.length - 1].plannedOn ? plans[plans.length - 1].plannedOn : plannedOn,
        });
      }
      await store.replacePlans(trx, county, p.projectNo, plans, approver);
      counts.plans += plans.length;
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'project.demo_load',
      entityType: 'county',
      entityId: county,
      countyCode: county,
      detail: { ...counts, projects: projects.length },
    });
    return { projects: projects.length, ...counts };
  });
}

const minDate = (a: IsoDate, b: IsoDate) => (a < b ? a : b);
const maxDate = (a: IsoDate, b: IsoDate) => (a > b ? a : b);
const nextMonth = (m: string) => {
  const y = +m.slice(0, 4),
    mo = +m.slice(5, 7);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
const monthEnd = (m: string) => addDays(`${nextMonth(m)}-01`, -1);
