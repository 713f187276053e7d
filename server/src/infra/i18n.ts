import { catalogues, locales, type Locale } from '@commons/shared';
import i18next, { type TFunction } from 'i18next';

const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(locales.map((l) => [l, { translation: catalogues[l] }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  // Callers escape for their medium (HTML mails escape, plain text does not).
  interpolation: { escapeValue: false },
});

/** A translator fixed to one language, for mails and other server-side text. */
export function translator(locale: Locale): TFunction {
  return instance.getFixedT(locale);
}

/** Formats an instant for a reader: their language and their time zone. */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(date);
}
