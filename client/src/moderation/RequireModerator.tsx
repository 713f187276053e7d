import type { ReactNode } from 'react';
import { RequireAuth } from '../app/guards';
import { useAuth } from '../auth/store';
import { NotFoundPage } from '../app/NotFoundPage';

/** Moderation pages: signed-in moderators and admins; anyone else sees "page not found". */
export function RequireModerator({ children }: { children: ReactNode }) {
  const role = useAuth((s) => s.user?.role);
  return <RequireAuth>{role === 'moderator' || role === 'admin' ? children : <NotFoundPage />}</RequireAuth>;
}
