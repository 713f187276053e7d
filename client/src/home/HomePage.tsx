import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePublicFace } from '../app/guards';
import { useAuth } from '../auth/store';
import { RecentDiscussions } from '../forums/RecentDiscussions';
import { UpcomingEvents } from '../events/UpcomingEvents';
import { HubHome } from '../library/HubHome';
import { Loading, Page } from '../ui/Page';
import { VisitorHome } from './VisitorHome';

function Welcome() {
  const { t } = useTranslation();
  return (
    <Page title={t('home.welcomeTitle', { site: t('app.name') })}>
      <p className="lead">{t('app.tagline')}</p>
      <p>{t('home.welcomeBody')}</p>
      <p className="actions">
        <Link to="/sign-up" className="button">
          {t('home.getStarted')}
        </Link>
        <Link to="/sign-in" className="button button--secondary">
          {t('home.signIn')}
        </Link>
      </p>
    </Page>
  );
}

/** A member's first day: too soon to welcome them "back". */
const NEWCOMER_MS = 24 * 3_600_000;

function Dashboard({
  name,
  createdAt,
  profileIncomplete,
}: {
  name: string;
  createdAt: string;
  profileIncomplete: boolean;
}) {
  const { t } = useTranslation();
  // Read once when the page opens: the greeting does not change while it is shown.
  const [openedAt] = useState(() => Date.now());
  const newcomer = openedAt - Date.parse(createdAt) < NEWCOMER_MS;
  return (
    <Page title={newcomer ? t('home.newcomerTitle', { name }) : t('home.dashboardTitle', { name })}>
      {profileIncomplete && (
        <p className="notice">
          {t('home.completeProfile')} <Link to="/settings/profile">{t('home.completeProfileLink')}</Link>
        </p>
      )}
      <div className="dashboard">
        <RecentDiscussions headingId="recent-discussions" />
        <HubHome />
        <UpcomingEvents headingId="upcoming-labs" type="lab" />
        <UpcomingEvents headingId="upcoming-events" />
      </div>
    </Page>
  );
}

export function HomePage() {
  const status = useAuth((s) => s.status);
  const user = useAuth((s) => s.user);
  const publicFace = usePublicFace();
  if (status === 'loading') return <Loading />;
  if (!user) {
    if (publicFace === null) return <Loading />;
    return publicFace ? <VisitorHome /> : <Welcome />;
  }
  const profileIncomplete = !user.bio && !user.communityRole && user.interests.length === 0;
  return <Dashboard name={user.displayName} createdAt={user.createdAt} profileIncomplete={profileIncomplete} />;
}
