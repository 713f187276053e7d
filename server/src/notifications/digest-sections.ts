import { Types } from 'mongoose';
import { findEach } from '../infra/each.js';
import { LabActionModel, LabModel, LabParticipantModel } from '../labs/model.js';
import type { DigestSharedReads } from './digest-shared-reads.js';

const SECTION_LIMIT = 5;

export interface DigestHubSections {
  /** Labs the member may join, starting within two weeks. */
  upcomingLabs: { id: string; title: string; startsAt: Date }[];
  /** Labs the member took part in that ended (and were summarised) since the last digest. */
  labOutcomes: { id: string; title: string; threadId: string | null; actionItems: number }[];
  /** Open action items the member owns, given since the last digest or due within a week. */
  actionItems: { labId: string; labTitle: string; title: string; dueDate: string | null }[];
  /** Resources approved into the library since the last digest. */
  newResources: { id: string; title: string }[];
}

export function isEmptyHub(s: DigestHubSections): boolean {
  return !s.upcomingLabs.length && !s.labOutcomes.length && !s.actionItems.length && !s.newResources.length;
}

/**
 * The hub's part of a digest. Only what the member may see: public labs or labs they are
 * invited to or run (a lab of a coalition only when they take part in it), approved resources.
 */
export async function collectHubSections(
  memberId: string,
  since: Date,
  at: Date,
  shared: Pick<DigestSharedReads, 'newResources' | 'upcomingLabs' | 'labParticipantIds' | 'actionOwnerIds'>,
): Promise<DigestHubSections> {
  const me = new Types.ObjectId(memberId);
  const [labMembers, actionOwners] = await Promise.all([shared.labParticipantIds(at), shared.actionOwnerIds(at)]);
  const participations = labMembers.has(memberId)
    ? await LabParticipantModel.find({ memberId: me }, { labId: 1, invited: 1, rsvp: 1, attended: 1 }).lean()
    : [];
  const mine = new Set(participations.map((p) => p.labId.toHexString()));
  const tookPart = participations.filter((p) => p.attended || p.rsvp === 'going').map((p) => p.labId);

  const [scheduled, ended, owned, resources] = await Promise.all([
    shared.upcomingLabs(at),
    tookPart.length
      ? LabModel.find(
          { _id: { $in: tookPart }, status: 'ended', endedAt: { $gt: since } },
          { title: 1, summaryThreadId: 1 },
        )
          .sort({ endedAt: -1 })
          .limit(SECTION_LIMIT)
          .lean()
      : Promise.resolve([]),
    actionOwners.has(memberId)
      ? LabActionModel.find(
          {
            ownerId: me,
            status: { $ne: 'done' },
            $or: [
              { createdAt: { $gt: since } },
              { dueDate: { $lte: new Date(at.getTime() + 7 * 24 * 3_600_000).toISOString().slice(0, 10) } },
            ],
          },
          { labId: 1, title: 1, dueDate: 1 },
        )
          .sort({ dueDate: 1, _id: 1 })
          .limit(SECTION_LIMIT)
          .lean()
      : Promise.resolve([]),
    shared.newResources(since, at),
  ]);
  // Public labs outside coalitions, and labs the member runs or is part of (a coalition's lab
  // only then), cut from the run's one read of the labs to come.
  const upcoming = scheduled
    .filter(
      (l) =>
        (l.visibility === 'public' && !l.coalitionId) ||
        l.hostId.equals(me) ||
        l.facilitatorIds.some((f) => f.equals(me)) ||
        mine.has(l._id.toHexString()),
    )
    .slice(0, SECTION_LIMIT);

  const actionCounts = await Promise.all(ended.map((l) => LabActionModel.countDocuments({ labId: l._id })));
  const labTitles = new Map(
    (
      await findEach(
        owned.map((a) => a.labId),
        (id) => LabModel.find({ _id: id }, { title: 1 }).lean(),
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
    newResources: resources.map((r) => ({ id: r._id.toHexString(), title: r.title })),
  };
}
