import type { CoalitionDetailResponse } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { isNotFound, useLoad } from '../forums/load';
import { Page } from '../ui/Page';
import { decideRequest, fetchCoalition, joinCoalition, leaveCoalition } from './api';

/** /coalitions/:id — a coalition, its members; join, leave; its admins answer requests. */
export function CoalitionPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [data, setData] = useState<CoalitionDetailResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const state = useLoad(id, async (signal) => setData(await fetchCoalition(id, signal)));

  if (state.status === 'loading' || (state.status === 'loaded' && data?.coalition.id !== id))
    return <Page title={t('hub.coalitions.loadingTitle')} />;
  if (state.status === 'failed')
    return (
      <Page title={isNotFound(state.code) ? t('hub.coalitions.notFoundTitle') : t(`errors.${state.code}`)}>
        <p>{t('hub.coalitions.notFoundBody')}</p>
      </Page>
    );
  const { coalition, members, requests } = data!;
  const mine = coalition.myMembership;

  async function act(action: () => Promise<CoalitionDetailResponse>, message: string): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setData(await action());
      announce(message);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'internal';
      setError(t(`errors.${code}`, { defaultValue: t('errors.internal') }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={coalition.name}>
      <p className="meta">
        <span className="badge">{t(`hub.coalitions.policy.${coalition.joinPolicy}`)}</span>{' '}
        {t('hub.coalitions.members', { count: coalition.memberCount })}
        {coalition.community && <> · {coalition.community}</>}
      </p>
      {coalition.description && <p className="prose">{coalition.description}</p>}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {mine?.status === 'pending' && <p className="notice">{t('hub.coalitions.pending')}</p>}
      {mine?.status === 'active' && mine.role === 'admin' && (
        <p className="notice">{t('hub.coalitions.youAreAdmin')}</p>
      )}
      <p className="actions">
        {!mine && (
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            onClick={() =>
              void act(
                () => joinCoalition(coalition.id),
                t(coalition.joinPolicy === 'open' ? 'hub.coalitions.joined' : 'hub.coalitions.asked'),
              )
            }
          >
            {coalition.joinPolicy === 'open' ? t('hub.coalitions.join') : t('hub.coalitions.ask')}
          </button>
        )}
        {mine && (
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={busy}
            onClick={() => void act(() => leaveCoalition(coalition.id), t('hub.coalitions.left'))}
          >
            {mine.status === 'pending' ? t('hub.coalitions.withdraw') : t('hub.coalitions.leave')}
          </button>
        )}
      </p>
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">{t('hub.coalitions.membersHeading')}</h2>
        <ul className="recent-list">
          {members.map((m) => (
            <li key={m.member.id}>
              <Link to={`/members/${m.member.id}`}>{m.member.displayName}</Link>{' '}
              {m.role === 'admin' && <span className="badge">{t('hub.coalitions.adminBadge')}</span>}
            </li>
          ))}
        </ul>
      </section>
      {(requests.length > 0 || (mine?.status === 'active' && mine.role === 'admin')) && (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">{t('hub.coalitions.requestsHeading')}</h2>
          {requests.length === 0 ? (
            <p className="empty">{t('hub.coalitions.noRequests')}</p>
          ) : (
            <ul className="cards">
              {requests.map((r) => (
                <li key={r.member.id} className="card">
                  <p>
                    <Link to={`/members/${r.member.id}`}>{r.member.displayName}</Link>
                  </p>
                  <p className="actions">
                    <button
                      type="button"
                      className="button"
                      aria-disabled={busy}
                      onClick={() =>
                        void act(
                          () => decideRequest(coalition.id, r.member.id, 'approve'),
                          t('hub.coalitions.approved', { name: r.member.displayName }),
                        )
                      }
                    >
                      {t('hub.coalitions.approve', { name: r.member.displayName })}
                    </button>
                    <button
                      type="button"
                      className="button button--secondary"
                      aria-disabled={busy}
                      onClick={() =>
                        void act(
                          () => decideRequest(coalition.id, r.member.id, 'decline'),
                          t('hub.coalitions.declined', { name: r.member.displayName }),
                        )
                      }
                    >
                      {t('hub.coalitions.decline', { name: r.member.displayName })}
                    </button>
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Page>
  );
}
