// Pickers used by the adjustment form: a person found by the roster search, a household's
// members, a village from the region tree.
import { useMemo, useState } from 'react';
import { Select, TreeSelect } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useDebounced } from '../../../shared/hooks.ts';
import { useRegionTree } from '../../../shared/layout.tsx';
import { registryApi, type PersonListItemView } from '../api.ts';

type RegionNode = NonNullable<ReturnType<typeof useRegionTree>['data']>[number];

const personLabel = (p: PersonListItemView) =>
  `${p.name}　${p.idNumber}　户${p.householdNo}　${p.townshipName}${p.villageName}${p.status === '正常' ? '' : '（已核减）'}`;

/** Select persons by typing a name, ID or its last digits. `value` is person ids. */
export function PersonPicker(props: {
  value?: number[] | number;
  onChange?: (v: number | number[]) => void;
  multiple?: boolean;
  initial?: PersonListItemView[];
  onlyActive?: boolean;
  'data-testid'?: string;
}) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const found = useQuery({
    queryKey: ['registry', 'persons', 'picker', q],
    queryFn: ({ signal }) => registryApi.searchPersons({ q, pageSize: 20, status: props.onlyActive ? '正常' : undefined }, signal),
    enabled: q.length >= 1,
  });
  const [known, setKnown] = useState<Map<number, PersonListItemView>>(() => new Map());
  const options = useMemo(() => {
    // persons passed in (arriving from a person page, possibly loaded later) keep their labels
    const m = new Map<number, PersonListItemView>((props.initial ?? []).map((p) => [p.id, p]));
    for (const [k, p] of known) m.set(k, p);
    for (const p of found.data?.items ?? []) m.set(p.id, p);
    return [...m.values()].map((p) => ({ value: p.id, label: personLabel(p) }));
  }, [known, found.data, props.initial]);
  return (
    <Select
      mode={props.multiple ? 'multiple' : undefined}
      showSearch={{ filterOption: false, onSearch: setText }}
      value={props.value}
      onChange={(v) => {
        const ids = Array.isArray(v) ? v : [v];
        setKnown((old) => {
          const m = new Map(old);
          for (const p of found.data?.items ?? []) if (ids.includes(p.id)) m.set(p.id, p);
          return m;
        });
        props.onChange?.(v);
      }}
      placeholder="输入姓名、身份证号或末几位查找"
      options={options}
      loading={found.isFetching}
      notFoundContent={q ? '没有找到' : '请输入查找'}
      data-testid={props['data-testid']}
      style={{ width: '100%' }}
    />
  );
}

export function useHousehold(no: string | undefined) {
  return useQuery({
    queryKey: ['registry', 'household', no],
    queryFn: ({ signal }) => registryApi.household(no!, signal),
    enabled: !!no && no.length >= 4,
    retry: false,
    meta: { silent: true },
  });
}

/** Select members of a household (loaded by its number). */
export function MemberPicker({
  householdNo,
  value,
  onChange,
  multiple,
}: {
  householdNo?: string;
  value?: number | number[];
  onChange?: (v: number | number[]) => void;
  multiple?: boolean;
}) {
  const h = useHousehold(householdNo);
  return (
    <Select
      mode={multiple ? 'multiple' : undefined}
      value={value}
      onChange={onChange}
      placeholder={h.data ? '选择家庭成员' : '先填写户编号'}
      options={(h.data?.members ?? []).map((m) => ({ value: m.id, label: `${m.name}（${m.relation}${m.status === '正常' ? '' : '，已核减'}）` }))}
      style={{ width: '100%' }}
    />
  );
}

interface Opt {
  value: string;
  title: string;
  selectable?: boolean;
  children?: Opt[];
}
function villageOptions(nodes: RegionNode[] | undefined): Opt[] {
  return (nodes ?? [])
    .filter((n) => n.level !== 'group')
    .map((n) => ({
      value: n.code,
      title: n.name || n.code,
      selectable: n.level === 'village',
      children: n.level === 'village' ? undefined : villageOptions(n.children),
    }));
}

export function VillagePicker({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const tree = useRegionTree();
  return (
    <TreeSelect
      value={value}
      onChange={onChange}
      treeData={villageOptions(tree.data)}
      showSearch
      treeNodeFilterProp="title"
      placeholder="选择村"
      style={{ width: '100%' }}
    />
  );
}
