import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../auth/store';
import { RecentDiscussions } from '../forums/RecentDiscussions';
import { UpcomingEvents } from '../events/UpcomingEvents';
import { HubHome } from '../library/HubHome';
import { Loading, Page } from '../ui/Page';

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

function Dashboard({ name, profileIncomplete }: { name: string; profileIncomplete: boolean }) {
  const { t } = useTranslation();
  return (
    <Page title={t('home.dashboardTitle', { name })}>
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
  if (status === 'loading') return <Loading />;
  if (!user) return <Welcome />;
  const profileIncomplete = !user.bio && !user.communityRole && user.interests.length === 0;
  return <Dashboard name={user.displayName} profileIncomplete={profileIncomplete} />;
}
