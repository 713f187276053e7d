import type {
  AnnouncedFacts,
  ActionItem,
  ConsensusTally,
  LabIdea,
  LabMessage,
  LabOutcome,
  LabPhase,
  LabQueue,
  Locale,
  ModerationNoticeEvent,
  PostStatus,
  PublicPost,
  PublicThread,
  ReactionCounts,
  ReactionKind,
  SanctionKind,
} from '@commons/shared';
import type { Logger } from './log.js';
import type { ThreadAudience } from '../forums/read-rule.js';

/**
 * Facts the domain services publish after a successful write. Listeners (per domain, in
 * `<domain>/listeners.ts`) turn them into jobs and socket pushes; services never do either.
 */
export interface DomainEventMap {
  /** An account was created; `approved`: from a sign-up an administrator approved. */
  'member.registered': { memberId: string; email: string; displayName: string; locale: Locale; approved?: boolean };
  /** Someone signed up while joining is by approval: the sign-up waits for an administrator. */
  'member.signUpPending': { signUpId: string; email: string; displayName: string; locale: Locale };
  'member.passwordResetRequested': {
    memberId: string;
    email: string;
    displayName: string;
    locale: Locale;
    timeZone: string;
    /** The stored reset request; the link is derived from it where the mail is made (auth/reset-links.ts). */
    resetId: string;
    expiresAt: Date;
  };
  'member.updated': { memberId: string };
  /** A link confirming the member's current address is to be mailed. */
  'member.verificationRequested': {
    memberId: string;
    email: string;
    displayName: string;
    locale: Locale;
    timeZone: string;
    token: string;
    expiresAt: Date;
  };
  /** The member changed their address; the previous one is told. */
  'member.emailChanged': {
    memberId: string;
    previousEmail: string;
    email: string;
    displayName: string;
    locale: Locale;
  };
  /** A category was created or changed (name, description, order, archive): the audit log records it. */
  'category.changed': {
    actorId: string;
    categoryId: string;
    action: 'category.create' | 'category.update';
    details: Record<string, unknown>;
  };
  /** An administrator invited someone by email (the invitation mail follows). */
  'invitation.created': {
    invitationId: string;
    email: string;
    name: string;
    locale: Locale;
    inviterName: string;
    expiresAt: Date;
  };
  /**
   * Fewer members may read a coalition's content: `memberId` left or was removed, or (null) the
   * coalition turned private or was deleted. Sockets in its rooms are checked again.
   */
  'coalition.readersShrank': { coalitionId: string; memberId: string | null };
  /** The member deleted their account: the row is now a "former member" without personal data. */
  'member.deleted': { memberId: string; contentDeleted: boolean };
  /** Sign-out ends one session (`sessionId`), a password change every session of the member (null). */
  'auth.sessionsEnded': { memberId: string; sessionId: string | null; reason: 'signed_out' | 'password_changed' };
  // forums (server/src/forums): the opening post comes with thread.created, not post.created
  'thread.created': {
    thread: PublicThread;
    post: PublicPost;
    actorId: string;
    mentionIds: string[];
    /** Its opening post was saved held or hidden (moderation/prescreen.ts): its author's tabs only. */
    restricted: boolean;
  };
  'thread.updated': {
    thread: PublicThread;
    previousCategoryId: string | null;
    actorId: string;
    /** Set when the title changed (moderation screens it with the opening post). */
    retitled?: { firstPostId: string; at: string } | null;
  };
  'thread.read': { memberId: string; threadId: string; lastReadSeq: number };
  /** Moderation held, hid or restored the opening post: the thread left lists or came back. */
  'thread.moderated': { threadId: string; categoryId: string; hidden: boolean };
  'post.created': {
    threadId: string;
    /** Who may hear of it live (forums/read-rule.ts `audienceOf`): the thread as it was when it was written in. */
    audience: ThreadAudience;
    /** Saved held or hidden (moderation/prescreen.ts): its author's tabs only. */
    restricted: boolean;
    post: PublicPost;
    actorId: string;
    replyToAuthorId: string | null;
    quotedAuthorId: string | null;
    mentionIds: string[];
  };
  /** A reply counted in its thread: the category's lists move the thread up with its new count. */
  'thread.activity': {
    thread: PublicThread;
    audience: ThreadAudience;
  };
  'post.updated': {
    post: PublicPost;
    actorId: string;
    newMentionIds: string[];
    /** Held or hidden: only its author (and moderators) may see the new text, so no room hears of it. */
    restricted: boolean;
  };
  /**
   * Screening let a new post stand (moderation/service.ts `screen`): its fan-out (notifications,
   * webhooks) follows from this, never from post.created, so nothing leaves before screening.
   */
  'post.published': {
    threadId: string;
    postId: string;
    /** The opening post of a new thread. */
    opening: boolean;
    actorId: string;
    replyToAuthorId: string | null;
    mentionIds: string[];
    /** What the fan-out needs of the post, thread and category, as written (absent in older jobs). */
    facts?: AnnouncedFacts | undefined;
  };
  /**
   * A post write whose screening the outbox's sweep handed over: its writer died (or Redis refused
   * it) perhaps before the live push, so the rooms hear the post as it is now.
   */
  'post.pushAgain': { postId: string; change: 'created' | 'edited' | 'retitled' };
  'post.deleted': { post: PublicPost; actorId: string };
  /** A post's moderation status changed (moderation asks, forums write it: forums/statuses.ts). */
  'post.statusChanged': { postId: string; threadId: string; authorId: string; status: PostStatus };
  'reaction.changed': {
    threadId: string;
    postId: string;
    postAuthorId: string;
    reactions: ReactionCounts;
    kind: ReactionKind;
    added: boolean;
    actorId: string;
  };
  // labs (server/src/labs): the schedule drives reminder jobs, the end the summary job
  'lab.scheduled': { labId: string; startsAt: Date };
  'lab.rescheduled': { labId: string; previousStartsAt: Date; startsAt: Date };
  'lab.cancelled': { labId: string; startsAt: Date };
  'lab.ended': { labId: string };
  /** Members were invited to an invite-only lab (each hears of it once). */
  'lab.invited': { labId: string; title: string; memberIds: string[]; actorId: string };
  /** A reminder job reminded these members (the lab mails them itself). */
  'lab.reminded': { labId: string; title: string; lead: '24h' | '15m'; startsAt: Date; memberIds: string[] };
  /** The summary job posted the lab's summary thread (published once per lab). */
  'lab.summarized': {
    labId: string;
    /**
     * The lab may leave the platform (webhooks): false for a private coalition's lab, whose
     * title, ideas, answers and actions are for its members only.
     */
    shareable: boolean;
    title: string;
    purpose: string;
    threadId: string;
    attendance: number;
    topIdeas: Array<{ text: string; dots: number }>;
    actionItems: Array<{
      title: string;
      ownerId: string | null;
      ownerName: string | null;
      dueDate: string | null;
      status: string;
    }>;
  };
  'lab.message': { message: LabMessage };
  'lab.phase': { phase: LabPhase };
  'lab.queue': { queue: LabQueue };
  'lab.idea': { idea: LabIdea };
  'lab.consensus': { labId: string; tally: ConsensusTally };
  'lab.action': { labId: string; action: ActionItem };
  /** A facilitator removed a participant from the lab room. */
  'lab.removed': { labId: string; memberId: string };
  /** Members moved from the waitlist to a seat. */
  'lab.seated': { labId: string; memberIds: string[] };
  /** A decision was recorded as an outcome (its review date, if any, schedules a reminder). */
  'lab.outcome': { labId: string; outcome: LabOutcome };
  /** An outcome's review date has come: remind these members (published once per outcome and date). */
  'lab.outcomeReviewDue': {
    labId: string;
    outcomeId: string;
    title: string;
    text: string;
    reviewAt: Date;
    memberIds: string[];
  };
  // events (server/src/events): the schedule drives reminder jobs; the two facts below are told to members
  'event.scheduled': { eventId: string; startsAt: Date };
  'event.rescheduled': { eventId: string; previousStartsAt: Date; startsAt: Date };
  /** A reminder job found members going who have not had this reminder yet (published once per member and start). */
  'event.reminderDue': { eventId: string; title: string; startsAt: Date; memberIds: string[]; lead: 'day' | 'hour' };
  /** Members who had not said no (going, waitlisted, maybe), except whoever cancelled it. */
  'event.cancelled': { eventId: string; title: string; startsAt: Date; memberIds: string[] };
  // moderation (server/src/moderation)
  'moderation.itemChanged': { itemId: string };
  'moderation.postHidden': {
    postId: string;
    threadId: string;
    authorId: string;
    status: PostStatus;
    reasons: string[];
    /** false when a moderator's decision tells the author itself (or was chosen not to). */
    tellAuthor: boolean;
  };
  /** A decision on reports: each reporter hears what came of theirs. */
  'moderation.reportsResolved': { postId: string; threadId: string; flaggerIds: string[]; upheld: boolean; at: Date };
  'moderation.urgent': { itemId: string; postId: string; reason: string };
  'moderation.notice': { memberId: string; notice: ModerationNoticeEvent };
  'moderation.sanctioned': { memberId: string; kind: SanctionKind; reason: string; expiresAt: Date | null };
  // hub (server/src/library): a submission waits for review; a decision tells the submitter
  'resource.submitted': { resourceId: string; submittedById: string };
  'resource.reviewed': {
    resourceId: string;
    submittedById: string;
    status: 'approved' | 'rejected';
    reviewerId: string;
  };
}

export type DomainEventName = keyof DomainEventMap;
type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => Promise<void> | void;

export class DomainEvents {
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners = new Map<DomainEventName, Listener<DomainEventName>[]>();

  constructor(private readonly log: Logger) {}

  on<K extends DomainEventName>(name: K, listener: Listener<K>): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as Listener<DomainEventName>]);
  }

  /** Runs the listeners in the background: a failure is logged, never the publisher's. */
  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    void this.published(name, payload);
  }

  /**
   * `publish`, resolving once this event's listeners are done (it never rejects): a writer that
   * hands its follow-ups over only after its live push went out (forums' `withScreening`).
   */
  published<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const runs = (this.listeners.get(name) ?? []).map((listener) => {
      const run = Promise.resolve()
        .then(() => listener(payload))
        .catch((err: unknown) => this.log.error({ err, event: name }, 'domain event listener failed'));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
      return run;
    });
    return Promise.all(runs).then(() => undefined);
  }

  /**
   * Runs the listeners and waits for them, failing if one fails: a job publishing a fact whose
   * follow-ups must be stored before the job counts as done (screening's post.published).
   */
  async deliver<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const results = await Promise.allSettled((this.listeners.get(name) ?? []).map(async (l) => l(payload)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0)
      throw new AggregateError(
        failed.map((f) => f.reason as unknown),
        `${name}: a listener failed`,
      );
  }

  /** Waits for listeners still running (graceful shutdown and tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
