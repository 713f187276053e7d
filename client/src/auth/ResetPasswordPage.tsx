import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorSummary } from '../ui/ErrorSummary';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { confirmPasswordReset } from './api';
import { NewPasswordField } from './fields';
import { newPasswordError } from './validation';

function MissingToken() {
  const { t } = useTranslation();
  return (
    <>
      <p className="notice notice--error">{t('auth.reset.missingToken')}</p>
      <p>
        <Link to="/forgot-password">{t('auth.reset.requestNew')}</Link>
      </p>
    </>
  );
}

/** Opened from the password-reset email: `/reset-password?token=...`. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({ password: newPasswordError(t, password) }),
      action: async () => {
        await confirmPasswordReset({ token, password });
        setDone(true);
      },
      codeFields: { weak_password: 'password' },
    });
  }

  return (
    <Page title={t('auth.reset.title')}>
      <SuccessMessage takeFocus>
        {done && (
          <>
            {t('auth.reset.done')} <Link to="/sign-in">{t('auth.reset.signInLink')}</Link>
          </>
        )}
      </SuccessMessage>
      {!token && <MissingToken />}
      {token && !done && (
        <>
          <ErrorSummary items={errors.summary} />
          {errors.code === 'invalid_token' && (
            <p>
              <Link to="/forgot-password">{t('auth.reset.requestNew')}</Link>
            </p>
          )}
          <form className="form" noValidate onSubmit={onSubmit}>
            <NewPasswordField
              label={t('auth.newPassword')}
              value={password}
              onChange={setPassword}
              error={errors.fields.password}
            />
            <button type="submit" className="button" aria-disabled={submitting}>
              {submitting ? t('auth.reset.submitting') : t('auth.reset.submit')}
            </button>
          </form>
        </>
      )}
    </Page>
  );
}
