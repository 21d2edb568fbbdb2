// 区划树: county → township → village → 组 (GET /api/registry/regions/tree, groups in number
// order); selecting a node filters the roster to that region.
import { useMemo } from 'react';
import { Tree, Skeleton, Empty, Input } from 'antd';
import type { TreeDataNode } from 'antd';
import { useState } from 'react';
import { useRegionTree } from './layout.tsx';
import type { RegionNodeView as RegionNode } from '../../../src/registry/registry.contract.ts';

function toData(nodes: RegionNode[], filter: string): TreeDataNode[] {
  const out: TreeDataNode[] = [];
  for (const n of nodes) {
    const kids = toData(n.children ?? [], filter);
    const hit = !filter || n.name.includes(filter) || (n.level !== 'group' && n.code.startsWith(filter));
    if (!hit && !kids.length) continue;
    const count = n.active;
    out.push({
      key: n.code,
      title: (
        <span title={n.level === 'group' ? undefined : `区划代码 ${n.code}`}>
          {n.name || n.code}
          <span style={{ color: '#999', marginLeft: 4 }} title="在册（正常）人数">
            ({count})
          </span>
        </span>
      ),
      children: kids.length ? kids : undefined,
      isLeaf: !kids.length,
    });
  }
  return out;
}

export function RegionTree({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const tree = useRegionTree();
  const [filter, setFilter] = useState('');
  const data = useMemo(() => toData(tree.data ?? [], filter.trim()), [tree.data, filter]);
  const defaultExpanded = useMemo(() => (tree.data ?? []).map((n) => n.code), [tree.data]);
  if (tree.isPending) return <Skeleton active />;
  if (!data.length && !filter) return <Empty description="暂无区划" />;
  return (
    <div>
      <Input.Search placeholder="查找乡镇、村" allowClear size="small" onChange={(e) => setFilter(e.target.value)} style={{ marginBottom: 8 }} />
      <Tree
        treeData={data}
        selectedKeys={value ? [value] : []}
        defaultExpandedKeys={defaultExpanded}
        defaultExpandParent
        onSelect={(keys) => onChange(keys.length ? String(keys[0]) : '')}
        style={{ maxHeight: 'calc(100vh - 260px)', overflow: 'auto' }}
        data-testid="region-tree"
      />
    </div>
  );
}
