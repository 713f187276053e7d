import { roles, type AdminMember, type Role } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError, type ClientErrorCode } from '../api';
import { useAuth } from '../auth/store';
import { useFormatDate } from '../i18n/format';
import { Page } from '../ui/Page';
import { adminMembers, resendMemberVerification, setMemberRole } from '../account/api';
import '../moderation/moderation.css';
import { AdminNav } from './AdminNav';
import { AdminTable, ErrorNotice } from './parts';
import { PendingSignUps } from './PendingSignUps';
import { SuspensionPanel } from './SuspensionPanel';

/** `/admin/members`: find members by name, address, role, trust level or sanction; change roles; suspend. */
export function AdminMembersPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const me = useAuth((s) => s.user);
  const [params, setParams] = useSearchParams();
  const [members, setMembers] = useState<AdminMember[] | null>(null);
  const [problem, setProblem] = useState<ClientErrorCode | null>(null);
  const [message, setMessage] = useState('');
  const [acting, setActing] = useState<{ member: AdminMember; mode: 'suspend' | 'lift' } | null>(null);
  // "Waiting for approval" lists sign-ups, not members; the other filters apply to members.
  const showPending = params.get('status') === 'pending';
  const memberParams = new URLSearchParams(params);
  memberParams.delete('status');
  const query = memberParams.toString();

  useEffect(() => {
    if (showPending) return;
    const controller = new AbortController();
    adminMembers(query ? `?${query}` : '', controller.signal).then(setMembers, (error: unknown) => {
      if (!controller.signal.aborted) setProblem(isApiError(error) ? error.code : 'internal');
    });
    return () => controller.abort();
  }, [query, showPending]);

  function onFilter(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const [key, value] of form) if (typeof value === 'string' && value.trim()) next.set(key, value.trim());
    setParams(next);
  }

  async function act(work: () => Promise<string>): Promise<void> {
    setProblem(null);
    try {
      setMessage(await work());
    } catch (error) {
      setProblem(isApiError(error) ? error.code : 'internal');
    }
  }

  const changeRole = (m: AdminMember, role: Role) =>
    act(async () => {
      const updated = await setMemberRole(m.id, role);
      setMembers((list) => list?.map((x) => (x.id === m.id ? updated : x)) ?? null);
      return t('adminMembers.roleChanged', { name: m.displayName, role: t(`profile.siteRoles.${role}`) });
    });
  const resend = (m: AdminMember) =>
    act(async () => {
      await resendMemberVerification(m.id);
      return t('adminMembers.resent', { name: m.displayName });
    });

  return (
    <Page title={t('adminMembers.title')}>
      <AdminNav />
      <p className="lead">{t('adminMembers.intro')}</p>
      <form className="mod-filters" onSubmit={onFilter}>
        <div className="field">
          <label htmlFor="admin-members-status">{t('adminMembers.status')}</label>
          <select id="admin-members-status" name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">{t('adminMembers.statuses.members')}</option>
            <option value="pending">{t('adminMembers.statuses.pending')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="admin-members-q">{t('adminMembers.search')}</label>
          <input id="admin-members-q" name="q" type="search" defaultValue={params.get('q') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="admin-members-role">{t('adminMembers.role')}</label>
          <select id="admin-members-role" name="role" defaultValue={params.get('role') ?? ''}>
            <option value="">{t('adminMembers.anyRole')}</option>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`profile.siteRoles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="admin-members-trust">{t('adminMembers.trustLevel')}</label>
          <select id="admin-members-trust" name="trustLevel" defaultValue={params.get('trustLevel') ?? ''}>
            <option value="">{t('adminMembers.anyTrust')}</option>
            {[0, 1, 2, 3, 4].map((level) => (
              <option key={level} value={level}>
                {t('adminMembers.level', { level })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="admin-members-sanction">{t('adminMembers.sanction')}</label>
          <select id="admin-members-sanction" name="sanctioned" defaultValue={params.get('sanctioned') ?? ''}>
            <option value="">{t('adminMembers.anySanction')}</option>
            <option value="true">{t('adminMembers.sanctioned')}</option>
            <option value="false">{t('adminMembers.notSanctioned')}</option>
          </select>
        </div>
        <button type="submit" className="button button--secondary">
          {t('adminMembers.apply')}
        </button>
      </form>
      <div role="status">{message && <p className="notice notice--success">{message}</p>}</div>
      <ErrorNotice code={problem} />
      {acting && (
        <SuspensionPanel
          key={`${acting.member.id}-${acting.mode}`}
          member={acting.member}
          mode={acting.mode}
          onCancel={() => setActing(null)}
          onDone={(updated, done) => {
            setMembers((list) => list?.map((x) => (x.id === updated.id ? updated : x)) ?? null);
            setActing(null);
            setMessage(done);
          }}
        />
      )}
      {showPending && <PendingSignUps />}
      {!showPending && (
        <AdminTable
          caption={t('adminMembers.caption')}
          empty={t('adminMembers.empty')}
          rows={members}
          failed={problem !== null}
          rowKey={(m) => m.id}
          columns={[
            {
              label: t('adminMembers.name'),
              cell: (m) => <Link to={`/members/${m.id}`}>{m.displayName}</Link>,
            },
            {
              label: t('adminMembers.email'),
              cell: (m) => (
                <>
                  {m.email}
                  <br />
                  {m.emailVerified ? (
                    t('adminMembers.confirmed')
                  ) : (
                    <>
                      {t('adminMembers.unconfirmed')}{' '}
                      <button type="button" className="link-button" onClick={() => void resend(m)}>
                        {t('adminMembers.resend', { name: m.displayName })}
                      </button>
                    </>
                  )}
                </>
              ),
            },
            {
              label: t('adminMembers.role'),
              cell: (m) => (
                <select
                  aria-label={t('adminMembers.changeRole', { name: m.displayName })}
                  value={m.role}
                  disabled={m.id === me?.id}
                  onChange={(e) => void changeRole(m, e.target.value as Role)}
                >
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {t(`profile.siteRoles.${r}`)}
                    </option>
                  ))}
                </select>
              ),
            },
            {
              label: t('adminMembers.trustLevel'),
              cell: (m) => t('adminMembers.level', { level: m.trustLevel }),
            },
            {
              label: t('adminMembers.sanction'),
              cell: (m) => (
                <>
                  {m.sanction ? t(`adminMembers.sanctions.${m.sanction}`) : t('adminMembers.none')}
                  {m.suspendedUntil && (
                    <>
                      {' '}
                      {t('adminMembers.suspension.until', {
                        date: formatDate(m.suspendedUntil, { dateStyle: 'medium', timeStyle: 'short' }),
                      })}
                    </>
                  )}
                  {m.id !== me?.id && (
                    <>
                      <br />
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setActing({ member: m, mode: m.sanction === 'suspend' ? 'lift' : 'suspend' })}
                      >
                        {m.sanction === 'suspend'
                          ? t('adminMembers.suspension.liftAction', { name: m.displayName })
                          : t('adminMembers.suspension.suspendAction', { name: m.displayName })}
                      </button>
                    </>
                  )}
                </>
              ),
            },
            {
              label: t('adminMembers.lastSeen'),
              cell: (m) =>
                m.lastSeenAt
                  ? formatDate(m.lastSeenAt, { dateStyle: 'medium', timeStyle: 'short' })
                  : t('adminMembers.never'),
            },
          ]}
        />
      )}
    </Page>
  );
}
