import type { Member } from '@commons/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../ui/Avatar';
import { CoalitionBadges } from './CoalitionBadges';
import { Link, useParams } from 'react-router';
import { ApiError, type ClientErrorCode } from '../api';
import { useAuth } from '../auth/store';
import { MemberActivity } from '../directory/MemberActivity';
import { MemberHandle } from '../forums/MemberHandle';
import { useFormatDate } from '../i18n/format';
import { Page } from '../ui/Page';
import { MemberBlockButtons } from '../moderation/MemberBlockControls';
import { fetchMember } from './api';

type Loaded =
  { status: 'loading' } | { status: 'loaded'; member: Member } | { status: 'failed'; code: ClientErrorCode };

const loading: Loaded = { status: 'loading' };

function useMember(id: string): Loaded {
  const [result, setResult] = useState<{ id: string; state: Loaded } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchMember(id, controller.signal).then(
      (member) => setResult({ id, state: { status: 'loaded', member } }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ id, state: { status: 'failed', code: error instanceof ApiError ? error.code : 'internal' } });
      },
    );
    return () => controller.abort();
  }, [id]);
  // A result for another id (navigating from one profile to the next) counts as still loading.
  return result?.id === id ? result.state : loading;
}

function MemberDetails({ member }: { member: Member }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const isSelf = useAuth((s) => s.user?.id === member.id);
  return (
    <>
      <p className="meta member-head">
        <Avatar member={member} size="lg" />
        {member.role !== 'member' && <span className="badge">{t(`profile.siteRoles.${member.role}`)}</span>}{' '}
        {t('profile.memberSince', { date: formatDate(member.createdAt) })}
      </p>
      <p className="member-head">
        <CoalitionBadges memberId={member.id} />
      </p>
      <MemberHandle memberId={member.id} />
      {isSelf ? (
        <p>
          <Link to="/settings/profile">{t('profile.edit')}</Link>
        </p>
      ) : (
        <p className="profile-actions">
          <MemberBlockButtons
            member={{ id: member.id, displayName: member.displayName }}
            className="button button--secondary"
          />
        </p>
      )}
      {member.bio && (
        <section aria-labelledby="about-heading">
          <h2 id="about-heading">{t('profile.about')}</h2>
          <p className="prose">{member.bio}</p>
        </section>
      )}
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">{t('profile.details')}</h2>
        <dl className="details">
          {member.communityRole && (
            <>
              <dt>{t('profile.communityRole')}</dt>
              <dd>{t(`communityRoles.${member.communityRole}`)}</dd>
            </>
          )}
          {member.organisation && (
            <>
              <dt>{t('profile.organisation')}</dt>
              <dd>{member.organisation}</dd>
            </>
          )}
          {member.community && (
            <>
              <dt>{t('profile.community')}</dt>
              <dd>{member.community}</dd>
            </>
          )}
          {member.interests.length > 0 && (
            <>
              <dt>{t('profile.interests')}</dt>
              <dd>
                <ul className="tags">
                  {member.interests.map((interest) => (
                    <li key={interest}>{interest}</li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      </section>
    </>
  );
}

/** /members/:id — any member's public profile. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const state = useMember(id);

  if (state.status === 'loading') return <Page title={t('profile.loadingTitle')} />;
  if (state.status === 'failed') {
    const notFound = state.code === 'not_found' || state.code === 'bad_request' || state.code === 'validation_failed';
    return (
      <Page title={notFound ? t('profile.notFoundTitle') : t('profile.loadFailedTitle')}>
        <p>{notFound ? t('profile.notFoundBody') : t(`errors.${state.code}`)}</p>
      </Page>
    );
  }
  return (
    <Page title={state.member.displayName}>
      <MemberDetails member={state.member} />
      <MemberActivity memberId={state.member.id} name={state.member.displayName} />
    </Page>
  );
}
