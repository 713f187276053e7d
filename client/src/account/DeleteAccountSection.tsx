import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { deleteAccount } from './api';

/** Settings › Account: delete the account, confirmed with the password and a typed word. */
export function DeleteAccountSection() {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [deleteContent, setDeleteContent] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        'delete-password': password ? undefined : t('validation.passwordRequired'),
        'delete-confirm':
          confirm.trim() === t('account.remove.confirmWord') ? undefined : t('account.remove.confirmMismatch'),
      }),
      action: async () => {
        await deleteAccount({ password, deleteContent });
        // A full load: every store of the signed-in member is dropped with the page.
        window.location.replace('/account-deleted');
      },
      codeFields: { invalid_credentials: 'delete-password' },
    });
  }

  return (
    <section className="panel panel--danger" aria-labelledby="account-delete-heading">
      <h2 id="account-delete-heading">{t('account.remove.heading')}</h2>
      <p>{t('account.remove.explain')}</p>
      <p>{t('account.remove.contentRule')}</p>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <div className="check-field">
          <input
            id="delete-content"
            type="checkbox"
            checked={deleteContent}
            onChange={(e) => setDeleteContent(e.target.checked)}
          />
          <label htmlFor="delete-content">{t('account.remove.deleteContent')}</label>
        </div>
        <TextField
          id="delete-password"
          type="password"
          autoComplete="current-password"
          label={t('account.remove.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields['delete-password']}
        />
        <TextField
          id="delete-confirm"
          label={t('account.remove.confirm')}
          autoComplete="off"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={errors.fields['delete-confirm']}
        />
        <button type="submit" className="button button--danger" aria-disabled={submitting}>
          {submitting ? t('account.remove.submitting') : t('account.remove.submit')}
        </button>
      </form>
    </section>
  );
}
