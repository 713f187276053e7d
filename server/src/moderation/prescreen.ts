import type { PostStatus, Role, ScreenedPost } from '@commons/shared';
import { recentPostsOf, type RecentPost } from './recent-posts.js';
import { screenPost, type ScreeningResult } from './rules.js';
import { trustLevelOf } from './trust.js';

/*
 * Screening's verdict on a post write, judged where the post is written: a post screening holds
 * or hides is saved held or hidden, so it reaches no room, kept page, list or reader before its
 * screening job has run (the job then applies the same verdict: the review item, the author's
 * notice, the thread's marks). A plain function of this module, as the publishing gate is, so
 * every write path asks the same question. Its inputs come from Redis (trust, the author's
 * window of recent posts): a post let stand costs no store command here.
 */

const DAY_MS = 24 * 3600_000;
const BURST_MS = 5 * 60_000;
const ALLOW: ScreeningResult = { verdict: 'allow', reasons: [] };

/** Posts of one member within five minutes that hold the last one, and that hide it (config). */
let burst = { hold: 8, hide: 12 };

/** Set from SCREENING_BURST_HOLD / SCREENING_BURST_HIDE as the process starts (runtime.ts). */
export function setBurstLimits(limits: { hold: number; hide: number }): void {
  burst = { ...limits };
}

export interface ScreeningFacts {
  authorId: string;
  authorRole: Role;
  authorSince: Date;
  body: string;
  /** The thread's title, for an opening post. */
  title?: string | undefined;
  /** When the post was first written (an edit keeps its post's time). */
  createdAt: Date;
}

/** A new post as its write and its screening job carry it. */
export function factsOfScreened(w: ScreenedPost): ScreeningFacts {
  return {
    authorId: w.authorId,
    authorRole: w.authorRole,
    authorSince: new Date(w.authorSince),
    body: w.body,
    title: w.title,
    createdAt: new Date(w.createdAt),
  };
}

/** The status a post judged so is saved with; undefined when it stands. */
export function statusOfVerdict(result: ScreeningResult): Exclude<PostStatus, 'visible'> | undefined {
  return result.verdict === 'hide' ? 'hidden' : result.verdict === 'hold' ? 'held' : undefined;
}

/** How far back the author's window is read for a post written at `createdAt`, judged at `at`. */
export function windowStart(createdAt: Date, at: Date): number {
  return Math.min(at.getTime() - DAY_MS, createdAt.getTime() - BURST_MS);
}

/**
 * The verdict from what is known of the author. The post judged (`postId`) counts in its own
 * burst once, whether or not the window holds it yet, and is no repeat of itself.
 */
export function verdictFrom(
  facts: ScreeningFacts,
  postId: string,
  lately: RecentPost[],
  trustLevel: number,
  at: Date,
): ScreeningResult {
  if (facts.authorRole !== 'member') return ALLOW;
  const dayAgo = at.getTime() - DAY_MS;
  const writtenAt = facts.createdAt.getTime();
  const others = lately.filter((r) => r.postId !== postId);
  return screenPost({
    body: facts.body,
    title: facts.title,
    trustLevel,
    accountAgeHours: (at.getTime() - facts.authorSince.getTime()) / 3600_000,
    recentFingerprints: others
      .filter((r) => r.at >= dayAgo)
      .slice(-200)
      .map((r) => r.fingerprint),
    postsLast5Minutes: others.filter((r) => r.at >= writtenAt - BURST_MS && r.at <= writtenAt).length + 1,
    burst,
  });
}

/** The verdict on a post about to be written (or its new text), from the author's trust and window. */
export async function prescreen(facts: ScreeningFacts, postId: string, at = new Date()): Promise<ScreeningResult> {
  if (facts.authorRole !== 'member') return ALLOW;
  const [trustLevel, lately] = await Promise.all([
    trustLevelOf(facts.authorId),
    recentPostsOf(facts.authorId, windowStart(facts.createdAt, at)),
  ]);
  return verdictFrom(facts, postId, lately, trustLevel, at);
}
