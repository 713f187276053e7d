import { communityRoles, type DirectoryMember } from '@commons/shared';
import { type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../ui/Avatar';
import { Link, useSearchParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { useCursorList } from '../ui/load';
import { SelectField, TextField } from '../ui/fields';
import { ListBody } from '../ui/ListBody';
import { Page } from '../ui/Page';
import { listMembers } from '../library/api';
import '../library/library.css';
import { FollowButton } from './FollowButton';

const filterNames = ['q', 'communityRole', 'community', 'organisation', 'interest'] as const;

function MemberCard({ member }: { member: DirectoryMember }) {
  const { t } = useTranslation();
  const self = useAuth((s) => s.user?.id === member.id);
  const facts = [
    member.communityRole ? t(`communityRoles.${member.communityRole}`) : null,
    member.organisation || null,
    member.community || null,
  ].filter(Boolean);
  return (
    <li className="card">
      <div className="member-head">
        <Avatar member={member} />
        <h2 className="card__title">
          <Link to={`/members/${member.id}`}>{member.displayName}</Link>{' '}
          {member.role !== 'member' && <span className="badge">{t(`profile.siteRoles.${member.role}`)}</span>}
        </h2>
      </div>
      {facts.length > 0 && <p className="meta">{facts.join(' · ')}</p>}
      {member.interests.length > 0 && (
        <ul className="tags" aria-label={t('profile.interests')}>
          {member.interests.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      {!self && <FollowButton memberId={member.id} name={member.displayName} following={member.following} />}
    </li>
  );
}

/** /members — the member directory. */
export function DirectoryPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const query = new URLSearchParams();
  for (const name of filterNames) {
    const v = params.get(name)?.trim();
    if (v) query.set(name, v);
  }
  const key = query.toString();
  const list = useCursorList(
    key,
    async (q, signal) => {
      const page = await listMembers(q, signal);
      return { items: page.members, nextCursor: page.nextCursor };
    },
    { onLoaded: () => announce(t('hub.directory.title')) },
  );

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of filterNames) {
      const v = String(data.get(name) ?? '').trim();
      if (v) next.set(name, v);
    }
    setParams(next);
  }

  return (
    <Page title={t('hub.directory.title')}>
      <p className="lead">{t('hub.directory.intro')}</p>
      <form className="form directory-filters" role="search" onSubmit={onSubmit} key={key}>
        <TextField
          id="q"
          type="search"
          label={t('hub.directory.q')}
          defaultValue={params.get('q') ?? ''}
          maxLength={100}
        />
        <SelectField
          id="communityRole"
          label={t('hub.directory.communityRole')}
          defaultValue={params.get('communityRole') ?? ''}
        >
          <option value="">{t('hub.directory.anyRole')}</option>
          {communityRoles.map((r) => (
            <option key={r} value={r}>
              {t(`communityRoles.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="community"
          label={t('hub.directory.community')}
          defaultValue={params.get('community') ?? ''}
          maxLength={120}
        />
        <TextField
          id="organisation"
          label={t('hub.directory.organisation')}
          defaultValue={params.get('organisation') ?? ''}
          maxLength={120}
        />
        <TextField
          id="interest"
          label={t('hub.directory.interest')}
          defaultValue={params.get('interest') ?? ''}
          maxLength={40}
        />
        <p className="actions">
          <button type="submit" className="button">
            {t('hub.directory.search')}
          </button>
        </p>
      </form>
      <ListBody list={list} empty={t('hub.directory.empty')} moreLabel={t('hub.directory.loadMore')}>
        {list.items.map((m) => (
          <MemberCard key={m.id} member={m} />
        ))}
      </ListBody>
    </Page>
  );
}
