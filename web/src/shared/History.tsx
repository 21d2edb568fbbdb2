// A person's or household's history as a timeline: who, when, what, why (from the server's
// history items: applied changes from the audit log, and adjustments not yet applied).
import { Timeline, Typography, Empty, Tag } from 'antd';
import { Link } from 'react-router-dom';
import type { HistoryItemView as HistoryEntry } from '../../../src/registry/registry.contract.ts';
import { formatDateTime } from './format.ts';

export function HistoryTimeline({ entries }: { entries: HistoryEntry[] | undefined }) {
  if (!entries?.length) return <Empty description="暂无变更记录" />;
  return (
    <div data-testid="history">
      <Timeline
        items={entries.map((h, i) => ({
          key: i,
          color: h.source === 'adjustment' ? (h.action.includes('退回') ? 'orange' : 'gray') : 'blue',
          content: (
            <div data-testid="history-item">
              <Typography.Text strong>{h.action}</Typography.Text>
              {h.source === 'adjustment' && <Tag style={{ marginLeft: 8 }}>未生效</Tag>}
              <div>
                <Typography.Text type="secondary">
                  {formatDateTime(h.at)} · {h.who || '系统'}
                </Typography.Text>
              </div>
              {h.what && <div style={{ wordBreak: 'break-all' }}>{h.what}</div>}
              {h.why && <div>原因：{h.why}</div>}
              {h.adjustmentId && (
                <div>
                  <Link to={`/adjustments?open=${h.adjustmentId}`}>调整单 #{h.adjustmentId}</Link>
                </div>
              )}
            </div>
          ),
        }))}
      />
    </div>
  );
}
