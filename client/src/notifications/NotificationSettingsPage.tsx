import {
  digestFrequencies,
  notificationChannels,
  notificationKindGroups,
  type DigestFrequency,
  type NotificationChannel,
  type NotificationPreferences,
} from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { BlockedMembersSection } from '../moderation/BlockedMembersSection';
import { fetchPreferences, savePreferences, type PreferencesView } from './api';

const hours = Array.from({ length: 24 }, (_, h) => h);

/** `/settings/notifications`: how each kind reaches the member, and the digest's frequency and hour. */
export function NotificationSettingsPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<PreferencesView | null>(null);
  const [draft, setDraft] = useState<NotificationPreferences | null>(null);
  const [saved, setSaved] = useState(false);
  const [failed, setFailed] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);

  useEffect(() => {
    const controller = new AbortController();
    fetchPreferences(controller.signal)
      .then((v) => {
        setView(v);
        setDraft(v.preferences);
      })
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => controller.abort();
  }, []);

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!draft) return;
    setSaved(false);
    const ok = await submit({
      action: async () => {
        const next = await savePreferences(draft);
        setView(next);
        setDraft(next.preferences);
      },
    });
    if (ok) setSaved(true);
  }

  const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

  return (
    <Page title={t('notifications.settings.title')}>
      <p>{t('notifications.settings.intro')}</p>
      {failed && (
        <p className="notice notice--error" role="alert">
          {t('notifications.loadFailed')}
        </p>
      )}
      {!draft && !failed && <Loading />}
      {view?.emailBounced && (
        <p className="notice notice--error" role="alert">
          {t('notifications.settings.bounced')}
        </p>
      )}
      {draft && view && (
        <form onSubmit={(e) => void onSubmit(e)} noValidate>
          <ErrorSummary items={errors.summary} />
          <h2>{t('notifications.settings.kindsLegend')}</h2>
          {(Object.keys(notificationKindGroups) as (keyof typeof notificationKindGroups)[]).map((group) => (
            <fieldset key={group}>
              <legend>{t(`notifications.settings.groups.${group}`)}</legend>
              {notificationKindGroups[group].map((kind) => (
                <SelectField
                  key={kind}
                  id={`kind-${kind}`}
                  label={t(`notifications.settings.kinds.${kind}`)}
                  value={draft.kinds[kind]}
                  onChange={(e) =>
                    setDraft({ ...draft, kinds: { ...draft.kinds, [kind]: e.target.value as NotificationChannel } })
                  }
                >
                  {notificationChannels.map((c) => (
                    <option key={c} value={c}>
                      {t(`notifications.settings.channels.${c}`)}
                    </option>
                  ))}
                </SelectField>
              ))}
            </fieldset>
          ))}
          <fieldset>
            <legend>{t('notifications.settings.digestLegend')}</legend>
            <SelectField
              id="digest-frequency"
              label={t('notifications.settings.frequency')}
              value={draft.digest.frequency}
              onChange={(e) =>
                setDraft({ ...draft, digest: { ...draft.digest, frequency: e.target.value as DigestFrequency } })
              }
            >
              {digestFrequencies.map((f) => (
                <option key={f} value={f}>
                  {t(`notifications.settings.frequencies.${f}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="digest-hour"
              label={t('notifications.settings.hour', { timeZone: view.timeZone })}
              value={String(draft.digest.hour)}
              disabled={draft.digest.frequency === 'off'}
              onChange={(e) => setDraft({ ...draft, digest: { ...draft.digest, hour: Number(e.target.value) } })}
            >
              {hours.map((h) => (
                <option key={h} value={String(h)}>
                  {hourLabel(h)}
                </option>
              ))}
            </SelectField>
          </fieldset>
          <button type="submit" aria-disabled={submitting}>
            {submitting ? t('common.saving') : t('notifications.settings.save')}
          </button>
          <SuccessMessage>{saved && t('notifications.settings.saved')}</SuccessMessage>
        </form>
      )}
      <BlockedMembersSection />
    </Page>
  );
}
