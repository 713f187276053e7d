import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation, type Location } from 'react-router';
import { useAuth } from '../auth/store';
import { JoinCall } from '../home/JoinCall';
import { useSite } from '../home/site';
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

/** Whether visitors without an account may read the public face (null while the server has not said). */
export function usePublicFace(): boolean | null {
  const site = useSite((s) => s.site);
  useEffect(() => {
    void useSite.getState().load();
  }, []);
  return site ? site.publicFace : null;
}

/**
 * Pages of the public face (library, stories, events, open discussions): members as always; a
 * visitor reads them while the site's public face is open, with a call to join below; else the
 * visitor is sent to sign in like on any members' page. The server applies the same rule.
 */
export function PublicPage({ children }: { children: ReactNode }) {
  const status = useAuth((s) => s.status);
  const publicFace = usePublicFace();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return children;
  if (publicFace === null) return <Loading />;
  if (!publicFace) {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return (
    <>
      {children}
      <JoinCall />
    </>
  );
}

/** Sign-in and sign-up: a signed-in member goes on to where they were heading. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const status = useAuth((s) => s.status);
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return <Navigate to={returnPath(location)} replace />;
  return children;
}
