import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { unsubscribe } from './api';

type State = 'ready' | 'working' | 'done' | 'invalid';

/**
 * `/unsubscribe?token=`: works signed out. It asks for one click rather than acting on load,
 * so link scanners that open mail links do not unsubscribe anyone.
 */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<State>('ready');

  async function onClick(): Promise<void> {
    if (state === 'working') return;
    setState('working');
    try {
      await unsubscribe(token);
      setState('done');
    } catch {
      setState('invalid');
    }
  }

  return (
    <Page title={t('notifications.unsubscribe.title')}>
      {!token && <p>{t('notifications.unsubscribe.missing')}</p>}
      {token && (state === 'ready' || state === 'working') && (
        <button type="button" aria-disabled={state === 'working'} onClick={() => void onClick()}>
          {state === 'working' ? t('notifications.unsubscribe.working') : t('notifications.unsubscribe.confirm')}
        </button>
      )}
      <SuccessMessage takeFocus>{state === 'done' && t('notifications.unsubscribe.done')}</SuccessMessage>
      {state === 'invalid' && (
        <p className="notice notice--error" role="alert">
          {t('notifications.unsubscribe.invalid')}
        </p>
      )}
      <p>
        <Link to="/settings/notifications">{t('notifications.unsubscribe.settingsLink')}</Link>
      </p>
    </Page>
  );
}
