import { avatarSizes, avatarUrl } from '@commons/shared';
import { useState, type CSSProperties } from 'react';

/**
 * Backgrounds for initials, each with white text at 4.5:1 or more (AA), so every member's
 * colour is readable. A member keeps one colour everywhere: it is picked from their id.
 */
const palette = ['#1d4e89', '#1e6b34', '#8a4b08', '#6b2f8a', '#b3261e', '#0f5e6e', '#5c5200', '#9c2858'];

/** A stable colour for an id (members, categories), from the AA palette above. */
export function colourFor(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return palette[hash % palette.length]!;
}

/** "Ana María Ruiz" → "AR"; "ana" → "A". Letters of any script, not only Latin. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]!)[0] ?? '';
  const last = words.length > 1 ? (Array.from(words[words.length - 1]!)[0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

export type AvatarSize = 'sm' | 'md' | 'lg';

/** The size each avatar is drawn at (CSS px, in shell.css), so the browser picks the file for the screen. */
const drawn: Record<AvatarSize, number> = { sm: 28, md: 36, lg: 64 };

interface AvatarProps {
  /**
   * The member: id (picks the colour), name (gives the initials) and, when they uploaded one, the
   * base path of their picture; null for a former member.
   */
  member: { id: string; displayName: string; avatar?: string | null | undefined } | null;
  size?: AvatarSize;
}

/**
 * A member's picture, or their coloured initials when they have none (or it fails to load).
 * Decorative: the name is always written beside it (or is the accessible name of the control
 * that holds it), so screen readers skip it.
 */
export function Avatar({ member, size = 'md' }: AvatarProps) {
  const [failed, setFailed] = useState<string | null>(null);
  const picture = member?.avatar;
  if (picture && failed !== picture)
    return (
      <img
        className={`avatar avatar--${size} avatar--picture`}
        src={avatarUrl(picture, size === 'lg' ? 96 : 48)}
        srcSet={avatarSizes.map((px) => `${avatarUrl(picture, px)} ${px}w`).join(', ')}
        sizes={`${drawn[size]}px`}
        width={drawn[size]}
        height={drawn[size]}
        alt=""
        decoding="async"
        loading="lazy"
        onError={() => setFailed(picture)}
      />
    );
  const style = { '--avatar-bg': member ? colourFor(member.id) : '#4b5260' } as CSSProperties;
  return (
    <span className={`avatar avatar--${size}`} style={style} aria-hidden="true">
      {member ? initials(member.displayName) : '?'}
    </span>
  );
}
