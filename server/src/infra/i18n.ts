import { catalogues, formatInstant, locales, type Locale } from '@commons/shared';
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

/** Formats an instant for a reader: their language and time zone, with the zone's abbreviation. */
export function formatDateTime(
  date: Date,
  locale: Locale,
  timeZone: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' },
): string {
  return formatInstant(date, locale, timeZone, options);
}
