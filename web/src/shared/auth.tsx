// Who is logged in (GET /api/auth/me), what they may do, and the guard that keeps pages
// behind the login and the forced password change.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Spin } from 'antd';
import { ApiError, api, onAuthProblem, setCsrfToken } from './api.ts';
import { MeResponse, Ok } from '../../../src/auth/auth.contract.ts';

/** Who is logged in, as GET /api/auth/me answers. */
export type Me = MeResponse;

export const ME_KEY = ['auth', 'me'] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api.request(MeResponse, '/auth/me', { quietAuth: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

interface AuthValue {
  me: Me | null;
  loading: boolean;
  can: (permission: string | undefined) => boolean;
  /** after login / password change: reload who we are */
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, meta: { silent: false } });

  useEffect(() => {
    onAuthProblem((code) => {
      if (code === 'UNAUTHENTICATED') {
        setCsrfToken(null);
        qc.setQueryData(ME_KEY, null);
      } else navigate('/change-password');
    });
    return () => onAuthProblem(null);
  }, [qc, navigate]);

  const value = useMemo<AuthValue>(() => {
    const me = q.data ?? null;
    const perms = new Set(me?.permissions ?? []);
    return {
      me,
      loading: q.isPending,
      can: (p) => !p || perms.has(p),
      refresh: async () => {
        await qc.invalidateQueries({ queryKey: ME_KEY });
        await qc.refetchQueries({ queryKey: ME_KEY });
      },
      logout: async () => {
        try {
          await api.request(Ok, '/auth/logout', { method: 'POST', body: {}, quietAuth: true });
        } catch {
          /* already gone */
        }
        setCsrfToken(null);
        qc.clear();
        qc.setQueryData(ME_KEY, null);
        navigate('/login');
      },
    };
  }, [q.data, q.isPending, qc, navigate]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export function FullPageSpin() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', height: '60vh' }}>
      <Spin size="large" />
    </div>
  );
}

/** Pages behind the login: no session → login page; first login → change password. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const loc = useLocation();
  if (loading) return <FullPageSpin />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  if (me.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}
