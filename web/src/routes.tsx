// THE list of pages: each entry is a route and (when it has a label) a side-menu item.
// To add a page: write web/src/pages/<capability>/XxxPage.tsx, then add one entry here.
import { lazy, type ComponentType, type ReactNode } from 'react';
import {
  HomeOutlined, TeamOutlined, CloudUploadOutlined, UserOutlined, SafetyCertificateOutlined,
  DiffOutlined, PayCircleOutlined, FileSearchOutlined, ClearOutlined, ProjectOutlined,
  FundOutlined, BankOutlined, EditOutlined, ImportOutlined, ScheduleOutlined, AlertOutlined, BarChartOutlined, HeartOutlined,
} from '@ant-design/icons';

export interface AppPage {
  path: string;
  /** the page component, loaded when first visited */
  component: ComponentType;
  /** menu label; pages without one (details) are reachable by links only */
  label?: string;
  icon?: ReactNode;
  /** permission from /api/auth/me needed to see the menu item and open the page */
  permission?: string;
  /** menu group: 'register' (后扶人口), 'later' (other capabilities), 'system' (系统) */
  group?: 'main' | 'register' | 'money' | 'rural' | 'system';
  /** menu key to highlight when this (detail) page is open */
  menuKey?: string;
}

const page = (load: () => Promise<{ default: ComponentType }>) => lazy(load);

const Home = page(() => import('./pages/home/HomePage.tsx'));
const Roster = page(() => import('./pages/registry/RosterPage.tsx'));
const Person = page(() => import('./pages/registry/PersonPage.tsx'));
const Household = page(() => import('./pages/registry/HouseholdPage.tsx'));
const Adjustments = page(() => import('./pages/adjustments/AdjustmentsPage.tsx'));
const Import = page(() => import('./pages/registry/ImportPage.tsx'));
const Users = page(() => import('./pages/users/UsersPage.tsx'));
const Audit = page(() => import('./pages/audit/AuditPage.tsx'));
const Planned = page(() => import('./pages/planned/PlannedPage.tsx'));
const Subsidy = page(() => import('./pages/subsidy/SubsidyPage.tsx'));
const Payroll = page(() => import('./pages/subsidy/PayrollPage.tsx'));
const Cases = page(() => import('./pages/cases/CasesPage.tsx'));
const Quality = page(() => import('./pages/quality/QualityPage.tsx'));
const Loans = page(() => import('./pages/microcredit/LoansPage.tsx'));
const Loan = page(() => import('./pages/microcredit/LoanPage.tsx'));
const LoanImport = page(() => import('./pages/microcredit/ImportPage.tsx'));
const LoanSubsidies = page(() => import('./pages/microcredit/SubsidyPage.tsx'));
const LoanSubsidyRun = page(() => import('./pages/microcredit/SubsidyRunPage.tsx'));
const Monitoring = page(() => import('./pages/monitoring/MonitoringPage.tsx'));
const MonitoredHousehold = page(() => import('./pages/monitoring/HouseholdPage.tsx'));
const MonitoringCampaigns = page(() => import('./pages/monitoring/CampaignPage.tsx'));
const MonitoringAlerts = page(() => import('./pages/monitoring/AlertsPage.tsx'));
const MonitoringFigures = page(() => import('./pages/monitoring/FiguresPage.tsx'));
const FundsOverview = page(() => import('./pages/funds/FundsOverviewPage.tsx'));
const FundBatches = page(() => import('./pages/funds/BatchesPage.tsx'));
const FundBatch = page(() => import('./pages/funds/BatchPage.tsx'));
const FundEntries = page(() => import('./pages/funds/EntriesPage.tsx'));
const FundEntry = page(() => import('./pages/funds/EntryPage.tsx'));
const FundsImport = page(() => import('./pages/funds/FundsImportPage.tsx'));
const FundsDispatch = page(() => import('./pages/funds/DispatchPage.tsx'));
const Projects = page(() => import('./pages/funds/projects/ProjectsPage.tsx'));
const Project = page(() => import('./pages/funds/projects/ProjectPage.tsx'));

export const MENU_GROUPS: Record<NonNullable<AppPage['group']>, string> = {
  main: '',
  register: '后扶人口管理',
  money: '资金与核查',
  rural: '乡村振兴',
  system: '系统管理',
};

export const PAGES: AppPage[] = [
  { path: '/', component: Home, label: '首页', icon: <HomeOutlined />, group: 'main' },
  { path: '/roster', component: Roster, label: '花名册', icon: <TeamOutlined />, permission: 'registry.read', group: 'register' },
  { path: '/persons/:id', component: Person, permission: 'registry.read', menuKey: '/roster' },
  { path: '/households/:no', component: Household, permission: 'registry.read', menuKey: '/roster' },
  { path: '/adjustments', component: Adjustments, label: '动态调整', icon: <DiffOutlined />, permission: 'registry.read', group: 'register' },
  { path: '/import', component: Import, label: '导入花名册', icon: <CloudUploadOutlined />, permission: 'registry.import', group: 'register' },
  // a capability not built yet gets `component: Planned` (a 建设中 page) until its page lands
  { path: '/subsidy', component: Subsidy, label: '直补发放', icon: <PayCircleOutlined />, permission: 'subsidy.read', group: 'money' },
  { path: '/subsidy/payrolls/:id', component: Payroll, permission: 'subsidy.read', menuKey: '/subsidy' },
  { path: '/crosscheck', component: Cases, label: '交叉核对与追缴', icon: <FileSearchOutlined />, permission: 'subsidy.read', group: 'money' },
  { path: '/funds', component: FundsOverview, label: '资金总览', icon: <FundOutlined />, permission: 'funds.read', group: 'money' },
  { path: '/funds/batches', component: FundBatches, label: '资金批次', icon: <BankOutlined />, permission: 'funds.read', group: 'money' },
  { path: '/funds/batches/:batchNo', component: FundBatch, permission: 'funds.read', menuKey: '/funds/batches' },
  { path: '/funds/projects', component: Projects, label: '后扶项目', icon: <ProjectOutlined />, permission: 'projects.read', group: 'money' },
  { path: '/funds/projects/:projectNo', component: Project, permission: 'projects.read', menuKey: '/funds/projects' },
  { path: '/funds/entries', component: FundEntries, permission: 'funds.read', menuKey: '/funds' },
  { path: '/funds/entry', component: FundEntry, label: '录入资金', icon: <EditOutlined />, permission: 'funds.manage', group: 'money' },
  { path: '/funds/import', component: FundsImport, label: '导入资金台账', icon: <ImportOutlined />, permission: 'funds.manage', group: 'money' },
  { path: '/funds/dispatch', component: FundsDispatch, label: '资金调度', icon: <ScheduleOutlined />, permission: 'funds.read', group: 'money' },
  { path: '/quality', component: Quality, label: '数据清洗', icon: <ClearOutlined />, permission: 'quality.work', group: 'money' },
  { path: '/microcredit', component: Loans, label: '小额信贷', icon: <BankOutlined />, permission: 'microcredit.read', group: 'rural' },
  { path: '/microcredit/loans/:loanNo', component: Loan, permission: 'microcredit.read', menuKey: '/microcredit' },
  { path: '/microcredit/import', component: LoanImport, permission: 'microcredit.manage', menuKey: '/microcredit' },
  { path: '/microcredit/subsidy', component: LoanSubsidies, permission: 'microcredit.read', menuKey: '/microcredit' },
  { path: '/microcredit/subsidy/:id', component: LoanSubsidyRun, permission: 'microcredit.read', menuKey: '/microcredit' },
  { path: '/monitoring', component: Monitoring, label: '防返贫监测', icon: <HeartOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/monitoring/households/:id', component: MonitoredHousehold, permission: 'monitoring.read', menuKey: '/monitoring' },
  { path: '/monitoring/campaigns', component: MonitoringCampaigns, label: '全面排查', icon: <ScheduleOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/monitoring/alerts', component: MonitoringAlerts, label: '部门预警', icon: <AlertOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/monitoring/figures', component: MonitoringFigures, label: '监测统计', icon: <BarChartOutlined />, permission: 'monitoring.read', group: 'rural' },
  { path: '/users', component: Users, label: '用户管理', icon: <UserOutlined />, permission: 'users.manage', group: 'system' },
  { path: '/audit', component: Audit, label: '审计日志', icon: <SafetyCertificateOutlined />, permission: 'audit.read', group: 'system' },
];
