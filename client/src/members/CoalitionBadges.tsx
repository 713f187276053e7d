import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../auth/store';
import { requestBadges, useBadges } from './badges';

/**
 * A member's coalitions as small badges beside their name (posts, profiles), as the signed-in
 * member may see them: the server applies the member's privacy choice, and a private coalition
 * shows only to its members. `max` keeps a post's line short; the rest is counted.
 */
export function CoalitionBadges({ memberId, max }: { memberId: string; max?: number }) {
  const { t } = useTranslation();
  const viewerId = useAuth((s) => s.user?.id);
  useEffect(() => {
    if (viewerId) requestBadges(viewerId, memberId);
  }, [viewerId, memberId]);
  const badges = useBadges((s) => (s.viewerId === viewerId ? s.byMember[memberId] : undefined));
  if (!viewerId || !badges?.length) return null;
  const shown = max === undefined ? badges : badges.slice(0, max);
  const more = badges.length - shown.length;
  return (
    <span className="coalition-badges">
      <span className="visually-hidden">{t('profile.coalitionsOf')}</span>
      {shown.map((b) => (
        <Link key={b.id} to={`/coalitions/${b.id}`} className="badge badge--coalition">
          {b.name}
        </Link>
      ))}
      {more > 0 && (
        <span
          className="badge badge--muted"
          title={badges
            .slice(shown.length)
            .map((b) => b.name)
            .join(', ')}
        >
          {t('profile.moreCoalitions', { count: more })}
        </span>
      )}
    </span>
  );
}
