import { threadPath, type MemberActivityResponse } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../auth/store';
import { useLoad } from '../ui/load';
import { Time } from '../forums/ui';
import { fetchActivity } from '../library/api';
import { ResourceCard } from '../library/ResourceCard';
import { StoryCard } from '../stories/StoryCard';
import { FollowButton } from './FollowButton';

/** On a profile: the follow button and counts, the member's discussions and shared resources. */
export function MemberActivity({ memberId, name }: { memberId: string; name: string }) {
  const { t } = useTranslation();
  const self = useAuth((s) => s.user?.id === memberId);
  const [data, setData] = useState<MemberActivityResponse | null>(null);
  const state = useLoad(memberId, async (signal) => setData(await fetchActivity(memberId, signal)));
  if (state.status !== 'loaded' || !data) return null;
  return (
    <>
      <p className="meta">
        {t('hub.profile.followers', { count: data.follow.followerCount })} ·{' '}
        {t('hub.profile.following', { count: data.follow.followingCount })}
      </p>
      {!self && <FollowButton memberId={memberId} name={name} following={data.follow.following} />}
      <section aria-labelledby="member-threads">
        <h2 id="member-threads">{t('hub.profile.threads')}</h2>
        {data.threads.length === 0 ? (
          <p className="empty">{t('hub.profile.noThreads')}</p>
        ) : (
          <ul className="recent-list">
            {data.threads.map((th) => (
              <li key={th.id}>
                <Link to={threadPath(th.id)}>{th.title}</Link> · <Time iso={th.createdAt} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="member-resources">
        <h2 id="member-resources">{t('hub.profile.resources')}</h2>
        {data.resources.length === 0 ? (
          <p className="empty">{t('hub.profile.noResources')}</p>
        ) : (
          <ul className="cards">
            {data.resources.map((r) => (
              <ResourceCard key={r.id} resource={r} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="member-stories">
        <h2 id="member-stories">{t('hub.profile.stories')}</h2>
        {data.stories.length === 0 ? (
          <p className="empty">{t('hub.profile.noStories')}</p>
        ) : (
          <ul className="cards">
            {data.stories.map((s) => (
              <StoryCard key={s.id} story={s} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
