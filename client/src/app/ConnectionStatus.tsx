import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { useConnection, type ConnectionState } from '../socket';
import { announce } from './LiveAnnouncer';

/** Announces losing and regaining the live connection (not the routine connect after sign-in). */
function useAnnounceChanges(state: ConnectionState): void {
  const { t } = useTranslation();
  const previous = useRef(state);
  useEffect(() => {
    const before = previous.current;
    previous.current = state;
    if (before === state || useAuth.getState().status !== 'signedIn') return;
    if (state === 'reconnecting' && before === 'online') announce(t('connection.lost'));
    else if (state === 'online' && before === 'reconnecting') announce(t('connection.restored'));
    else if (state === 'offline') announce(t('connection.wentOffline'));
  }, [state, t]);
}

/** A small status in the header: is the live connection up? Text, not colour alone. */
export function ConnectionStatus() {
  const { t } = useTranslation();
  const state = useConnection((s) => s.state);
  useAnnounceChanges(state);
  return (
    <p className={`connection connection--${state}`}>
      <span className="connection__dot" aria-hidden="true" />
      <span>
        {t('connection.label')} <strong className="connection__state">{t(`connection.${state}`)}</strong>
      </span>
    </p>
  );
}
