// Small hooks shared by pages: debounced values (search boxes) and polling a long job.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import { JobResponse } from '../../../src/system/system.contract.ts';

export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Polls GET /api/jobs/:id every 700 ms until the job is done or failed. */
export function useJob(id: string | null | undefined) {
  return useQuery({
    queryKey: ['job', id],
    queryFn: ({ signal }) => api.get(JobResponse, `/jobs/${id}`, undefined, signal),
    enabled: !!id,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'done' || s === 'failed' ? false : 700;
    },
  });
}

export function jobPercent(job: Pick<JobResponse, 'done' | 'total' | 'status'> | undefined): number {
  if (!job) return 0;
  if (job.status === 'done') return 100;
  if (!job.total) return 0;
  return Math.min(99, Math.floor((job.done / job.total) * 100));
}
