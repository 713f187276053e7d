import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { currentLocale } from '../i18n';
import { deviceTimeZone } from '../i18n/format';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { useSite } from '../home/site';
import { Loading, Page } from '../ui/Page';
import { EmailField, NewPasswordField } from './fields';
import { useAuth } from './store';
import { displayNameError, emailError, newPasswordError } from './validation';

export function SignUpPage() {
  const { t } = useTranslation();
  const register = useAuth((s) => s.register);
  const site = useSite((s) => s.site);
  const loadSite = useSite((s) => s.load);
  const [pending, setPending] = useState(false);
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        displayName: displayNameError(t, displayName),
        email: emailError(t, email),
        password: newPasswordError(t, password),
      }),
      action: async () => {
        const user = await register({
          displayName: displayName.trim(),
          email: email.trim(),
          password,
          locale: currentLocale(),
          timeZone: deviceTimeZone(),
        });
        // Joining by approval: no account yet; the page says what happens next.
        if (!user) setPending(true);
      },
      codeFields: { email_taken: 'email', weak_password: 'password' },
    });
  }

  useEffect(() => {
    void loadSite();
  }, [loadSite]);

  if (!site) return <Loading />;
  const mode = site.registrationMode;
  const signIn = (
    <p>
      {t('auth.signUp.haveAccount')} <Link to="/sign-in">{t('auth.signUp.signInLink')}</Link>
    </p>
  );

  if (pending)
    return (
      <Page title={t('auth.signUp.pendingTitle')}>
        <p className="notice notice--success" role="status">
          {t('auth.signUp.pendingBody', { email: email.trim() })}
        </p>
        <p>{t('auth.signUp.pendingMail')}</p>
      </Page>
    );

  // No form that can only fail: joining is closed, or only through an emailed invitation.
  if (mode === 'closed' || mode === 'invitation')
    return (
      <Page title={t('auth.signUp.title')}>
        <p className="notice">{t(`auth.signUp.${mode}`)}</p>
        {signIn}
      </Page>
    );

  return (
    <Page title={t('auth.signUp.title')}>
      <p className="lead">{t('auth.signUp.intro')}</p>
      {mode === 'approval' && <p className="notice">{t('auth.signUp.approval')}</p>}
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <TextField
          id="displayName"
          autoComplete="name"
          label={t('auth.displayName')}
          hint={t('auth.displayNameHint')}
          error={errors.fields.displayName}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          required
          maxLength={60}
        />
        <EmailField value={email} onChange={setEmail} error={errors.fields.email} />
        <NewPasswordField
          label={t('auth.password')}
          value={password}
          onChange={setPassword}
          error={errors.fields.password}
        />
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('auth.signUp.submitting') : t('auth.signUp.submit')}
        </button>
      </form>
      {signIn}
    </Page>
  );
}
