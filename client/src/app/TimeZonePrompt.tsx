import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from './LiveAnnouncer';
import { useAuth } from '../auth/store';
import { deviceTimeZone } from '../i18n/format';
import { updateMe } from '../members/api';

const dismissedKey = 'commons.timeZoneKept';
const readable = (zone: string) => zone.replaceAll('_', ' ');

/**
 * When the device's zone is not the profile's (a trip, a move, an account made elsewhere), offer
 * to switch, once per device zone: every time on the site is shown in the profile's zone.
 */
export function TimeZonePrompt() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const setUser = useAuth((s) => s.setUser);
  const device = deviceTimeZone();
  const [kept, setKept] = useState(() => localStorage.getItem(dismissedKey));
  const [failed, setFailed] = useState(false);
  if (!user || user.timeZone === device || kept === device) return null;

  async function switchToDevice(): Promise<void> {
    try {
      setUser(await updateMe({ timeZone: device }));
      announce(t('timeZonePrompt.switched', { zone: readable(device) }));
    } catch {
      setFailed(true);
    }
  }

  function keep(): void {
    localStorage.setItem(dismissedKey, device);
    setKept(device);
  }

  return (
    <section className="notice timezone-prompt" aria-labelledby="timezone-prompt-text">
      <p id="timezone-prompt-text">
        {t('timeZonePrompt.text', { device: readable(device), profile: readable(user.timeZone) })}
      </p>
      <p className="timezone-prompt__actions">
        <button type="button" className="button" onClick={() => void switchToDevice()}>
          {t('timeZonePrompt.use', { zone: readable(device) })}
        </button>
        <button type="button" className="button button--secondary" onClick={keep}>
          {t('timeZonePrompt.keep', { zone: readable(user.timeZone) })}
        </button>
      </p>
      {failed && (
        <p className="field__error" role="alert">
          {t('errors.internal')}
        </p>
      )}
    </section>
  );
}
