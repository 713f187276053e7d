import type { Locale } from '../members/schemas.js';
import en from './locales/en.js';
import es from './locales/es.js';
import type { Messages } from './messages.js';

export type { Messages } from './messages.js';

/** All shipped catalogues. Adding a language: add its file under locales/ and one line here and in `locales`. */
export const catalogues: Record<Locale, Messages> = { en, es };

/** Flattens a catalogue to dotted keys, e.g. `email.welcome.subject`. */
export function flattenMessages(messages: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else if (value && typeof value === 'object') Object.assign(out, flattenMessages(value as object, path));
  }
  return out;
}
export * from './time.js';
