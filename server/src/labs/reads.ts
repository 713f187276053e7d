import type { Role } from '@commons/shared';
import { Types, trusted } from 'mongoose';
import { findIn } from '../infra/store/index.js';
import { labRoom } from './presence.js';
import { readableLabs } from './read-rule.js';
import { LabActionModel, LabModel, LabParticipantModel, type LabLean } from './model.js';

/*
 * What other domains read of the labs. The labs' part of a member's digest is read through the
 * labs' own rule (read-rule.ts).
 * A digest run reads the labs to come, and who takes part in or owns anything, once (the
 * notifications' shared reads keep them); each member's sections are cut from those.
 */

const SECTION_LIMIT = 5;

export type UpcomingLab = LabLean;

/** Scheduled labs starting after `at` and before `until`, soonest first. */
export function scheduledLabsBetween(at: Date, until: Date): Promise<UpcomingLab[]> {
  return LabModel.find({ status: 'scheduled', startsAt: trusted({ $gt: at, $lt: until }) })
    .sort({ startsAt: 1 })
    .lean<UpcomingLab[]>()
    .exec();
}

/** Members with any lab participation (most members have none, and skip the per-member reads). */
export async function labParticipantIds(): Promise<Set<string>> {
  return new Set((await LabParticipantModel.distinct('memberId').exec()).map(String));
}

/** Owners of open action items. */
export async function openActionOwnerIds(): Promise<Set<string>> {
  return new Set((await LabActionModel.distinct('ownerId', { status: trusted({ $ne: 'done' }) }).exec()).map(String));
}

export interface LabDigestSections {
  /** Labs the member may read, starting within the window of `upcoming`. */
  upcomingLabs: { id: string; title: string; startsAt: Date }[];
  /** Labs the member took part in that ended (and were summarised) since the last digest. */
  labOutcomes: { id: string; title: string; threadId: string | null; actionItems: number }[];
  /** Open action items the member owns, given since the last digest or due within a week. */
  actionItems: { labId: string; labTitle: string; title: string; dueDate: string | null }[];
}

export async function labDigestSections(
  reader: { id: string; role: Role },
  since: Date,
  at: Date,
  shared: { upcoming: UpcomingLab[]; participants: Set<string>; actionOwners: Set<string> },
): Promise<LabDigestSections> {
  const me = new Types.ObjectId(reader.id);
  const participations = shared.participants.has(reader.id)
    ? await LabParticipantModel.find({ memberId: me }, { labId: 1, invited: 1, rsvp: 1, attended: 1 }).lean()
    : [];
  const tookPart = participations.filter((p) => p.attended || p.rsvp === 'going').map((p) => p.labId);

  const [readable, ended, owned] = await Promise.all([
    // The labs' read rule over the run's labs to come (two queries at most for the member).
    readableLabs(reader, shared.upcoming),
    tookPart.length
      ? LabModel.find(
          { _id: trusted({ $in: tookPart }), status: 'ended', endedAt: trusted({ $gt: since }) },
          { title: 1, summaryThreadId: 1 },
        )
          .sort({ endedAt: -1 })
          .limit(SECTION_LIMIT)
          .lean()
      : Promise.resolve([]),
    shared.actionOwners.has(reader.id)
      ? LabActionModel.find(
          {
            ownerId: me,
            status: trusted({ $ne: 'done' }),
            $or: [
              { createdAt: trusted({ $gt: since }) },
              { dueDate: trusted({ $lte: new Date(at.getTime() + 7 * 24 * 3_600_000).toISOString().slice(0, 10) }) },
            ],
          },
          { labId: 1, title: 1, dueDate: 1 },
        )
          .sort({ dueDate: 1, _id: 1 })
          .limit(SECTION_LIMIT)
          .lean()
      : Promise.resolve([]),
  ]);
  const upcoming = readable.slice(0, SECTION_LIMIT);
  const actionCounts = await Promise.all(ended.map((l) => LabActionModel.countDocuments({ labId: l._id })));
  const labTitles = new Map(
    (
      await findIn(
        '_id',
        owned.map((a) => a.labId),
        (match) => LabModel.find(match, { title: 1 }).lean(),
      )
    ).map((l) => [l._id.toHexString(), l.title]),
  );
  return {
    upcomingLabs: upcoming.map((l) => ({ id: l._id.toHexString(), title: l.title, startsAt: l.startsAt })),
    labOutcomes: ended.map((l, i) => ({
      id: l._id.toHexString(),
      title: l.title,
      threadId: l.summaryThreadId?.toHexString() ?? null,
      actionItems: actionCounts[i] ?? 0,
    })),
    actionItems: owned.map((a) => ({
      labId: a.labId.toHexString(),
      labTitle: labTitles.get(a.labId.toHexString()) ?? '',
      title: a.title,
      dueDate: a.dueDate,
    })),
  };
}

/** Members of the lab by their answer or attendance (who hears of its reminders and summary). */
export async function labMemberIds(
  labId: string,
  which: { rsvps: ('going' | 'maybe')[] } | { attended: true },
): Promise<string[]> {
  const filter = 'attended' in which ? { labId, attended: true } : { labId, rsvp: trusted({ $in: which.rsvps }) };
  const rows = await LabParticipantModel.find(filter, { memberId: 1 }).lean();
  return rows.map((r) => r.memberId.toHexString());
}

/** The live rooms of a coalition's labs (checked again when its readers shrink). */
export async function labRoomsOfCoalition(coalitionId: string): Promise<string[]> {
  const rows = await LabModel.find({ coalitionId: new Types.ObjectId(coalitionId) }, { _id: 1 }).lean();
  return rows.map((r) => labRoom(r._id.toHexString()));
}

export async function labTitle(labId: string): Promise<string | null> {
  return (await LabModel.findById(labId, { title: 1 }).lean())?.title ?? null;
}
