import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  STAGES,
  checkSubmission,
  checkApproval,
  checkProgress,
  checkLibrary,
  checkPlans,
  nextStage,
  ledgerDatesOf,
  overdueStage,
  stalledSince,
  requiredDocs,
  type ProjectState,
  type StageData,
  type Stage,
  type LibraryData,
} from './project-lifecycle.ts';

const lib: LibraryData = {
  villageCode: '430582101201',
  category: '基础设施',
  keyVillage: true,
  households: 40,
  persons: 150,
  supportPersons: 120,
  supportFundFen: 800_000_00,
  countyMatchFen: 150_000_00,
  selfRaisedFen: 50_000_00,
};
const fresh = (over: Partial<ProjectState> = {}): ProjectState => ({
  passed: [],
  pending: null,
  plannedFen: 1_000_000_00,
  lastProgress: null,
  openRectifications: 0,
  ...over,
});
const dataOf = (stage: Stage): StageData => {
  switch (stage) {
    case 'library':
      return { stage, library: lib };
    case 'approval':
      return { stage, docNo: '湘移发〔2026〕12号' };
    case 'procurement':
      return { stage, mode: 'tender', contractor: '安化县路桥公司' };
    case 'accepted':
      return { stage, group: '县移民中心、县财政局', conclusion: '合格', rectifications: [] };
    case 'handover':
      return { stage, keeper: '某村村委会' };
    case 'evaluated':
      return { stage, grade: '优', score: 92 };
    default:
      return { stage } as StageData;
  }
};
const docsOf = (stage: Stage) => [...requiredDocs(stage, 'tender')];
const TODAY = '2026-11-30';

/** Walks a project through every stage the way the service would, approving each. */
function walk(until: Stage): ProjectState {
  let s = fresh();
  let day = 1;
  for (const stage of STAGES) {
    const date = `2026-03-${String(day++).padStart(2, '0')}`;
    if (stage === 'completed') s = { ...s, lastProgress: { month: '2026-03', percent: 100, reportedOn: date } };
    assert.deepEqual(checkSubmission(s, { data: dataOf(stage), date, docKinds: docsOf(stage), enteredBy: 1 }, TODAY), [], stage);
    s = { ...s, pending: { stage, date, enteredBy: 1 } };
    assert.deepEqual(checkApproval(s, 2), [], stage);
    s = { ...s, pending: null, passed: [...s.passed, { stage, date }] };
    if (stage === until) break;
  }
  return s;
}

describe('project life cycle', () => {
  it('walks from 入库 to 绩效评价, one stage after the other', () => {
    const s = walk('evaluated');
    assert.equal(s.passed.length, STAGES.length);
    assert.equal(nextStage(s), null);
    assert.match(checkSubmission(s, { data: dataOf('evaluated'), date: TODAY, docKinds: [], enteredBy: 1 }, TODAY)[0], /全部阶段/);
  });

  it('refuses approval and acceptance of a project outside the library', () => {
    const s = fresh();
    assert.deepEqual(checkSubmission(s, { data: dataOf('approval'), date: '2026-03-01', docKinds: docsOf('approval'), enteredBy: 1 }, TODAY), [
      '项目未入库，不能立项批复',
    ]);
    assert.deepEqual(checkSubmission(s, { data: dataOf('accepted'), date: '2026-03-01', docKinds: docsOf('accepted'), enteredBy: 1 }, TODAY), [
      '项目未入库，不能县级验收',
    ]);
    // a pending acceptance on a project whose library entry is missing is not approved either
    assert.match(checkApproval({ ...s, pending: { stage: 'accepted', date: '2026-03-01', enteredBy: 1 } }, 2)[0], /未入库/);
  });

  it('refuses skipping a stage', () => {
    const s = walk('approval');
    assert.match(
      checkSubmission(s, { data: dataOf('started'), date: '2026-04-01', docKinds: docsOf('started'), enteredBy: 1 }, TODAY)[0],
      /当前应录入“实施方案”/,
    );
  });

  it('names the documents a stage is missing', () => {
    const s = walk('design');
    const p = checkSubmission(s, { data: { stage: 'procurement', mode: 'self_build' }, date: '2026-04-01', docKinds: ['中标通知书'], enteredBy: 1 }, TODAY);
    assert.deepEqual(p, ['招投标/自建缺少材料：村民自建协议']);
    const t = checkSubmission(s, { data: { stage: 'procurement', mode: 'tender' }, date: '2026-04-01', docKinds: ['施工合同'], enteredBy: 1 }, TODAY);
    assert.deepEqual(t, ['招投标/自建缺少材料：中标通知书', '招投标须填写中标单位']);
  });

  it('never lets the enterer approve, and refuses a second entry while one is pending', () => {
    const s = { ...walk('library'), pending: { stage: 'approval' as Stage, date: '2026-03-02', enteredBy: 7 } };
    assert.match(checkApproval(s, 7)[0], /录入人不能审批/);
    assert.deepEqual(checkApproval(s, 8), []);
    assert.match(checkSubmission(s, { data: dataOf('approval'), date: '2026-03-02', docKinds: docsOf('approval'), enteredBy: 8 }, TODAY)[0], /待审批/);
    assert.match(checkApproval(walk('library'), 8)[0], /没有待审批/);
  });

  it('checks the library entry: sources sum to the plan, persons fit', () => {
    assert.deepEqual(checkLibrary(lib, 1_000_000_00), []);
    assert.deepEqual(checkLibrary({ ...lib, selfRaisedFen: 50_000_01 }, 1_000_000_00), ['资金来源合计1000000.01元与计划投资1000000.00元不符']);
    assert.deepEqual(checkLibrary({ ...lib, supportPersons: 151, households: 200 }, 1_000_000_00), [
      '其中后扶人数151超过受益人数150',
      '受益户数200多于受益人数150',
    ]);
    assert.ok(checkLibrary({ ...lib, villageCode: '4305821012' }, 1_000_000_00).includes('村代码应为12位数字'));
  });

  it('keeps dates in order and out of the future', () => {
    const s = walk('approval');
    const p = checkSubmission(s, { data: dataOf('design'), date: '2026-02-01', docKinds: docsOf('design'), enteredBy: 1 }, TODAY);
    assert.deepEqual(p, ['方案批复日期2026-02-01早于立项批复日期2026-03-02']);
    assert.deepEqual(checkSubmission(s, { data: dataOf('design'), date: '2026-12-01', docKinds: docsOf('design'), enteredBy: 1 }, TODAY), [
      '方案批复日期2026-12-01晚于今天',
    ]);
    assert.deepEqual(checkSubmission(s, { data: dataOf('design'), date: '2026-02-30', docKinds: docsOf('design'), enteredBy: 1 }, TODAY), [
      '方案批复日期不是有效日期',
    ]);
  });

  it('needs 100% progress before 完工, and reports only under construction, never backwards', () => {
    const s = walk('started');
    assert.match(checkSubmission(s, { data: dataOf('completed'), date: '2026-06-01', docKinds: docsOf('completed'), enteredBy: 1 }, TODAY)[0], /进度100%/);
    assert.deepEqual(checkProgress(s, { month: '2026-04', percent: 40 }, TODAY), []);
    const with40 = { ...s, lastProgress: { month: '2026-04', percent: 40, reportedOn: '2026-04-30' } };
    assert.deepEqual(checkProgress(with40, { month: '2026-05', percent: 30 }, TODAY), ['进度30%低于上次报送的40%']);
    assert.deepEqual(checkProgress(with40, { month: '2026-02', percent: 50 }, TODAY), [
      '进度月份2026-02早于开工月份2026-03',
      '进度月份2026-02早于已报送的2026-04',
    ]);
    assert.deepEqual(checkProgress(with40, { month: '2027-01', percent: 50 }, TODAY), ['进度月份2027-01晚于本月']);
    assert.match(checkProgress(walk('design'), { month: '2026-04', percent: 10 }, TODAY)[0], /尚未开工/);
    assert.match(checkProgress(walk('completed'), { month: '2026-04', percent: 100 }, TODAY)[0], /已完工/);
  });

  it('acceptance with 整改 lists items, and handover waits until they are closed', () => {
    const s = walk('completed');
    const bad = checkSubmission(
      s,
      { data: { stage: 'accepted', group: '验收组', conclusion: '限期整改', rectifications: [] }, date: '2026-03-07', docKinds: ['验收报告'], enteredBy: 1 },
      TODAY,
    );
    assert.deepEqual(bad, ['验收结论为限期整改，须列出整改事项']);
    const late = checkSubmission(
      s,
      {
        data: { stage: 'accepted', group: '验收组', conclusion: '限期整改', rectifications: [{ item: '排水沟补砌', deadline: '2026-03-01' }] },
        date: '2026-03-07',
        docKinds: ['验收报告'],
        enteredBy: 1,
      },
      TODAY,
    );
    assert.deepEqual(late, ['第1项整改期限2026-03-01早于验收日期']);
    const accepted = { ...walk('accepted'), openRectifications: 1 };
    assert.deepEqual(checkSubmission(accepted, { data: dataOf('handover'), date: '2026-03-09', docKinds: ['资产移交书'], enteredBy: 1 }, TODAY), [
      '还有1项验收整改未完成，不能移交',
    ]);
    assert.match(checkApproval({ ...accepted, pending: { stage: 'handover', date: '2026-03-09', enteredBy: 1 } }, 2)[0], /整改未完成/);
  });

  it('sets the ledger dates on 开工, 完工 and 验收 only', () => {
    assert.deepEqual(ledgerDatesOf('started', '2026-04-01'), { startedOn: '2026-04-01' });
    assert.deepEqual(ledgerDatesOf('completed', '2026-09-01'), { completedOn: '2026-09-01' });
    assert.deepEqual(ledgerDatesOf('accepted', '2026-10-01'), { acceptedOn: '2026-10-01' });
    assert.deepEqual(ledgerDatesOf('design', '2026-10-01'), {});
  });

  it('lists overdue (plan date of the stage worked towards passed) and stalled (30 days without a report)', () => {
    const s = walk('started'); // started 2026-03-05
    const plans = new Map<Stage, string>([
      ['completed', '2026-10-31'],
      ['accepted', '2026-12-31'],
    ]);
    assert.deepEqual(overdueStage(s, plans, '2026-10-31'), null);
    assert.deepEqual(overdueStage(s, plans, '2026-11-30'), { stage: 'completed', plannedOn: '2026-10-31', days: 30 });
    assert.equal(overdueStage(walk('completed'), plans, '2026-11-30'), null);
    assert.deepEqual(stalledSince(s, '2026-04-03'), null);
    assert.deepEqual(stalledSince(s, '2026-04-04'), { since: '2026-03-05', days: 30 });
    const reported = { ...s, lastProgress: { month: '2026-11', percent: 80, reportedOn: '2026-11-10' } };
    assert.equal(stalledSince(reported, TODAY), null);
    assert.deepEqual(stalledSince(reported, '2026-12-10'), { since: '2026-11-10', days: 30 });
    assert.equal(stalledSince(walk('completed'), '2027-06-01'), null);
  });

  it('checks plan dates follow the stages', () => {
    assert.deepEqual(
      checkPlans([
        { stage: 'completed', plannedOn: '2026-10-01' },
        { stage: 'started', plannedOn: '2026-05-01' },
      ]),
      [],
    );
    assert.deepEqual(
      checkPlans([
        { stage: 'accepted', plannedOn: '2026-09-01' },
        { stage: 'completed', plannedOn: '2026-10-01' },
      ]),
      ['县级验收计划2026-09-01早于完工计划2026-10-01'],
    );
  });
});
