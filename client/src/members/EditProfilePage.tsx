import {
  communityRoles,
  locales,
  type CommunityRole,
  type Locale,
  type ProfilePatch,
  type Self,
} from '@commons/shared';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../auth/store';
import { displayNameError } from '../auth/validation';
import { fixedT, isLocale } from '../i18n';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit, type FieldMessages } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { updateMe } from './api';
import { PictureSection } from './PictureSection';

interface Draft {
  displayName: string;
  bio: string;
  communityRole: CommunityRole | '';
  organisation: string;
  community: string;
  interests: string;
  locale: Locale;
  timeZone: string;
}

function toDraft(user: Self): Draft {
  return {
    displayName: user.displayName,
    bio: user.bio,
    communityRole: user.communityRole ?? '',
    organisation: user.organisation,
    community: user.community,
    interests: user.interests.join(', '),
    locale: user.locale,
    timeZone: user.timeZone,
  };
}

function parseInterests(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const interest = part.trim();
    if (interest) seen.add(interest);
  }
  return [...seen];
}

function fullPatch(draft: Draft): Required<ProfilePatch> {
  return {
    displayName: draft.displayName.trim(),
    bio: draft.bio.trim(),
    communityRole: draft.communityRole === '' ? null : draft.communityRole,
    organisation: draft.organisation.trim(),
    community: draft.community.trim(),
    interests: parseInterests(draft.interests),
    locale: draft.locale,
    timeZone: draft.timeZone,
  };
}

/** Only what changed, so a save never overwrites a field changed elsewhere (e.g. the header's language switch). */
function toPatch(draft: Draft, user: Self): ProfilePatch {
  const next = fullPatch(draft);
  const current = fullPatch(toDraft(user));
  const patch: ProfilePatch = {};
  const copyIfChanged = <K extends keyof ProfilePatch>(key: K): void => {
    if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) patch[key] = next[key];
  };
  for (const key of Object.keys(next) as (keyof ProfilePatch)[]) copyIfChanged(key);
  return patch;
}

function isCommunityRole(value: string): value is CommunityRole {
  return (communityRoles as readonly string[]).includes(value);
}

/** Every IANA zone the browser knows, plus the member's current one. */
function useTimeZones(current: string): string[] {
  return useMemo(() => {
    const zones = new Set(Intl.supportedValuesOf('timeZone'));
    zones.add('UTC');
    zones.add(current);
    return [...zones].sort();
  }, [current]);
}

function ProfileForm({ user }: { user: Self }) {
  const { t } = useTranslation();
  const setUser = useAuth((s) => s.setUser);
  const [draft, setDraft] = useState<Draft>(() => toDraft(user));
  const [saved, setSaved] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);
  const timeZones = useTimeZones(user.timeZone);

  // The header's language switch saves the locale too: keep the form's copy in step.
  const [accountLocale, setAccountLocale] = useState(user.locale);
  if (accountLocale !== user.locale) {
    setAccountLocale(user.locale);
    setDraft((d) => ({ ...d, locale: user.locale }));
  }

  function change<K extends keyof Draft>(key: K, value: Draft[K]): void {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function validate(): FieldMessages {
    const interests = parseInterests(draft.interests);
    return {
      displayName: displayNameError(t, draft.displayName),
      bio: draft.bio.trim().length > 2000 ? t('errors.fields.bio') : undefined,
      organisation: draft.organisation.trim().length > 120 ? t('errors.fields.organisation') : undefined,
      community: draft.community.trim().length > 120 ? t('errors.fields.community') : undefined,
      interests:
        interests.length > 20 || interests.some((i) => i.length > 40) ? t('errors.fields.interests') : undefined,
    };
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSaved(false);
    void submit({
      validate,
      action: async () => {
        const updated = await updateMe(toPatch(draft, user));
        setUser(updated);
        setDraft(toDraft(updated));
        setSaved(true);
      },
    });
  }

  return (
    <>
      <SuccessMessage>
        {saved && (
          <>
            {t('profile.saved')} <Link to={`/members/${user.id}`}>{t('profile.view')}</Link>
          </>
        )}
      </SuccessMessage>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <TextField
          id="displayName"
          autoComplete="name"
          label={t('profile.fields.displayName')}
          hint={t('profile.fields.displayNameHint')}
          error={errors.fields.displayName}
          value={draft.displayName}
          onChange={(e) => change('displayName', e.target.value)}
          required
        />
        <TextAreaField
          id="bio"
          label={t('profile.fields.bio')}
          hint={t('profile.fields.bioHint')}
          error={errors.fields.bio}
          value={draft.bio}
          onChange={(e) => change('bio', e.target.value)}
        />
        <SelectField
          id="communityRole"
          label={t('profile.fields.communityRole')}
          error={errors.fields.communityRole}
          value={draft.communityRole}
          onChange={(e) => change('communityRole', isCommunityRole(e.target.value) ? e.target.value : '')}
        >
          <option value="">{t('profile.fields.communityRoleNone')}</option>
          {communityRoles.map((role) => (
            <option key={role} value={role}>
              {t(`communityRoles.${role}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="organisation"
          autoComplete="organization"
          label={t('profile.fields.organisation')}
          hint={t('profile.fields.organisationHint')}
          error={errors.fields.organisation}
          value={draft.organisation}
          onChange={(e) => change('organisation', e.target.value)}
        />
        <TextField
          id="community"
          label={t('profile.fields.community')}
          error={errors.fields.community}
          value={draft.community}
          onChange={(e) => change('community', e.target.value)}
        />
        <TextField
          id="interests"
          label={t('profile.fields.interests')}
          hint={t('profile.fields.interestsHint')}
          error={errors.fields.interests}
          value={draft.interests}
          onChange={(e) => change('interests', e.target.value)}
        />
        <SelectField
          id="locale"
          label={t('profile.fields.locale')}
          hint={t('profile.fields.localeHint')}
          error={errors.fields.locale}
          value={draft.locale}
          onChange={(e) => change('locale', isLocale(e.target.value) ? e.target.value : draft.locale)}
        >
          {locales.map((locale) => (
            <option key={locale} value={locale} lang={locale}>
              {fixedT(locale)('language.name')}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="timeZone"
          label={t('profile.fields.timeZone')}
          hint={t('profile.fields.timeZoneHint')}
          error={errors.fields.timeZone}
          value={draft.timeZone}
          onChange={(e) => change('timeZone', e.target.value)}
        >
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('common.saving') : t('profile.save')}
        </button>
      </form>
    </>
  );
}

/** /settings/profile — the signed-in member edits their own profile (RequireAuth guards it). */
export function EditProfilePage() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  return (
    <Page title={t('profile.editTitle')}>
      <p>
        <Link to="/settings/account">{t('account.nav')}</Link>
      </p>
      {user ? (
        <>
          <PictureSection user={user} />
          <ProfileForm user={user} />
        </>
      ) : (
        <Loading />
      )}
    </Page>
  );
}
