import type { PendingSignUp } from '@commons/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, type ClientErrorCode } from '../api';
import { useFormatDate } from '../i18n/format';
import { approveSignUp, declineSignUp, pendingSignUps } from '../account/api';
import { AdminTable, ErrorNotice } from './parts';

/**
 * `/admin/members?status=pending`: sign-ups waiting for approval (joining by approval), oldest
 * first, each with Approve and Decline. Both are recorded in the audit log.
 */
export function PendingSignUps() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const [signUps, setSignUps] = useState<PendingSignUp[] | null>(null);
  const [problem, setProblem] = useState<ClientErrorCode | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    const controller = new AbortController();
    pendingSignUps(controller.signal).then(setSignUps, (error: unknown) => {
      if (!controller.signal.aborted) setProblem(isApiError(error) ? error.code : 'internal');
    });
    return () => controller.abort();
  }, []);

  async function decide(s: PendingSignUp, approve: boolean): Promise<void> {
    setProblem(null);
    setMessage('');
    try {
      if (approve) await approveSignUp(s.id);
      else await declineSignUp(s.id);
      setSignUps((list) => list?.filter((x) => x.id !== s.id) ?? null);
      setMessage(
        t(approve ? 'adminMembers.signUps.approved' : 'adminMembers.signUps.declined', { name: s.displayName }),
      );
    } catch (error) {
      setProblem(isApiError(error) ? error.code : 'internal');
    }
  }

  return (
    <section aria-labelledby="pending-sign-ups">
      <h2 id="pending-sign-ups">{t('adminMembers.signUps.heading')}</h2>
      <p>{t('adminMembers.signUps.explain')}</p>
      <div role="status">{message && <p className="notice notice--success">{message}</p>}</div>
      <ErrorNotice code={problem} />
      <AdminTable
        caption={t('adminMembers.signUps.caption')}
        empty={t('adminMembers.signUps.empty')}
        rows={signUps}
        failed={problem !== null}
        rowKey={(s) => s.id}
        columns={[
          { label: t('adminMembers.name'), cell: (s) => s.displayName },
          { label: t('adminMembers.email'), cell: (s) => s.email },
          {
            label: t('adminMembers.signUps.asked'),
            cell: (s) => formatDate(s.createdAt, { dateStyle: 'medium', timeStyle: 'short' }),
          },
          {
            label: t('adminMembers.signUps.decision'),
            cell: (s) => (
              <div className="actions">
                <button
                  type="button"
                  className="button"
                  aria-label={t('adminMembers.signUps.approveOne', { name: s.displayName })}
                  onClick={() => void decide(s, true)}
                >
                  {t('adminMembers.signUps.approve')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  aria-label={t('adminMembers.signUps.declineOne', { name: s.displayName })}
                  onClick={() => void decide(s, false)}
                >
                  {t('adminMembers.signUps.decline')}
                </button>
              </div>
            ),
          },
        ]}
      />
    </section>
  );
}
