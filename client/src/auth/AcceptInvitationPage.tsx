import type { InvitationPreview } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../api';
import { deviceTimeZone } from '../i18n/format';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { previewInvitation } from './api';
import { NewPasswordField } from './fields';
import { useAuth } from './store';
import { displayNameError, newPasswordError } from './validation';

/** Opened from the invitation email: `/invitations/accept?token=...`; choose a name and password, and join. */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [invitation, setInvitation] = useState<InvitationPreview | null>(null);
  // Why the link does not work: withdrawn (or replaced) says so; anything else reads "invalid".
  const [failed, setFailed] = useState<'invalid' | 'withdrawn' | null>(null);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const acceptInvitation = useAuth((s) => s.acceptInvitation);
  const { errors, submitting, submit } = useFormSubmit(t);

  useEffect(() => {
    if (!token) return;
    previewInvitation(token).then(
      (found) => {
        setInvitation(found);
        setDisplayName(found.name);
      },
      (error: unknown) =>
        setFailed(isApiError(error) && error.code === 'invitation_withdrawn' ? 'withdrawn' : 'invalid'),
    );
  }, [token]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        displayName: displayNameError(t, displayName),
        password: newPasswordError(t, password),
      }),
      action: async () => {
        await acceptInvitation({ token, displayName: displayName.trim(), password, timeZone: deviceTimeZone() });
        void navigate('/');
      },
      codeFields: { weak_password: 'password' },
    });
  }

  return (
    <Page title={t('invitations.accept.title')}>
      {(!token || failed) && (
        <div role="alert">
          <p className="notice notice--error">
            {failed === 'withdrawn' ? t('errors.invitation_withdrawn') : t('invitations.accept.invalid')}
          </p>
        </div>
      )}
      {token && !failed && !invitation && <Loading />}
      {invitation && (
        <>
          <p className="lead">{t('invitations.accept.intro', { email: invitation.email })}</p>
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
            <NewPasswordField
              label={t('auth.password')}
              value={password}
              onChange={setPassword}
              error={errors.fields.password}
            />
            <button type="submit" className="button" aria-disabled={submitting}>
              {submitting ? t('invitations.accept.submitting') : t('invitations.accept.submit')}
            </button>
          </form>
        </>
      )}
    </Page>
  );
}
