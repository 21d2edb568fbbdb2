// TanStack Query set-up: failed requests show the server's Chinese message once; client
// errors (4xx) are not retried; 401 is handled by the auth provider, not shown.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from './api.ts';
import { notify } from './notify.ts';

const quiet = (e: unknown) => e instanceof ApiError && (e.code === 'UNAUTHENTICATED' || e.code === 'PASSWORD_CHANGE_REQUIRED');

export function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (e, q) => {
        if (!quiet(e) && !q.meta?.silent) notify.error(errorMessage(e));
      },
    }),
    mutationCache: new MutationCache({
      onError: (e, _v, _c, m) => {
        if (!quiet(e) && !m.meta?.silent) notify.error(errorMessage(e));
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (n, e) => !(e instanceof ApiError && e.status > 0 && e.status < 500) && n < 2,
      },
      mutations: { retry: false },
    },
  });
}
