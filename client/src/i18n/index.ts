import { catalogues, locales, type Locale, type Messages } from '@commons/shared';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

const STORAGE_KEY = 'commons.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

function storedLocale(): Locale | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

function browserLocale(): Locale {
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return preferred.some((tag) => tag.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

/** Before we know who is signed in: the saved choice on this device, else the browser's language. */
export function initialLocale(): Locale {
  return storedLocale() ?? browserLocale();
}

function applyToDocument(locale: string): void {
  document.documentElement.lang = locale;
}

export function initI18n(): typeof i18next {
  const lng = initialLocale();
  void i18next.use(initReactI18next).init({
    resources: Object.fromEntries(locales.map((l) => [l, { translation: catalogues[l] }])),
    lng,
    fallbackLng: 'en',
    supportedLngs: [...locales],
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    react: { useSuspense: false },
  });
  applyToDocument(lng);
  i18next.on('languageChanged', applyToDocument);
  return i18next;
}

/**
 * The site's default language (an administrator's setting) for whoever has not chosen one on this
 * device: applied without remembering it, so a later choice or a member's own language wins.
 */
export function applySiteDefaultLocale(locale: Locale): void {
  if (!storedLocale() && i18next.language !== locale) void i18next.changeLanguage(locale);
}

/** Switches the interface language now and remembers it on this device. */
export function setLanguage(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered on this device; the account still keeps it when signed in
  }
  if (i18next.language !== locale) void i18next.changeLanguage(locale);
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : 'en';
}

/** The active language, re-rendering on change. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}

/** A translator fixed to one language, e.g. to show each language's own name. */
export function fixedT(locale: Locale) {
  return i18next.getFixedT(locale);
}
