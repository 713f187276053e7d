import { locales, type Locale } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { fixedT, setLanguage, useLocale } from '../i18n';
import { updateMe } from '../members/api';
import { announce } from './LiveAnnouncer';

/** Switches the language at once; a signed-in member's choice is saved to their account. */
export async function chooseLanguage(locale: Locale, saveFailed: string): Promise<void> {
  setLanguage(locale);
  const { user, setUser } = useAuth.getState();
  if (!user || user.locale === locale) return;
  try {
    setUser(await updateMe({ locale }));
  } catch {
    announce(saveFailed);
  }
}

/** English / Español buttons for visitors; members choose in their account menu. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const active = useLocale();
  const choose = (locale: Locale) => chooseLanguage(locale, t('profile.languageSaveFailed'));

  return (
    <div className="language-switch" role="group" aria-label={t('nav.language')}>
      {locales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={locale === active}
          onClick={() => void choose(locale)}
        >
          {fixedT(locale)('language.name')}
        </button>
      ))}
    </div>
  );
}
