import type { Resource } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Time } from '../forums/ui';

/** One resource in a list: title, summary, labels and counts. */
export function ResourceCard({ resource, headingLevel = 3 }: { resource: Resource; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li className="card resource-card">
      <Heading className="card__title">
        <Link to={`/library/${resource.id}`}>{resource.title}</Link>
      </Heading>
      <p className="meta">
        <span className="badge">{t(`hub.types.${resource.type}`)}</span>{' '}
        {resource.status !== 'approved' && (
          <span className="badge badge--muted">{t(`hub.statuses.${resource.status}`)}</span>
        )}{' '}
        {resource.featured && <span className="badge">{t('hub.resource.featured')}</span>}{' '}
        {resource.submittedBy && t('hub.library.by', { name: resource.submittedBy.displayName })} ·{' '}
        <Time iso={resource.approvedAt ?? resource.createdAt} />
      </p>
      <p className="snippet">
        {resource.summary.length > 280 ? `${resource.summary.slice(0, 280)}…` : resource.summary}
      </p>
      <ul className="tags" aria-label={t('hub.resource.topics')}>
        {resource.topics.map((topic) => (
          <li key={topic}>{t(`hub.topics.${topic}`)}</li>
        ))}
      </ul>
      <p className="meta">
        {t('hub.library.saves', { count: resource.saveCount })} ·{' '}
        {t('hub.library.usefuls', { count: resource.usefulCount })} · {t(`hub.languages.${resource.language}`)}
      </p>
    </li>
  );
}
