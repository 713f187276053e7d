import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { EmailField } from './fields';
import { useAuth } from './store';
import { emailError } from './validation';

/** After signing in, GuestOnly sends the member on to the page they came from. */
export function SignInPage() {
  const { t } = useTranslation();
  const signIn = useAuth((s) => s.signIn);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        email: emailError(t, email),
        password: password ? undefined : t('validation.passwordRequired'),
      }),
      action: async () => {
        await signIn({ email: email.trim(), password });
      },
    });
  }

  return (
    <Page title={t('auth.signIn.title')}>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <EmailField value={email} onChange={setEmail} error={errors.fields.email} />
        <TextField
          id="password"
          type="password"
          autoComplete="current-password"
          label={t('auth.password')}
          error={errors.fields.password}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('auth.signIn.submitting') : t('auth.signIn.submit')}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{t('auth.signIn.forgot')}</Link>
      </p>
      <p>
        {t('auth.signIn.noAccount')} <Link to="/sign-up">{t('auth.signIn.signUpLink')}</Link>
      </p>
    </Page>
  );
}
