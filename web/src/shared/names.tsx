// Names, not codes: a region's name (from the region tree the server already serves, with the
// code on hover), a person's name linked to their page. One place for every page.
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { Tooltip } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import { useAuth } from './auth.tsx';
import { useRegionTree } from './layout.tsx';
import { PersonPageResponse, type RegionNodeView as RegionNode } from '../../../src/registry/registry.contract.ts';

export interface RegionInfo {
  code: string;
  name: string;
  level: RegionNode['level'];
  parent: string | null;
  township: string;
}

/** code → region, for every region the user may see (empty until the tree has loaded). */
export function useRegionIndex(): Map<string, RegionInfo> {
  const { can } = useAuth();
  const tree = useRegionTree(can('registry.read'));
  return useMemo(() => {
    const out = new Map<string, RegionInfo>();
    const walk = (n: RegionNode, parent: RegionInfo | null) => {
      const township = n.level === 'township' ? n.name : (parent?.township ?? '');
      const info: RegionInfo = { code: n.code, name: n.name, level: n.level, parent: parent?.code ?? null, township };
      out.set(n.code, info);
      for (const c of n.children ?? []) walk(c, info);
    };
    for (const n of tree.data ?? []) walk(n, null);
    return out;
  }, [tree.data]);
}

/** The name of a county / township / village code; `withTownship` puts the township before a village. */
export function regionText(index: Map<string, RegionInfo>, code: string | null | undefined, withTownship = false): string {
  if (!code) return '';
  const r = index.get(code);
  if (!r) return code;
  return withTownship && r.level === 'village' && r.township ? `${r.township}${r.name}` : r.name;
}

/** A region by name; the code shows on hover (and when the name is not known). */
export function RegionName({ code, withTownship = false }: { code: string | null | undefined; withTownship?: boolean }) {
  const index = useRegionIndex();
  if (!code) return <span>—</span>;
  const text = regionText(index, code, withTownship);
  return (
    <Tooltip title={`区划代码 ${code}`}>
      <span data-region={code}>{text}</span>
    </Tooltip>
  );
}

/** A person by name with a link to the person page (fetched by id when only the id is known). */
export function PersonLink({ id, name }: { id: number; name?: string }) {
  const { can } = useAuth();
  const q = useQuery({
    queryKey: ['registry', 'person', id],
    queryFn: ({ signal }) => api.get(PersonPageResponse, `/registry/persons/${id}`, undefined, signal),
    enabled: !name && can('registry.read'),
    staleTime: 60_000,
    meta: { silent: true },
  });
  const text = name ?? q.data?.person.name ?? `人员 ${id}`;
  return can('registry.read') ? <Link to={`/persons/${id}`}>{text}</Link> : <span>{text}</span>;
}
