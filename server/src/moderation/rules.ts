import { createHash } from 'node:crypto';
import {
  FLAG_HIDE_THRESHOLD,
  type FlagReason,
  type Role,
  type ScreeningReason,
  type ScreeningVerdict,
  type TrustLevel,
} from '@commons/shared';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

/*
 * The moderation rules as pure functions, so tests can pin them down without a server.
 */

// ---------------------------------------------------------------- flag weights

/** The most one member's flag can weigh. */
export const MEMBER_WEIGHT_CAP = 2.5;

const baseByTrust: Record<TrustLevel, number> = { 0: 0.5, 1: 1, 2: 1.5, 3: 2 };

/**
 * How much one flag counts: the flagger's trust level sets the base, their past accuracy
 * (upheld vs rejected flags, with a neutral prior of one each) scales it from 0.25× to 1.75×.
 * A moderator's flag alone reaches the threshold.
 */
export function flagWeight(flagger: {
  role: Role;
  trustLevel: number;
  flagsUpheld: number;
  flagsRejected: number;
}): number {
  if (flagger.role === 'moderator' || flagger.role === 'admin') return FLAG_HIDE_THRESHOLD;
  const level = Math.max(0, Math.min(3, Math.trunc(flagger.trustLevel))) as TrustLevel;
  const accuracy = (flagger.flagsUpheld + 1) / (flagger.flagsUpheld + flagger.flagsRejected + 2);
  const factor = 0.25 + 1.5 * accuracy;
  // Capped below the threshold: no single member hides a post alone (moderators do).
  return Math.min(MEMBER_WEIGHT_CAP, Math.round(baseByTrust[level] * factor * 100) / 100);
}

/**
 * Open child-safety weight that hides a post at once, before any moderator looks: one member
 * with a basic trust level and a fair record, two new members together, or any moderator.
 * Below it the report still tops the queue and alerts every moderator at once.
 */
export const URGENT_HIDE_WEIGHT = 1;

export function hidesAtOnce(input: { childSafetyWeight: number; weight: number }): boolean {
  return input.weight >= FLAG_HIDE_THRESHOLD || input.childSafetyWeight >= URGENT_HIDE_WEIGHT;
}

/** Queue order: child safety first, then appeals and hidden posts, then the rest by weight. */
export function priorityOf(input: { reasons: FlagReason[]; weight: number; hidden: boolean; appeal: boolean }): number {
  if (input.reasons.includes('child_safety')) return 1000;
  return (input.appeal ? 50 : 0) + (input.hidden ? 20 : 0) + Math.round(input.weight * 10);
}

// ---------------------------------------------------------------- trust levels

export interface ActivityStats {
  daysVisited: number;
  posts: number;
  likesReceived: number;
  upheldAgainst: number;
}

/** 0 new · 1 basic (links allowed) · 2 member · 3 regular; upheld flags against a member pull it down. */
export function trustLevelFor(s: ActivityStats, role: Role = 'member'): TrustLevel {
  if (role === 'moderator' || role === 'admin') return 3;
  let level: TrustLevel = 0;
  if (s.daysVisited >= 2 && s.posts >= 3) level = 1;
  if (s.daysVisited >= 10 && s.posts >= 20 && s.likesReceived >= 10) level = 2;
  if (s.daysVisited >= 40 && s.posts >= 80 && s.likesReceived >= 50) level = 3;
  if (s.upheldAgainst >= 3) return 0;
  if (s.upheldAgainst >= 1) return Math.min(level, 1) as TrustLevel;
  return level;
}

// ---------------------------------------------------------------- automatic screening

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

const LINK = /\bhttps?:\/\/[^\s)>\]]+|\bwww\.[^\s)>\]]+/gi;

export interface ScreeningInput {
  body: string;
  /** The thread's title, when the post is its opening post: screened with the body. */
  title?: string;
  trustLevel: number;
  accountAgeHours: number;
  /** Bodies of the author's other posts of the last 24 hours. */
  recentBodies?: string[];
  /** The same as fingerprints (`bodyFingerprint`), as the author's screening window keeps them. */
  recentFingerprints?: string[];
  /** The author's posts of the last 5 minutes, this one included. */
  postsLast5Minutes: number;
  /** How many of those hold the post, and hide it (SCREENING_BURST_HOLD / _HIDE; 8 and 12). */
  burst?: { hold: number; hide: number };
}
export interface ScreeningResult {
  verdict: ScreeningVerdict;
  reasons: ScreeningReason[];
}

export const normalizeBody = (body: string): string => body.toLowerCase().replace(/\s+/g, ' ').trim();

/** A body as repeats compare it (normalized), short enough to keep per post in Redis. */
export const bodyFingerprint = (body: string): string =>
  createHash('sha256').update(normalizeBody(body)).digest('base64url').slice(0, 22);

export function countLinks(body: string): number {
  return body.match(LINK)?.length ?? 0;
}

/**
 * Numbers standing alone (not inside a word): the matcher reads digits as letters (4 as a, 5 as s,
 * so "we served 455 families" read as a swear word and was held), which is right inside a word
 * ("sh1t") and wrong for a figure, a date, a time or a phone number.
 */
const STANDALONE_NUMBER = /(?<![\p{L}\d])\d[\d.,:/-]*(?![\p{L}\d])/gu;

export function profanityCount(body: string): number {
  return matcher.getAllMatches(body.replace(STANDALONE_NUMBER, (n) => ' '.repeat(n.length))).length;
}

/** allow, hold (author and moderators only, until approved) or hide. The strongest rule wins. */
export function screenPost(input: ScreeningInput): ScreeningResult {
  const hide = new Set<ScreeningReason>();
  const hold = new Set<ScreeningReason>();

  // The title is read with the body (words and links); repeats compare bodies alone.
  const text = input.title ? `${input.title}\n\n${input.body}` : input.body;
  const profane = profanityCount(text);
  if (profane >= 3) hide.add('profanity');
  else if (profane >= 1) hold.add('profanity');

  const links = countLinks(text);
  if (links >= 10) hide.add('link_spam');
  else if (links >= 5) hold.add('link_spam');
  else if (links >= 1 && (input.trustLevel < 1 || input.accountAgeHours < 24)) hold.add('links_untrusted');

  const mine = normalizeBody(input.body);
  const own = bodyFingerprint(input.body);
  const repeats =
    mine.length >= 8
      ? (input.recentBodies ?? []).filter((b) => normalizeBody(b) === mine).length +
        (input.recentFingerprints ?? []).filter((f) => f === own).length
      : 0;
  if (repeats >= 2) hide.add('duplicate');
  else if (repeats === 1) hold.add('duplicate');

  const burst = input.burst ?? { hold: 8, hide: 12 };
  if (input.postsLast5Minutes >= burst.hide) hide.add('burst');
  else if (input.postsLast5Minutes >= burst.hold) hold.add('burst');

  if (hide.size > 0) return { verdict: 'hide', reasons: [...hide, ...hold] };
  if (hold.size > 0) return { verdict: 'hold', reasons: [...hold] };
  return { verdict: 'allow', reasons: [] };
}
