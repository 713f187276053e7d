import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { isEmail, useFormSubmit } from '../ui/form';
import { SuccessMessage } from '../ui/SuccessMessage';
import { changeEmail } from './api';

/** Settings › Account: change the address (password required); the new one must be confirmed. */
export function EmailSection() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [changedTo, setChangedTo] = useState<string | null>(null);
  const { errors, submitting, submit } = useFormSubmit(t);
  if (!user) return null;

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setChangedTo(null);
    void submit({
      validate: () => ({
        'account-email': isEmail(email) ? undefined : t('validation.emailInvalid'),
        'account-email-password': password ? undefined : t('validation.passwordRequired'),
      }),
      action: async () => {
        const updated = await changeEmail({ email: email.trim(), password });
        useAuth.getState().setUser(updated);
        setChangedTo(updated.email);
        setEmail('');
        setPassword('');
      },
      codeFields: { email_taken: 'account-email', invalid_credentials: 'account-email-password' },
    });
  }

  return (
    <section className="panel" aria-labelledby="account-email-heading">
      <h2 id="account-email-heading">{t('account.email.heading')}</h2>
      <p>
        {t('account.email.current', { email: user.email })}{' '}
        {user.emailVerified ? t('account.email.confirmed') : t('account.email.unconfirmed')}
      </p>
      <SuccessMessage>{changedTo && t('account.email.changed', { email: changedTo })}</SuccessMessage>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <TextField
          id="account-email"
          type="email"
          autoComplete="email"
          label={t('account.email.newEmail')}
          hint={t('account.email.newEmailHint')}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.fields['account-email']}
        />
        <TextField
          id="account-email-password"
          type="password"
          autoComplete="current-password"
          label={t('account.email.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields['account-email-password']}
        />
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('account.email.submitting') : t('account.email.submit')}
        </button>
      </form>
    </section>
  );
}
