import { catalogues, errorCodes, flattenMessages } from '@commons/shared';
import { describe, expect, it } from 'vitest';

const english = flattenMessages(catalogues.en);
const englishKeys = Object.keys(english).sort();

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\{\s*([\w.-]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] ?? '').sort();
}

describe('message catalogues', () => {
  it('English is not empty', () => {
    expect(englishKeys.length).toBeGreaterThan(0);
  });

  it('has a message for every API error code (errors.<code>)', () => {
    expect(errorCodes.filter((code) => !(`errors.${code}` in english))).toEqual([]);
  });

  for (const [language, messages] of Object.entries(catalogues)) {
    describe(language, () => {
      const flat = flattenMessages(messages);

      it('has exactly the keys of English', () => {
        const keys = Object.keys(flat).sort();
        const missing = englishKeys.filter((key) => !(key in flat));
        const extra = keys.filter((key) => !(key in english));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });

      it('has no empty messages', () => {
        const empty = Object.entries(flat)
          .filter(([, message]) => message.trim() === '')
          .map(([key]) => key);
        expect(empty).toEqual([]);
      });

      it('uses the same {{placeholders}} as English in every message', () => {
        const mismatched = englishKeys
          .filter((key) => key in flat)
          .filter((key) => placeholders(flat[key] ?? '').join() !== placeholders(english[key] ?? '').join())
          .map(
            (key) =>
              `${key}: ${language} {${placeholders(flat[key] ?? '').join(', ')}} vs en {${placeholders(english[key] ?? '').join(', ')}}`,
          );
        expect(mismatched).toEqual([]);
      });
    });
  }
});
