import { createHash } from 'node:crypto';
import { postPath, threadPath, type NoticeInput } from '@commons/shared';
import { postById, threadById } from '../forums/reads.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Outbox } from '../infra/outbox.js';
import { labMemberIds, labTitle } from '../labs/reads.js';
import { reviewedResource } from '../library/reads.js';

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Facts of other domains that members are told about (lab invitations and reminders, summaries,
 * action items, events, moderation outcomes, resource reviews) become `notice` jobs. The job id
 * is the fact's key and audience, so the same fact heard by two processes (the API and the
 * workers register these listeners alike) is one job, and the job tells nobody twice.
 */
export function registerNoticeListeners(events: DomainEvents, deps: { outbox: Outbox }): void {
  async function enqueue(notice: NoticeInput): Promise<void> {
    if (notice.memberIds.length === 0) return;
    // The same fact told to other members (a later batch of a retried reminder) is a job of its own;
    // each member's copy is kept once by its key (NotificationService.notice).
    const audience = short([...notice.memberIds].sort().join(','));
    await deps.outbox.schedule([
      { queue: 'notifications', key: `notice-${short(notice.key)}-${audience}`, job: { kind: 'notice', notice } },
    ]);
  }

  const labMembers = (labId: string, rsvps: ('going' | 'maybe')[]) => labMemberIds(labId, { rsvps });

  const lab = (id: string, title: string) => ({ type: 'lab' as const, id, title, path: `/labs/${id}` });

  events.on('lab.invited', (e) =>
    enqueue({
      kind: 'lab_invitation',
      key: `lab-${e.labId}-invitation`,
      memberIds: e.memberIds,
      subject: lab(e.labId, e.title),
      detail: null,
      actorId: e.actorId,
    }),
  );

  events.on('lab.reminded', (e) =>
    enqueue({
      kind: 'lab_reminder',
      key: `lab-${e.labId}-reminder-${e.lead}-${e.startsAt.getTime()}`,
      memberIds: e.memberIds,
      subject: lab(e.labId, e.title),
      detail: e.lead,
      actorId: null,
      mailedSeparately: true,
    }),
  );

  events.on('lab.rescheduled', async (e) => {
    const title = await labTitle(e.labId);
    if (!title) return;
    await enqueue({
      kind: 'lab_update',
      key: `lab-${e.labId}-moved-${e.startsAt.getTime()}`,
      memberIds: await labMembers(e.labId, ['going', 'maybe']),
      subject: lab(e.labId, title),
      detail: 'rescheduled',
      actorId: null,
    });
  });

  events.on('lab.cancelled', async (e) => {
    const title = await labTitle(e.labId);
    if (!title) return;
    await enqueue({
      kind: 'lab_update',
      key: `lab-${e.labId}-cancelled`,
      memberIds: await labMembers(e.labId, ['going', 'maybe']),
      subject: lab(e.labId, title),
      detail: 'cancelled',
      actorId: null,
    });
  });

  events.on('lab.summarized', async (e) => {
    const attended = await labMemberIds(e.labId, { attended: true });
    await enqueue({
      kind: 'lab_summary',
      key: `lab-${e.labId}-summary`,
      memberIds: attended,
      subject: { type: 'thread', id: e.threadId, title: e.title, path: threadPath(e.threadId) },
      detail: null,
      actorId: null,
      // The summary job mails participants itself.
      mailedSeparately: true,
    });
  });

  // An action item given to someone (created with an owner, or its owner changed).
  events.on('lab.action', (e) => {
    const ownerId = e.action.owner?.id;
    if (!ownerId) return;
    return enqueue({
      kind: 'action_item',
      key: `action-${e.action.id}-owner-${ownerId}`,
      memberIds: [ownerId],
      subject: { type: 'action_item', id: e.action.id, title: e.action.title, path: `/labs/${e.labId}` },
      detail: 'assigned',
      actorId: null,
    });
  });

  // A decision recorded in a lab reached its review date.
  events.on('lab.outcomeReviewDue', (e) =>
    enqueue({
      kind: 'action_item',
      key: `outcome-${e.outcomeId}-review-${e.reviewAt.getTime()}`,
      memberIds: e.memberIds,
      subject: { type: 'lab', id: e.labId, title: e.text, path: `/labs/${e.labId}` },
      detail: 'review_due',
      actorId: null,
    }),
  );

  events.on('event.reminderDue', (e) =>
    enqueue({
      kind: 'event_reminder',
      key: `event-${e.eventId}-reminder-${e.lead}-${e.startsAt.getTime()}`,
      memberIds: e.memberIds,
      subject: { type: 'event', id: e.eventId, title: e.title, path: `/events/${e.eventId}` },
      detail: e.lead,
      actorId: null,
    }),
  );

  events.on('event.cancelled', (e) =>
    enqueue({
      kind: 'event_reminder',
      key: `event-${e.eventId}-cancelled`,
      memberIds: e.memberIds,
      subject: { type: 'event', id: e.eventId, title: e.title, path: `/events/${e.eventId}` },
      detail: 'cancelled',
      actorId: null,
    }),
  );

  async function postSubject(postId: string) {
    const post = await postById(postId);
    if (!post) return null;
    const thread = await threadById(post.threadId);
    const threadId = post.threadId.toHexString();
    return {
      type: 'post' as const,
      id: postId,
      title: thread?.title ?? '',
      path: postPath(threadId, post.seq),
    };
  }

  /*
   * What moderation did to a member's post reaches them once per channel: an automatic hold or
   * hide (screening, reports) says it waits for review; a moderator's decision comes as its own
   * notice (moderation.notice), and the hide it causes tells nothing more (tellAuthor false).
   */
  events.on('moderation.postHidden', async (e) => {
    if (!e.tellAuthor) return;
    const subject = await postSubject(e.postId);
    if (!subject) return;
    await enqueue({
      kind: 'moderation',
      key: `moderation-${e.postId}-${e.status}-${short(e.reasons.join('|'))}`,
      memberIds: [e.authorId],
      subject,
      detail: e.status === 'held' ? 'post_held' : 'post_hidden_review',
      actorId: null,
    });
  });

  // A moderator's decision the author is told of (a resolved item with notifyAuthor).
  events.on('moderation.notice', async (e) => {
    const { notice } = e;
    if (!notice.postId) return;
    const subject = await postSubject(notice.postId);
    if (!subject) return;
    await enqueue({
      kind: 'moderation',
      key: `moderation-${notice.postId}-${notice.kind}-${short(notice.reason)}`,
      memberIds: [e.memberId],
      subject,
      detail: notice.kind,
      excerpt: notice.reason.slice(0, 300),
      actorId: null,
    });
  });

  // Reporters hear what came of their report, by their channel for moderation news.
  events.on('moderation.reportsResolved', async (e) => {
    const thread = await threadById(e.threadId);
    if (!thread) return;
    await enqueue({
      kind: 'moderation',
      key: `report-${e.postId}-${e.at.getTime()}`,
      memberIds: e.flaggerIds,
      subject: { type: 'thread', id: e.threadId, title: thread.title, path: `/forums/t/${e.threadId}` },
      detail: e.upheld ? 'report_upheld' : 'report_kept',
      actorId: null,
    });
  });

  events.on('moderation.sanctioned', (e) =>
    enqueue({
      kind: 'moderation',
      key: `sanction-${e.memberId}-${e.kind}-${short(`${e.reason}|${e.expiresAt?.toISOString() ?? ''}`)}`,
      memberIds: [e.memberId],
      subject: { type: 'account', id: e.memberId, title: '', path: '/notifications' },
      detail: e.kind,
      excerpt: e.reason.slice(0, 300),
      actorId: null,
    }),
  );

  events.on('resource.reviewed', async (e) => {
    const resource = await reviewedResource(e.resourceId);
    if (!resource) return;
    await enqueue({
      kind: 'resource_reviewed',
      key: `resource-${e.resourceId}-${e.status}-${resource.reviewedAt?.getTime() ?? 0}`,
      memberIds: [e.submittedById],
      subject: { type: 'resource', id: e.resourceId, title: resource.title, path: `/library/${e.resourceId}` },
      detail: e.status,
      actorId: e.reviewerId,
    });
  });
}
