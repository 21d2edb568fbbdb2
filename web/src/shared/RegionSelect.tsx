// 乡镇 or 村 picked from the region tree (the user's own region only) instead of typed codes:
// the filter of the lists that are kept by village (problems, a roll's lines).
import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import { useRegionTree } from './layout.tsx';

type RegionNode = NonNullable<ReturnType<typeof useRegionTree>['data']>[number];

/** The list filter of a picked code: a township (9 digits) or a village (12 digits); nothing picked is everything. */
export function regionFilter(code: string | undefined): { townshipCode?: string; villageCode?: string } {
  return { townshipCode: code?.length === 9 ? code : undefined, villageCode: code?.length === 12 ? code : undefined };
}

export function RegionSelect({ onChange, testId }: { onChange: (code: string | undefined) => void; testId: string }) {
  const tree = useRegionTree();
  const data = useMemo(() => {
    interface Opt {
      value: string;
      title: string;
      children?: Opt[];
    }
    const conv = (n: RegionNode): Opt => ({
      value: n.code,
      title: n.name,
      children: n.level === 'village' ? undefined : (n.children ?? []).filter((c) => c.level !== 'group').map(conv),
    });
    // the county itself is "all"; its townships are the first level
    return (tree.data ?? [])
      .flatMap((root) => (root.level === 'county' ? (root.children ?? []) : [root]))
      .filter((n) => n.level !== 'group')
      .map(conv);
  }, [tree.data]);
  return (
    <TreeSelect
      style={{ width: 240 }}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder="乡镇或村（全部）"
      treeData={data}
      onChange={(v) => onChange(v || undefined)}
      data-testid={testId}
      popupMatchSelectWidth={false}
    />
  );
}
