import type { ReactNode } from 'react';
import { Navigate, useLocation, type Location } from 'react-router';
import { useAuth } from '../auth/store';
import { Loading } from '../ui/Page';

/** Where to go after signing in: the page that sent the visitor to sign in, else home. */
export function returnPath(location: Location): string {
  const state: unknown = location.state;
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = state.from;
    // Only paths on this site: `//host` would leave it.
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//')) return from;
  }
  return '/';
}

/** Pages for signed-in members: visitors are sent to sign in, and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useAuth((s) => s.status);
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedOut') {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return children;
}

/** Sign-in and sign-up: a signed-in member goes on to where they were heading. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const status = useAuth((s) => s.status);
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return <Navigate to={returnPath(location)} replace />;
  return children;
}
