import type { StorySummary } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { Link } from 'react-router';
import { Time } from '../forums/ui';

export function StoryCard({ story }: { story: StorySummary }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3 className="card__title">
        <Link to={`/stories/${story.id}`}>{story.title}</Link>
      </h3>
      <p className="meta">
        {story.featured && <span className="badge">{t('hub.stories.featured')}</span>}{' '}
        {t('hub.stories.from', { place: story.community })}
        {story.author && <> · {t('hub.stories.by', { name: memberName(t, story.author) })}</>} ·{' '}
        <Time iso={story.createdAt} />
      </p>
      <p className="snippet">{story.excerpt}</p>
    </li>
  );
}
