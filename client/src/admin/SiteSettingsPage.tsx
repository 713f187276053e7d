import {
  locales,
  registrationModes,
  siteLimitsSchema,
  type Locale,
  type RegistrationMode,
  type SiteLimits,
  type SiteSettings,
} from '@commons/shared';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, type ClientErrorCode } from '../api';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { saveSiteSettings, siteSettings } from '../account/api';
import { AdminNav } from './AdminNav';
import { CheckField, ErrorNotice } from './parts';

/** `/admin/settings`: site-wide settings; every save is recorded in the audit log. */
export function SiteSettingsPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<SiteSettings | null>(null);
  const [loadError, setLoadError] = useState<ClientErrorCode | null>(null);
  const [saved, setSaved] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);
  // The limits as typed (text), checked against the shared schema's bounds before saving.
  const [limits, setLimits] = useState<Record<keyof SiteLimits, string>>({ postsPerMinute: '', libraryUploadMb: '' });

  /** The settings as the server has them: the draft, and the limits as text fields. */
  const adopt = useCallback((settings: SiteSettings) => {
    setDraft(settings);
    setLimits({
      postsPerMinute: String(settings.limits.postsPerMinute),
      libraryUploadMb: String(settings.limits.libraryUploadMb),
    });
  }, []);

  const limitValues = () => ({
    postsPerMinute: Number(limits.postsPerMinute),
    libraryUploadMb: Number(limits.libraryUploadMb),
  });
  const limitError = (key: keyof SiteLimits): string | undefined =>
    siteLimitsSchema.shape[key].safeParse(limitValues()[key]).success ? undefined : t(`siteAdmin.limits.${key}Invalid`);

  useEffect(() => {
    const controller = new AbortController();
    siteSettings(controller.signal).then(adopt, (error: unknown) => {
      if (!controller.signal.aborted) setLoadError(isApiError(error) ? error.code : 'internal');
    });
    return () => controller.abort();
  }, [adopt]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!draft) return;
    setSaved(false);
    void submit({
      validate: () => ({
        'site-posts-per-minute': limitError('postsPerMinute'),
        'site-library-upload-mb': limitError('libraryUploadMb'),
      }),
      action: async () => {
        adopt(await saveSiteSettings({ ...draft, limits: limitValues() }));
        setSaved(true);
      },
    });
  }

  return (
    <Page title={t('siteAdmin.title')}>
      <AdminNav />
      <p className="lead">{t('siteAdmin.intro')}</p>
      <ErrorNotice code={loadError} />
      {!draft && !loadError && <Loading />}
      {draft && (
        <>
          <SuccessMessage>{saved && t('siteAdmin.saved')}</SuccessMessage>
          <ErrorSummary items={errors.summary} />
          <form className="form panel" noValidate onSubmit={onSubmit}>
            <CheckField
              id="site-email-verification"
              label={t('siteAdmin.emailVerification')}
              hint={t('siteAdmin.emailVerificationHint')}
              checked={draft.emailVerification}
              onChange={(emailVerification) => setDraft({ ...draft, emailVerification })}
            />
            <CheckField
              id="site-public-face"
              label={t('siteAdmin.publicFace')}
              hint={t('siteAdmin.publicFaceHint')}
              checked={draft.publicFace}
              onChange={(publicFace) => setDraft({ ...draft, publicFace })}
            />
            <SelectField
              id="site-registration-mode"
              label={t('siteAdmin.registrationMode')}
              hint={t('siteAdmin.registrationModeHint')}
              value={draft.registrationMode}
              onChange={(e) => setDraft({ ...draft, registrationMode: e.target.value as RegistrationMode })}
            >
              {registrationModes.map((mode) => (
                <option key={mode} value={mode}>
                  {t(`siteAdmin.registrationModes.${mode}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="site-default-locale"
              label={t('siteAdmin.defaultLocale')}
              hint={t('siteAdmin.defaultLocaleHint')}
              value={draft.defaultLocale}
              onChange={(e) => setDraft({ ...draft, defaultLocale: e.target.value as Locale })}
            >
              {locales.map((l) => (
                <option key={l} value={l}>
                  {t(`adminInvitations.languages.${l}`)}
                </option>
              ))}
            </SelectField>
            <fieldset className="admin-group">
              <legend>{t('siteAdmin.limits.heading')}</legend>
              <TextField
                id="site-posts-per-minute"
                inputMode="numeric"
                label={t('siteAdmin.limits.postsPerMinute')}
                hint={t('siteAdmin.limits.postsPerMinuteHint')}
                error={errors.fields['site-posts-per-minute']}
                value={limits.postsPerMinute}
                onChange={(e) => setLimits({ ...limits, postsPerMinute: e.target.value })}
              />
              <TextField
                id="site-library-upload-mb"
                inputMode="numeric"
                label={t('siteAdmin.limits.libraryUploadMb')}
                hint={t('siteAdmin.limits.libraryUploadMbHint')}
                error={errors.fields['site-library-upload-mb']}
                value={limits.libraryUploadMb}
                onChange={(e) => setLimits({ ...limits, libraryUploadMb: e.target.value })}
              />
            </fieldset>
            <button type="submit" className="button" aria-disabled={submitting}>
              {submitting ? t('common.saving') : t('siteAdmin.save')}
            </button>
          </form>
        </>
      )}
    </Page>
  );
}
