import type { ReactNode } from 'react';
import { RequireAuth } from '../app/guards';
import { NotFoundPage } from '../app/NotFoundPage';
import { useAuth } from '../auth/store';

/** Administration pages: signed-in administrators only; anyone else sees "page not found". */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const role = useAuth((s) => s.user?.role);
  return <RequireAuth>{role === 'admin' ? children : <NotFoundPage />}</RequireAuth>;
}
