// Placeholder for capabilities that are planned but not built yet (直补发放, 交叉核对, 数据清洗).
import { Result } from 'antd';
import { useLocation } from 'react-router-dom';
import { PAGES } from '../../routes.tsx';

export default function PlannedPage() {
  const loc = useLocation();
  const p = PAGES.find((x) => x.path === loc.pathname);
  return <Result status="info" title={`${p?.label ?? '此功能'}：建设中`} subTitle="该功能正在开发，完成后将在此处开放。" />;
}
