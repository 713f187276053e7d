import { subscriptionLevels, type SubscriptionLevel } from '@commons/shared';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { isApiError } from '../api';

/**
 * Watching / normal / muted for a thread or a category: a labelled select that saves as it
 * changes, with what the chosen level means below it. "Watching" is what the notification
 * settings call "New posts in threads I watch", so the hint links there.
 */
export function NotificationLevel({
  scope,
  level,
  save,
}: {
  scope: 'thread' | 'category';
  level: SubscriptionLevel;
  save: (level: SubscriptionLevel) => Promise<SubscriptionLevel>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [current, setCurrent] = useState(level);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onChange(next: SubscriptionLevel): Promise<void> {
    const before = current;
    setCurrent(next);
    setBusy(true);
    setError(null);
    try {
      const saved = await save(next);
      setCurrent(saved);
      announce(t(`forums.level.saved.${saved}`));
    } catch (err) {
      setCurrent(before);
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field notification-level">
      <label htmlFor={`${id}-level`}>{t(`forums.level.label.${scope}`)}</label>
      <select
        id={`${id}-level`}
        value={current}
        aria-describedby={`${id}-hint`}
        aria-busy={busy}
        onChange={(e) => void onChange(e.target.value as SubscriptionLevel)}
      >
        {subscriptionLevels.map((l) => (
          <option key={l} value={l}>
            {t(`forums.level.option.${l}`)}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="field__hint">
        {t(`forums.level.hint.${scope}.${current}`)}{' '}
        {current === 'watching' && <Link to="/settings/notifications">{t('forums.level.settingsLink')}</Link>}
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
