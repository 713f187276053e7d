import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { fetchMe } from '../auth/api';
import { useAuth } from '../auth/store';
import { Loading, Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { verifyEmail } from './api';

/** Opened from the confirmation email: `/verify-email?token=...`; works signed in or not. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<'working' | 'done' | 'failed'>('working');
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    verifyEmail(token)
      .then(async () => {
        setState('done');
        const me = await fetchMe().catch(() => null);
        if (me) useAuth.getState().setUser(me);
      })
      .catch(() => setState('failed'));
  }, [token]);

  return (
    <Page title={t('account.verify.title')}>
      {!token && <p className="notice notice--error">{t('account.verify.missingToken')}</p>}
      {token && state === 'working' && <Loading />}
      <SuccessMessage takeFocus>
        {state === 'done' && (
          <>
            {t('account.verify.done')} <Link to="/forums">{t('account.verify.continue')}</Link>
          </>
        )}
      </SuccessMessage>
      {token && state === 'failed' && (
        <div role="alert">
          <p className="notice notice--error">{t('account.verify.failed')}</p>
          <p>{t('account.verify.askAgain')}</p>
        </div>
      )}
    </Page>
  );
}
