import { audiences, privacyFields, type Audience, type PrivacySettings } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { SuccessMessage } from '../ui/SuccessMessage';
import { savePrivacy } from './api';

/** Settings › Account: directory listing, who sees each profile field, who may mention or invite me. */
export function PrivacySection() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const [draft, setDraft] = useState<PrivacySettings | null>(user?.privacy ?? null);
  const [saved, setSaved] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);
  if (!user || !draft) return null;

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSaved(false);
    if (!draft) return;
    void submit({
      validate: () => ({}),
      action: async () => {
        const privacy = await savePrivacy(draft);
        const current = useAuth.getState().user;
        if (current) useAuth.getState().setUser({ ...current, privacy });
        setSaved(true);
      },
    });
  }

  const options = (kind: 'field' | 'contact') =>
    audiences.map((a) => (
      <option key={a} value={a}>
        {t(`account.privacy.audiences.${kind}.${a}`)}
      </option>
    ));

  return (
    <section className="panel" aria-labelledby="account-privacy-heading">
      <h2 id="account-privacy-heading">{t('account.privacy.heading')}</h2>
      <p>{t('account.privacy.explain')}</p>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <div className="check-field">
          <input
            id="privacy-listed"
            type="checkbox"
            checked={draft.listedInDirectory}
            onChange={(e) => setDraft({ ...draft, listedInDirectory: e.target.checked })}
          />
          <label htmlFor="privacy-listed">{t('account.privacy.listed')}</label>
        </div>
        <fieldset className="privacy-fields">
          <legend>{t('account.privacy.fieldsLegend')}</legend>
          {privacyFields.map((field) => (
            <SelectField
              key={field}
              id={`privacy-field-${field}`}
              label={t(`account.privacy.fields.${field}`)}
              value={draft.fields[field]}
              onChange={(e) => setDraft({ ...draft, fields: { ...draft.fields, [field]: e.target.value as Audience } })}
            >
              {options('field')}
            </SelectField>
          ))}
        </fieldset>
        <SelectField
          id="privacy-mentions"
          label={t('account.privacy.mentions')}
          value={draft.mentions}
          onChange={(e) => setDraft({ ...draft, mentions: e.target.value as Audience })}
        >
          {options('contact')}
        </SelectField>
        <SelectField
          id="privacy-invitations"
          label={t('account.privacy.invitations')}
          value={draft.invitations}
          onChange={(e) => setDraft({ ...draft, invitations: e.target.value as Audience })}
        >
          {options('contact')}
        </SelectField>
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('common.saving') : t('account.privacy.save')}
        </button>
        <SuccessMessage>{saved && t('account.privacy.saved')}</SuccessMessage>
      </form>
    </section>
  );
}
