import type { Resource, StorySummary, ThreadSummary } from '@commons/shared';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { UpcomingEvents } from '../events/UpcomingEvents';
import { fetchThreads } from '../forums/api';
import { useLoad } from '../ui/load';
import { Time } from '../forums/ui';
import { listResources, type ResourceFilters } from '../library/api';
import { ResourceCard } from '../library/ResourceCard';
import { StoryCard } from '../stories/StoryCard';
import { listStories } from '../stories/api';
import { Page } from '../ui/Page';
import { JoinCall } from './JoinCall';

/** The library's newest, as its page shows them unfiltered. */
const newest = (): ResourceFilters => ({
  q: '',
  scope: 'library',
  sort: 'newest',
  topic: [],
  audience: [],
  language: [],
  type: [],
});

/** A panel of the visitor's home: a heading, its list (or a quiet empty line) and a link to the whole. */
function Section({
  id,
  title,
  more,
  children,
  empty,
}: {
  id: string;
  title: string;
  more?: { to: string; label: string };
  children: ReactNode;
  empty: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section className="panel visitor-home__section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="empty">{t('publicFace.nothingYet')}</p> : children}
      {more && (
        <p>
          <Link to={more.to}>{more.label}</Link>
        </p>
      )}
    </section>
  );
}

/**
 * The home of a visitor without an account while the public face is open: what the community
 * offers everyone (the library, stories, events, open discussions), each read through the same
 * API and rules as members', and a clear call to join.
 */
export function VisitorHome() {
  const { t } = useTranslation();
  const [resources, setResources] = useState<Resource[]>([]);
  const [stories, setStories] = useState<StorySummary[]>([]);
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  useLoad('visitor-resources', async (signal) => {
    setResources((await listResources(newest(), undefined, signal)).resources.slice(0, 3));
  });
  useLoad('visitor-stories', async (signal) => setStories((await listStories('limit=3', signal)).stories));
  useLoad('visitor-threads', async (signal) => setThreads((await fetchThreads({ limit: 5 }, signal)).threads));
  return (
    <Page title={t('publicFace.visitorTitle')}>
      <div className="visitor-home__hero">
        <p className="lead">{t('publicFace.visitorLead')}</p>
        <p className="actions">
          <Link to="/sign-up" className="button">
            {t('publicFace.join')}
          </Link>
          <Link to="/sign-in" className="button button--secondary">
            {t('publicFace.signIn')}
          </Link>
        </p>
      </div>
      <div className="dashboard visitor-home">
        <Section
          id="visitor-library"
          title={t('publicFace.latestResources')}
          more={{ to: '/library', label: t('publicFace.seeLibrary') }}
          empty={resources.length === 0}
        >
          <ul className="cards">
            {resources.map((r) => (
              <ResourceCard key={r.id} resource={r} />
            ))}
          </ul>
        </Section>
        <Section
          id="visitor-stories"
          title={t('publicFace.latestStories')}
          more={{ to: '/stories', label: t('publicFace.seeStories') }}
          empty={stories.length === 0}
        >
          <ul className="cards">
            {stories.map((s) => (
              <StoryCard key={s.id} story={s} />
            ))}
          </ul>
        </Section>
        <UpcomingEvents headingId="visitor-events" />
        <Section
          id="visitor-threads"
          title={t('publicFace.openDiscussions')}
          more={{ to: '/forums', label: t('publicFace.seeDiscussions') }}
          empty={threads.length === 0}
        >
          <ul className="recent-list">
            {threads.map((thread) => (
              <li key={thread.id}>
                <Link to={`/forums/t/${thread.id}`}>{thread.title}</Link>{' '}
                <span className="meta">
                  {t('publicFace.replies', { count: Math.max(thread.postCount - 1, 0) })} ·{' '}
                  <Time iso={thread.lastActivityAt} />
                </span>
              </li>
            ))}
          </ul>
        </Section>
      </div>
      <JoinCall />
    </Page>
  );
}
