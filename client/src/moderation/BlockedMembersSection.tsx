import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormatDate } from '../i18n/format';
import { useBlocks } from './blocks';
import { MemberBlockButtons } from './MemberBlockControls';

/** Settings: everyone I blocked or muted, each with the button that undoes it. */
export function BlockedMembersSection() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { members, load } = useBlocks();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-labelledby="blocked-heading">
      <h2 id="blocked-heading">{t('moderation.block.listHeading')}</h2>
      <p className="field__hint">{t('moderation.block.listIntro')}</p>
      {members.length === 0 ? (
        <p className="empty">{t('moderation.block.listEmpty')}</p>
      ) : (
        <ul className="blocked-list">
          {members.map(({ member, kind, since }) => (
            <li key={member.id} className="blocked-list__item">
              <span>
                <Link to={`/members/${member.id}`}>{member.displayName}</Link>{' '}
                <span className="badge badge--muted">{t(`moderation.block.kind.${kind}`)}</span>{' '}
                <time className="meta" dateTime={since}>
                  {formatDate(since)}
                </time>
              </span>
              <span className="blocked-list__actions">
                <MemberBlockButtons member={member} className="button button--secondary" />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
