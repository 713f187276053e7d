import { auditActions, type AuditAction, type AuditEntry } from '@commons/shared';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { Loading, Page } from '../ui/Page';
import { getAudit } from './api';
import { useFormatDate } from '../i18n/format';
import './moderation.css';

const actionKey = {
  'item.claim': 'claim',
  'item.resolve': 'resolve',
  'sanction.create': 'sanctionCreate',
  'sanction.lift': 'sanctionLift',
  'flag.create_moderator': 'flagModerator',
  'site.settings': 'siteSettings',
  'member.role': 'memberRole',
  'member.verification_resent': 'verificationResent',
  'member.deleted': 'memberDeleted',
  'member.approved': 'memberApproved',
  'member.declined': 'memberDeclined',
  'invitation.create': 'invitationCreate',
  'invitation.withdraw': 'invitationWithdraw',
  'invitation.resend': 'invitationResend',
  'category.create': 'categoryCreate',
  'category.update': 'categoryUpdate',
  'webhook.create': 'webhookCreate',
  'webhook.update': 'webhookUpdate',
  'webhook.delete': 'webhookDelete',
  'webhook.test': 'webhookTest',
} as const satisfies Record<AuditAction, string>;

/** `/moderation/audit`: who did what, when and why; filter by moderator and action. */
export function AuditPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const baseId = useId();
  const [actorId, setActorId] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [failed, setFailed] = useState(false);

  const load = useCallback(async (filter: { actorId?: string; action?: AuditAction }) => {
    setFailed(false);
    try {
      setEntries(await getAudit(filter));
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    getAudit({}, controller.signal).then(setEntries, (err: unknown) => {
      if (!(err instanceof DOMException && err.name === 'AbortError')) setFailed(true);
    });
    return () => controller.abort();
  }, []);

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    const id = actorId.trim();
    void load({ ...(/^[0-9a-f]{24}$/.test(id) ? { actorId: id } : {}), ...(action ? { action } : {}) });
  }

  return (
    <Page title={t('moderation.audit.title')}>
      <form className="mod-filters" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${baseId}-actor`}>{t('moderation.audit.actorLabel')}</label>
          <input id={`${baseId}-actor`} value={actorId} onChange={(e) => setActorId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${baseId}-action`}>{t('moderation.audit.actionLabel')}</label>
          <select
            id={`${baseId}-action`}
            value={action}
            onChange={(e) => setAction(e.target.value as AuditAction | '')}
          >
            <option value="">{t('moderation.audit.anyAction')}</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {t(`moderation.audit.actions.${actionKey[a]}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t('moderation.audit.apply')}
        </button>
      </form>
      {failed ? (
        <p role="alert">{t('errors.internal')}</p>
      ) : entries === null ? (
        <Loading />
      ) : entries.length === 0 ? (
        <p className="empty">{t('moderation.audit.empty')}</p>
      ) : (
        <table className="mod-table">
          <thead>
            <tr>
              <th scope="col">{t('moderation.audit.when')}</th>
              <th scope="col">{t('moderation.audit.who')}</th>
              <th scope="col">{t('moderation.audit.what')}</th>
              <th scope="col">{t('moderation.audit.why')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td data-label={t('moderation.audit.when')}>
                  {formatDate(e.at, { dateStyle: 'medium', timeStyle: 'short' })}
                </td>
                <td data-label={t('moderation.audit.who')}>{e.actor ? memberName(t, e.actor) : t('app.name')}</td>
                <td data-label={t('moderation.audit.what')}>{t(`moderation.audit.actions.${actionKey[e.action]}`)}</td>
                <td data-label={t('moderation.audit.why')}>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
