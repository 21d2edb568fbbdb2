// A quarter's subsidy run (the page lives in SubsidyPage.tsx beside the list).
export { SubsidyRunPage as default } from './SubsidyPage.tsx';
