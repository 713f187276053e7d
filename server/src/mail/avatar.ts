import { createHash } from 'node:crypto';

/**
 * Members have no uploaded pictures, so mails show coloured initials. Each colour carries white
 * text at AA contrast or better (at least 4.5:1), in light and dark mode alike; the member's id picks
 * one, so a person keeps their colour from mail to mail.
 */
export const avatarColours = ['#1d4e89', '#7b2d8e', '#0f6b5c', '#a33a1f', '#5b4b8a', '#2f5d1e', '#8a3b5c', '#005f73'];

export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => /\p{L}|\p{N}/u.test(w));
  const letters = (words.length > 1 ? [words[0]!, words.at(-1)!] : words.slice(0, 1)).map(
    (w) => [...w.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '',
  );
  return letters.join('').toLocaleUpperCase() || '?';
}

export function avatarColour(memberId: string): string {
  const n = createHash('sha256').update(memberId).digest().readUInt32BE(0);
  return avatarColours[n % avatarColours.length]!;
}
