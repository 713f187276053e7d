import { EventEmitter } from 'node:events';
import type { Locale, PublicPost, PublicThread, ReactionCounts, ReactionKind } from '@commons/shared';
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
  'thread.updated': { thread: PublicThread; previousCategoryId: string | null; actorId: string };
  'thread.read': { memberId: string; threadId: string; lastReadSeq: number };
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
