import { createHash } from 'node:crypto';
import type { NoticeInput } from '@commons/shared';
import { PostModel, ThreadModel } from '../forums/model.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';
import { LabModel, LabParticipantModel } from '../labs/model.js';
import { ResourceModel } from '../library/model.js';

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Facts of other domains that members are told about (lab invitations and reminders, summaries,
 * action items, events, moderation outcomes, resource reviews) become `notice` jobs. The job id
 * is the fact's key and audience, so the same fact heard by two processes (the API and the
 * workers register these listeners alike) is one job, and the job tells nobody twice.
 */
export function registerNoticeListeners(events: DomainEvents, deps: { queues: Pick<Queues, 'notifications'> }): void {
  async function enqueue(notice: NoticeInput): Promise<void> {
    if (notice.memberIds.length === 0) return;
    // The same fact told to other members (a later batch of a retried reminder) is a job of its own;
    // each member's copy is kept once by its key (NotificationService.notice).
    const audience = short([...notice.memberIds].sort().join(','));
    await deps.queues.notifications.add(
      'notice',
      { kind: 'notice', notice },
      { jobId: `notice-${short(notice.key)}-${audience}` },
    );
  }

  async function labMembers(labId: string, rsvps: ('going' | 'maybe')[]): Promise<string[]> {
    const rows = await LabParticipantModel.find({ labId, rsvp: { $in: rsvps } }, { memberId: 1 }).lean();
    return rows.map((r) => r.memberId.toHexString());
  }

  async function labTitle(labId: string): Promise<string | null> {
    return (await LabModel.findById(labId, { title: 1 }).lean())?.title ?? null;
  }

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
    const attended = await LabParticipantModel.find({ labId: e.labId, attended: true }, { memberId: 1 }).lean();
    await enqueue({
      kind: 'lab_summary',
      key: `lab-${e.labId}-summary`,
      memberIds: attended.map((p) => p.memberId.toHexString()),
      subject: { type: 'thread', id: e.threadId, title: e.title, path: `/forums/t/${e.threadId}` },
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
    const post = await PostModel.findById(postId, { threadId: 1 }).lean();
    if (!post) return null;
    const thread = await ThreadModel.findById(post.threadId, { title: 1 }).lean();
    const threadId = post.threadId.toHexString();
    return {
      type: 'post' as const,
      id: postId,
      title: thread?.title ?? '',
      path: `/forums/t/${threadId}#post-${postId}`,
    };
  }

  // Held or hidden by screening or by flags: the author learns it (and why, on the post itself).
  events.on('moderation.postHidden', async (e) => {
    const subject = await postSubject(e.postId);
    if (!subject) return;
    await enqueue({
      kind: 'moderation',
      key: `moderation-${e.postId}-${e.status}-${short(e.reasons.join('|'))}`,
      memberIds: [e.authorId],
      subject,
      detail: e.status === 'held' ? 'post_held' : 'post_hidden',
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
      actorId: null,
    }),
  );

  events.on('resource.reviewed', async (e) => {
    const resource = await ResourceModel.findById(e.resourceId, { title: 1, reviewedAt: 1 }).lean();
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
