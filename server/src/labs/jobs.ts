import { queueNames, type LabJob, type Locale } from '@commons/shared';
import type { TFunction } from 'i18next';
import { Types } from 'mongoose';
import type { ForumService } from '../forums/service.js';
import { formatDateTime, translator } from '../infra/i18n.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import type { Queues } from '../infra/queues.js';
import { MemberModel } from '../members/model.js';
import { consensusSettingsOf, tallyConsensus } from './live.js';
import {
  LabActionModel,
  LabIdeaModel,
  LabModel,
  LabOutcomeModel,
  LabParticipantModel,
  type ActionLean,
  type IdeaLean,
  type LabLean,
  type OutcomeLean,
} from './model.js';
import { channelsFor } from '../notifications/settings.js';
import { labEndsAt } from './policy.js';
import { dotCounts } from './present.js';

export interface RankedIdea {
  text: string;
  dots: number;
}

/** The ideas with the most dots (ties: the earlier idea first). */
async function topIdeas(labId: Types.ObjectId): Promise<RankedIdea[]> {
  const [ideas, counts] = await Promise.all([
    LabIdeaModel.find({ labId }).sort({ createdAt: 1, _id: 1 }).lean<IdeaLean[]>(),
    dotCounts(labId),
  ]);
  return ideas
    .map((i) => ({ text: i.text, dots: counts.get(i._id.toHexString()) ?? 0 }))
    .filter((i) => i.dots > 0)
    .sort((a, b) => b.dots - a.dots)
    .slice(0, SUMMARY_TOP_IDEAS);
}

type Reminder = Extract<LabJob, { kind: 'reminder' }>;
type Summary = Extract<LabJob, { kind: 'summary' }>;
type PhaseEnd = Extract<LabJob, { kind: 'phase_end' }>;
type OutcomeReview = Extract<LabJob, { kind: 'outcome_review' }>;

/** How many ideas the summary lists. */
export const SUMMARY_TOP_IDEAS = 10;
/** A claimed summary that never finished may be taken over after this long. */
const CLAIM_STALE_MS = 2 * 60_000;

/**
 * The work of the `labs` queue: reminders before a lab and the summary after it. Both are
 * idempotent: a reminder records who got it (participant.remindersSent) and mails go out
 * under deterministic job ids; the summary is claimed on the lab and remembers its thread.
 */
export function createLabJobs(deps: {
  forums: ForumService;
  queues: Queues;
  publicUrl: string;
  log: Logger;
  /** Where `lab.summarized` is published once the summary thread exists (webhooks listen). */
  events?: DomainEvents;
  /** Advances a phase whose countdown ended (the labs service, with its own events and emitter). */
  labs?: { advanceIfDue(labId: string, phaseIndex: number, endsAt: Date): Promise<unknown> };
}) {
  const { forums, queues, publicUrl, log } = deps;
  const labUrl = (id: string) => `${publicUrl}/labs/${id}`;

  async function reminder(job: Reminder): Promise<{ sent: number } | { skipped: string }> {
    const lab = await LabModel.findById(job.labId).lean<LabLean>();
    if (!lab) return { skipped: 'no such lab' };
    if (lab.status !== 'scheduled') return { skipped: `lab is ${lab.status}` };
    if (lab.startsAt.toISOString() !== new Date(job.startsAt).toISOString()) return { skipped: 'lab was moved' };
    const marker = `${job.lead}-${lab.startsAt.getTime()}`;
    const going = await LabParticipantModel.find(
      { labId: lab._id, rsvp: 'going', remindersSent: { $ne: marker } },
      { memberId: 1 },
    ).lean();
    const members = await MemberModel.find(
      { _id: { $in: going.map((p) => p.memberId) } },
      { email: 1, displayName: 1, locale: 1, timeZone: 1 },
    ).lean();
    let sent = 0;
    // The member's notification settings decide whether the reminder is mailed (in-app follows lab.reminded).
    const channels = await channelsFor(
      'lab_reminder',
      members.map((m) => m._id.toHexString()),
    );
    const reminded: string[] = [];
    for (const m of members) {
      const memberId = m._id.toHexString();
      reminded.push(memberId);
      // Deterministic mail job id: a retried reminder job enqueues nothing twice (and mail delivery is keyed on it).
      if (channels.get(memberId) === 'email')
        await queues.mail.add(
          'lab_reminder',
          {
            kind: 'lab_reminder',
            memberId,
            to: m.email,
            locale: m.locale,
            displayName: m.displayName,
            timeZone: m.timeZone,
            labTitle: lab.title,
            startsAt: lab.startsAt.toISOString(),
            lead: job.lead,
            labUrl: labUrl(job.labId),
          },
          { jobId: `lab-${job.labId}-reminder-${marker}-${memberId}` },
        );
      const marked = await LabParticipantModel.updateOne(
        { labId: lab._id, memberId: m._id, remindersSent: { $ne: marker } },
        { $push: { remindersSent: marker } },
      );
      if (marked.modifiedCount === 1) sent++;
    }
    deps.events?.publish('lab.reminded', {
      labId: job.labId,
      title: lab.title,
      lead: job.lead,
      startsAt: lab.startsAt,
      memberIds: reminded,
    });
    return { sent };
  }

  async function summary(job: Summary): Promise<{ threadId: string; mailed: number } | { skipped: string }> {
    const now = new Date();
    let lab = await LabModel.findOneAndUpdate(
      {
        _id: job.labId,
        status: 'ended',
        summaryThreadId: null,
        $or: [{ summaryClaimedAt: null }, { summaryClaimedAt: { $lt: new Date(now.getTime() - CLAIM_STALE_MS) } }],
      },
      { $set: { summaryClaimedAt: now } },
      { returnDocument: 'after' },
    ).lean<LabLean>();
    if (!lab) {
      lab = await LabModel.findById(job.labId).lean<LabLean>();
      if (!lab || lab.status !== 'ended') return { skipped: 'lab has not ended' };
      // Another run holds the claim and has not finished: fail, so BullMQ retries after a backoff
      // (by then that run has posted the thread, or its claim has gone stale).
      if (!lab.summaryThreadId) throw new Error(`lab ${job.labId}: another run is writing the summary`);
    }
    const [ideas, actions, attendees] = await Promise.all([
      topIdeas(lab._id),
      LabActionModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>(),
      LabParticipantModel.find({ labId: lab._id, attended: true }, { memberId: 1, summaryMailed: 1 }).lean(),
    ]);

    let threadId = lab.summaryThreadId?.toHexString() ?? null;
    if (!threadId) {
      const host = await MemberModel.findById(lab.hostId, { locale: 1, timeZone: 1 }).lean();
      const actor = await forums.actorById(lab.hostId.toHexString());
      if (!actor || !host) throw new Error(`lab ${job.labId}: the host no longer exists`);
      const categoryId = await summaryCategory(lab, actor);
      const body = await summaryMarkdown(lab, ideas, actions, attendees.length, host.locale, host.timeZone);
      const t = translator(host.locale);
      const { thread } = await forums.createThread(actor, {
        categoryId,
        title: `${t('labs.summary.heading')}: ${lab.title}`.slice(0, 200),
        body,
      });
      threadId = thread.id;
      await LabModel.updateOne({ _id: lab._id }, { $set: { summaryThreadId: new Types.ObjectId(threadId) } });
      log.info({ labId: job.labId, threadId }, 'lab summary posted');
      deps.events?.publish('lab.summarized', {
        labId: job.labId,
        title: lab.title,
        purpose: lab.purpose,
        threadId,
        attendance: attendees.length,
        topIdeas: ideas.map((i) => ({ text: i.text, dots: i.dots })),
        actionItems: actions.map((a) => ({
          title: a.title,
          ownerId: a.ownerId?.toHexString() ?? null,
          ownerName: a.ownerName,
          dueDate: a.dueDate,
          status: a.status,
        })),
      });
    }

    const toMail = attendees.filter((a) => !a.summaryMailed);
    const members = await MemberModel.find(
      { _id: { $in: toMail.map((a) => a.memberId) } },
      { email: 1, displayName: 1, locale: 1 },
    ).lean();
    for (const m of members) {
      const memberId = m._id.toHexString();
      await queues.mail.add(
        'lab_summary',
        {
          kind: 'lab_summary',
          memberId,
          to: m.email,
          locale: m.locale,
          displayName: m.displayName,
          labTitle: lab.title,
          topIdeas: ideas.slice(0, 5).map((i) => ({ text: i.text, dots: i.dots })),
          actions: actions.map((a) => ({ title: a.title, owner: a.ownerName, dueDate: a.dueDate })),
          attendance: attendees.length,
          summaryUrl: `${publicUrl}/threads/${threadId}`,
        },
        { jobId: `lab-${job.labId}-summary-${memberId}` },
      );
      await LabParticipantModel.updateOne({ labId: lab._id, memberId: m._id }, { $set: { summaryMailed: true } });
    }
    return { threadId, mailed: members.length };
  }

  async function summaryCategory(lab: LabLean, actor: NonNullable<Awaited<ReturnType<ForumService['actorById']>>>) {
    if (lab.summaryCategoryId) {
      try {
        return (await forums.getCategory(actor, lab.summaryCategoryId.toHexString())).id;
      } catch {
        log.warn({ labId: lab._id.toHexString() }, 'summary category is gone; using the first one');
      }
    }
    // A coalition's lab: its summary goes to the coalition's own first category, if it has one.
    const own = lab.coalitionId
      ? await forums.listCategories(actor, { coalitionId: lab.coalitionId.toHexString() }).catch(() => [])
      : [];
    const [first] = own.length ? own : await forums.listCategories(actor, {});
    if (!first) throw new Error('no forum category to post the lab summary in');
    return first.id;
  }

  /** The countdown ended: the next phase, if the lab is still in that phase (see live.ts advanceIfDue). */
  async function phaseEnd(job: PhaseEnd): Promise<{ advanced: boolean }> {
    if (!deps.labs) return { advanced: false };
    const phase = await deps.labs.advanceIfDue(job.labId, job.phaseIndex, new Date(job.endsAt));
    return { advanced: phase !== null };
  }

  /**
   * An outcome's review date came: publishes `lab.outcomeReviewDue` for the members who took part
   * and the facilitators, once per outcome and date (the outcome records the date it reminded for).
   */
  async function outcomeReview(job: OutcomeReview): Promise<{ reminded: number } | { skipped: string }> {
    const reviewAt = new Date(job.reviewAt);
    const outcome = await LabOutcomeModel.findById(job.outcomeId).lean<OutcomeLean>();
    if (!outcome) return { skipped: 'no such outcome' };
    if (outcome.reviewAt?.getTime() !== reviewAt.getTime()) return { skipped: 'review date was moved' };
    const marked = await LabOutcomeModel.updateOne(
      { _id: outcome._id, reviewRemindedFor: { $ne: reviewAt } },
      { $set: { reviewRemindedFor: reviewAt } },
    );
    if (marked.modifiedCount !== 1) return { skipped: 'already reminded' };
    const lab = await LabModel.findById(outcome.labId).lean<LabLean>();
    if (!lab) return { skipped: 'no such lab' };
    const took = await LabParticipantModel.find(
      { labId: lab._id, attended: true, removed: { $ne: true } },
      { memberId: 1 },
    ).lean();
    const memberIds = [
      ...new Set([lab.hostId, ...lab.facilitatorIds, ...took.map((p) => p.memberId)].map((id) => id.toHexString())),
    ];
    deps.events?.publish('lab.outcomeReviewDue', {
      labId: lab._id.toHexString(),
      outcomeId: outcome._id.toHexString(),
      title: outcome.title,
      text: outcome.text,
      reviewAt,
      memberIds,
    });
    log.info({ labId: job.labId, outcomeId: job.outcomeId, members: memberIds.length }, 'outcome review due');
    return { reminded: memberIds.length };
  }

  return {
    queue: queueNames.labs,
    handlers: { reminder, summary, phase_end: phaseEnd, outcome_review: outcomeReview },
  };
}

/** The summary as Markdown, in the host's language. */
export async function summaryMarkdown(
  lab: LabLean,
  ideas: RankedIdea[],
  actions: ActionLean[],
  attendance: number,
  locale: Locale,
  timeZone: string,
): Promise<string> {
  const t: TFunction = translator(locale);
  const consensusPhases = lab.agenda
    .map((item, index) => ({ item, index }))
    .filter(({ item, index }) => item.kind === 'consensus' && index <= lab.phaseIndex);
  const settings = { ...consensusSettingsOf(lab), hidden: false, closed: true };
  const tallies = await Promise.all(consensusPhases.map(({ index }) => tallyConsensus(lab._id, index, settings)));
  const none = `_${t('labs.summary.none')}_`;
  const lines: string[] = [
    `**${formatDateTime(lab.startsAt, locale, timeZone)} – ${formatDateTime(labEndsAt(lab), locale, timeZone)}**`,
    '',
    `## ${t('labs.summary.purpose')}`,
    lab.purpose,
    '',
    `## ${t('labs.summary.agenda')}`,
    ...lab.agenda.map(
      (a, i) =>
        `${i + 1}. ${a.title} (${t(`labs.kinds.${a.kind}`)}, ${t('labs.detail.minutes', { count: a.minutes })})`,
    ),
    '',
    `## ${t('labs.summary.ideas')}`,
    ...(ideas.length ? ideas.map((i) => `- ${i.text} — ${t('labs.room.dots', { count: i.dots })}`) : [none]),
    '',
    `## ${t('labs.summary.consensus')}`,
    ...(tallies.length
      ? tallies.map((tally, n) => {
          const title = consensusPhases[n]!.item.title;
          const c = tally.counts;
          const reasons = tally.blockReasons.length ? ` — ${tally.blockReasons.join('; ')}` : '';
          return `- ${title}: **${t(`labs.room.outcome.${tally.outcome}`)}** (${t('labs.room.choices.agree')} ${c.agree}, ${t('labs.room.choices.abstain')} ${c.abstain}, ${t('labs.room.choices.disagree')} ${c.disagree}, ${t('labs.room.choices.block')} ${c.block})${reasons}`;
        })
      : [none]),
    '',
    `## ${t('labs.summary.actions')}`,
    ...(actions.length
      ? actions.map((a) =>
          t('labs.email.summary.actionLine', {
            title: a.title,
            owner: a.ownerName ?? t('labs.email.summary.noOwner'),
            due: a.dueDate ?? t('labs.email.summary.noDue'),
          }).replace(/^•/, '-'),
        )
      : [none]),
    '',
    `## ${t('labs.summary.attendance')}`,
    t('labs.email.summary.attendance', { count: attendance }),
  ];
  return lines.join('\n');
}
