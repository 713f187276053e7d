import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { isApiError, type ClientErrorCode } from '../api';
import { resendVerification } from './api';

/** Shown on every page while the member's address is unconfirmed and the site asks for it. */
export function VerifyEmailBanner() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | { error: ClientErrorCode }>('idle');
  if (!user?.mustVerifyEmail) return null;

  async function resend(): Promise<void> {
    setState('sending');
    try {
      await resendVerification();
      setState('sent');
    } catch (error) {
      setState({ error: isApiError(error) ? error.code : 'internal' });
    }
  }

  return (
    <section className="verify-banner" aria-label={t('account.verify.title')}>
      <p>{t('account.banner.text', { email: user.email })}</p>
      <div role="status">
        {state === 'sent' && (
          <p className="notice notice--success">{t('account.banner.sent', { email: user.email })}</p>
        )}
        {typeof state === 'object' && <p className="notice notice--error">{t(`errors.${state.error}`)}</p>}
      </div>
      <button
        type="button"
        className="button button--secondary button--small"
        aria-disabled={state === 'sending'}
        onClick={() => void (state === 'sending' ? undefined : resend())}
      >
        {state === 'sending' ? t('account.banner.sending') : t('account.banner.resend')}
      </button>
    </section>
  );
}
