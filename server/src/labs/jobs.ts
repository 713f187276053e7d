import { locales, queueNames, threadPath, type LabJob, type Locale } from '@commons/shared';
import type { TFunction } from 'i18next';
import { trusted, Types } from 'mongoose';
import type { ForumService } from '../forums/service.js';
import { formatDateTime, translator } from '../infra/i18n.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import type { Outbox } from '../infra/outbox.js';
import { memberById, membersByIds } from '../members/reads.js';
import { canSeeCoalitionContent } from '../coalitions/access.js';
import { tallyChecks } from './consensus.js';
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
  outbox: Outbox;
  publicUrl: string;
  log: Logger;
  /** Where `lab.summarized` is published once the summary thread exists (webhooks listen). */
  events?: DomainEvents;
  /** The rooms' live model (room-model.ts): a lab's is dropped once its summary exists. */
  room?: { changed(labId: string): Promise<void> };
  /** Advances a phase whose countdown ended (the labs service, with its own events and emitter). */
  labs?: { advanceIfDue(labId: string, phaseIndex: number, endsAt: Date): Promise<unknown> };
}) {
  const { forums, outbox, publicUrl, log } = deps;
  const labUrl = (id: string) => `${publicUrl}/labs/${id}`;

  async function reminder(job: Reminder): Promise<{ sent: number } | { skipped: string }> {
    const lab = await LabModel.findById(job.labId).lean<LabLean>();
    if (!lab) return { skipped: 'no such lab' };
    if (lab.status !== 'scheduled') return { skipped: `lab is ${lab.status}` };
    if (lab.startsAt.toISOString() !== new Date(job.startsAt).toISOString()) return { skipped: 'lab was moved' };
    const marker = `${job.lead}-${lab.startsAt.getTime()}`;
    const going = await LabParticipantModel.find(
      { labId: lab._id, rsvp: 'going', remindersSent: trusted({ $ne: marker }) },
      { memberId: 1 },
    ).lean();
    const members = await membersByIds(
      going.map((p) => p.memberId),
      ['email', 'displayName', 'locale', 'timeZone'],
    );
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
        await outbox.schedule([
          {
            queue: 'mail',
            key: `lab-${job.labId}-reminder-${marker}-${memberId}`,
            job: {
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
          },
        ]);
      const marked = await LabParticipantModel.updateOne(
        { labId: lab._id, memberId: m._id, remindersSent: trusted({ $ne: marker }) },
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
        $or: [
          { summaryClaimedAt: null },
          { summaryClaimedAt: trusted({ $lt: new Date(now.getTime() - CLAIM_STALE_MS) }) },
        ],
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
    const [ideas, actions, outcomes, attendees] = await Promise.all([
      topIdeas(lab._id),
      LabActionModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>(),
      LabOutcomeModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<OutcomeLean[]>(),
      LabParticipantModel.find({ labId: lab._id, attended: true }, { memberId: 1, summaryMailed: 1 }).lean(),
    ]);

    let threadId = lab.summaryThreadId?.toHexString() ?? null;
    if (!threadId) {
      const host = await memberById(lab.hostId, ['locale', 'timeZone']);
      const actor = await forums.actorById(lab.hostId.toHexString());
      if (!actor || !host) throw new Error(`lab ${job.labId}: the host no longer exists`);
      const categoryId = await summaryCategory(lab, actor, host.locale);
      const body = await summaryMarkdown(lab, ideas, actions, outcomes, attendees.length, host.locale, host.timeZone);
      const { thread } = await forums.createThread(actor, {
        categoryId,
        title: summaryTitle(lab.title, host.locale),
        body,
      });
      threadId = thread.id;
      await LabModel.updateOne({ _id: lab._id }, { $set: { summaryThreadId: new Types.ObjectId(threadId) } });
      // The room shows the lab with its summary from now on; nothing in it changes any more.
      await deps.room?.changed(job.labId);
      log.info({ labId: job.labId, threadId }, 'lab summary posted');
      deps.events?.publish('lab.summarized', {
        labId: job.labId,
        shareable: !lab.coalitionId || (await canSeeCoalitionContent(OUTSIDER, lab.coalitionId)),
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
    const members = await membersByIds(
      toMail.map((a) => a.memberId),
      ['email', 'displayName', 'locale'],
    );
    for (const m of members) {
      const memberId = m._id.toHexString();
      await outbox.schedule([
        {
          queue: 'mail',
          key: `lab-${job.labId}-summary-${memberId}`,
          job: {
            kind: 'lab_summary',
            memberId,
            to: m.email,
            locale: m.locale,
            displayName: m.displayName,
            labTitle: lab.title,
            topIdeas: ideas.slice(0, 5).map((i) => ({ text: i.text, dots: i.dots })),
            actions: actions.map((a) => ({ title: a.title, owner: a.ownerName, dueDate: a.dueDate })),
            decisions: outcomes.map((o) => ({ title: o.title, text: o.text })),
            attendance: attendees.length,
            summaryUrl: `${publicUrl}${threadPath(threadId)}`,
          },
        },
      ]);
      await LabParticipantModel.updateOne({ labId: lab._id, memberId: m._id }, { $set: { summaryMailed: true } });
    }
    return { threadId, mailed: members.length };
  }

  /**
   * Where the summary goes. A coalition's lab: the coalition's category the facilitators chose,
   * else its first one, else one made for it, never a site-wide category (a private coalition's
   * lab stays with its members). Any other lab: the category chosen when scheduling, else the
   * first site-wide category.
   */
  async function summaryCategory(
    lab: LabLean,
    actor: NonNullable<Awaited<ReturnType<ForumService['actorById']>>>,
    locale: Locale,
  ): Promise<string> {
    const coalitionId = lab.coalitionId?.toHexString() ?? null;
    if (lab.summaryCategoryId) {
      const chosen = await forums.getCategory(actor, lab.summaryCategoryId.toHexString()).catch(() => null);
      if (chosen && !chosen.archived && chosen.coalitionId === coalitionId) return chosen.id;
      log.warn({ labId: lab._id.toHexString() }, 'the chosen summary category is gone or elsewhere; using another');
    }
    if (coalitionId) {
      const t = translator(locale);
      const own = await forums.coalitionCategoryFor(actor, coalitionId, {
        slug: `lab-summaries-${coalitionId}`,
        name: t('labs.summary.categoryName'),
        description: t('labs.summary.categoryDescription'),
      });
      return own.id;
    }
    const [first] = (await forums.listCategories(actor, {})).filter((c) => c.coalitionId === null);
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
      { _id: outcome._id, reviewRemindedFor: trusted({ $ne: reviewAt }) },
      { $set: { reviewRemindedFor: reviewAt } },
    );
    if (marked.modifiedCount !== 1) return { skipped: 'already reminded' };
    const lab = await LabModel.findById(outcome.labId).lean<LabLean>();
    if (!lab) return { skipped: 'no such lab' };
    const took = await LabParticipantModel.find(
      { labId: lab._id, attended: true, removed: trusted({ $ne: true }) },
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

const OUTSIDER = { id: '000000000000000000000000', role: 'member' as const };

/** The summary thread's title: "Summary" in the host's language, then in the others. */
export function summaryTitle(title: string, hostLocale: Locale): string {
  const heads = orderedLocales(hostLocale).map((l) => translator(l)('labs.summary.short'));
  return `${heads.join(' · ')}: ${title}`.slice(0, 200);
}

const orderedLocales = (first: Locale): Locale[] => [first, ...locales.filter((l) => l !== first)];

/**
 * The summary as Markdown, in every language of the platform (the host's first), so each
 * reader finds it in theirs: one forum thread serves members of both languages.
 */
export async function summaryMarkdown(
  lab: LabLean,
  ideas: RankedIdea[],
  actions: ActionLean[],
  outcomes: OutcomeLean[],
  attendance: number,
  hostLocale: Locale,
  timeZone: string,
): Promise<string> {
  // Each check by its own settings: names only where it was not anonymous; hidden results revealed.
  const tallies = await tallyChecks(lab, true);
  const sections = orderedLocales(hostLocale).map((locale) =>
    summarySection(lab, { ideas, actions, outcomes, tallies, attendance }, locale, timeZone),
  );
  return sections.join('\n\n---\n\n');
}

function summarySection(
  lab: LabLean,
  parts: {
    ideas: RankedIdea[];
    actions: ActionLean[];
    outcomes: OutcomeLean[];
    tallies: Awaited<ReturnType<typeof tallyChecks>>;
    attendance: number;
  },
  locale: Locale,
  timeZone: string,
): string {
  const t: TFunction = translator(locale);
  const { ideas, actions, outcomes, tallies, attendance } = parts;
  const none = `_${t('labs.summary.none')}_`;
  const checkLines = tallies.flatMap((tally) => {
    const c = tally.counts;
    const lines = [
      `- ${tally.title}: **${t(`labs.room.outcome.${tally.outcome}`)}** (${t('labs.room.choices.agree')} ${c.agree}, ${t('labs.room.choices.abstain')} ${c.abstain}, ${t('labs.room.choices.disagree')} ${c.disagree}, ${t('labs.room.choices.block')} ${c.block})`,
    ];
    if (tally.proposal) lines.push(`  - ${t('labs.summary.proposal')}: ${tally.proposal}`);
    if (tally.blockReasons.length)
      lines.push(`  - ${t('labs.summary.blockReasons')}: ${tally.blockReasons.join('; ')}`);
    if (!tally.anonymous && tally.voters.length)
      lines.push(
        `  - ${t('labs.summary.answers')}: ${tally.voters.map((v) => `${v.member.displayName} (${t(`labs.room.choices.${v.choice}`)})`).join(', ')}`,
      );
    return lines;
  });
  const lines: string[] = [
    `**${t('labs.summary.languageName')}**`,
    '',
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
    `## ${t('labs.summary.decisions')}`,
    ...(outcomes.length
      ? outcomes.map((o) => {
          const review = o.reviewAt
            ? ` (${t('labs.summary.reviewOn', { date: formatDateTime(o.reviewAt, locale, timeZone) })})`
            : '';
          return `- **${o.title}**${review}${o.text ? ` — ${o.text}` : ''}`;
        })
      : [none]),
    '',
    `## ${t('labs.summary.ideas')}`,
    ...(ideas.length ? ideas.map((i) => `- ${i.text} — ${t('labs.room.dots', { count: i.dots })}`) : [none]),
    '',
    `## ${t('labs.summary.consensus')}`,
    ...(checkLines.length ? checkLines : [none]),
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
