import { EventEmitter } from 'node:events';
import type {
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

/**
 * Facts the domain services publish after a successful write. Listeners (per domain, in
 * `<domain>/listeners.ts`) turn them into jobs and socket pushes; services never do either.
 */
export interface DomainEventMap {
  'member.registered': { memberId: string; email: string; displayName: string; locale: Locale };
  'member.passwordResetRequested': {
    memberId: string;
    email: string;
    displayName: string;
    locale: Locale;
    timeZone: string;
    token: string;
    expiresAt: Date;
  };
  'member.updated': { memberId: string };
  // forums (server/src/forums): the opening post comes with thread.created, not post.created
  'thread.created': { thread: PublicThread; post: PublicPost; actorId: string; mentionIds: string[] };
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
    thread: PublicThread;
    post: PublicPost;
    actorId: string;
    replyToAuthorId: string | null;
    quotedAuthorId: string | null;
    mentionIds: string[];
  };
  'post.updated': { post: PublicPost; actorId: string; newMentionIds: string[] };
  'post.deleted': { post: PublicPost; actorId: string };
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
  };
  'moderation.postRestored': { postId: string };
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
  private readonly emitter = new EventEmitter();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {
    this.emitter.setMaxListeners(100);
  }

  on<K extends DomainEventName>(name: K, listener: Listener<K>): void {
    this.emitter.on(name, (payload: DomainEventMap[K]) => {
      const run = Promise.resolve()
        .then(() => listener(payload))
        .catch((err: unknown) => this.log.error({ err, event: name }, 'domain event listener failed'));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    });
  }

  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Waits for listeners still running (graceful shutdown and tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
