import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorSummary } from '../ui/ErrorSummary';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { requestPasswordReset } from './api';
import { EmailField } from './fields';
import { emailError } from './validation';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({ email: emailError(t, email) }),
      action: async () => {
        await requestPasswordReset({ email: email.trim() });
        setSentTo(email.trim());
      },
    });
  }

  return (
    <Page title={t('auth.forgot.title')}>
      <SuccessMessage takeFocus>{sentTo && t('auth.forgot.sent', { email: sentTo })}</SuccessMessage>
      {!sentTo && (
        <>
          <p>{t('auth.forgot.intro')}</p>
          <ErrorSummary items={errors.summary} />
          <form className="form" noValidate onSubmit={onSubmit}>
            <EmailField value={email} onChange={setEmail} error={errors.fields.email} />
            <button type="submit" className="button" aria-disabled={submitting}>
              {submitting ? t('auth.forgot.submitting') : t('auth.forgot.submit')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">{t('auth.forgot.backToSignIn')}</Link>
      </p>
    </Page>
  );
}
