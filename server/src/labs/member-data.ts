import { Types } from 'mongoose';
import { exportValue, type ExportSection, type ForgetOptions } from '../members/member-data.js';
import { FORMER_MEMBER_NAME } from '@commons/shared';
import { LabActionModel, LabIdeaModel, LabMessageModel, LabParticipantModel, LabSeatModel } from './model.js';
import { labSeating } from './seating.js';

/**
 * A deleted account's lab data: RSVPs, seats (given to the waitlist) and invitations go; action items they owned become
 * unassigned. Chat messages and ideas stay under "former member" unless they asked to delete
 * what they wrote (ideas stay either way: other members' dots and decisions rest on them).
 */
export async function forgetLabMember(
  memberId: string,
  opts: ForgetOptions,
  now: () => Date,
): Promise<Array<{ labId: string; promoted: string[] }>> {
  const id = new Types.ObjectId(memberId);
  // The seats they held go to the oldest waitlisted members, as when someone stops going.
  const held = await LabSeatModel.find({ memberId: id }, { labId: 1 }).lean();
  await Promise.all([
    LabParticipantModel.deleteMany({ memberId: id }),
    LabSeatModel.deleteMany({ memberId: id }),
    // Chat and ideas keep the author's name beside the text: it goes with the account.
    LabActionModel.updateMany({ ownerId: id }, { $set: { ownerId: null, ownerName: null } }),
    opts.deleteContent
      ? LabMessageModel.deleteMany({ authorId: id })
      : LabMessageModel.updateMany({ authorId: id }, { $set: { authorName: FORMER_MEMBER_NAME } }),
    LabIdeaModel.updateMany({ authorId: id }, { $set: { authorName: FORMER_MEMBER_NAME } }),
  ]);
  const out: Array<{ labId: string; promoted: string[] }> = [];
  for (const { labId } of held)
    out.push({ labId: labId.toHexString(), promoted: await labSeating(labId, now).promote() });
  return out;
}

/** The member's lab participation (RSVP, attendance) and the action items they own. */
export async function exportLabMember(memberId: string): Promise<ExportSection> {
  const id = new Types.ObjectId(memberId);
  const [participation, actions, messages] = await Promise.all([
    LabParticipantModel.find({ memberId: id }).lean(),
    LabActionModel.find({ ownerId: id }).lean(),
    LabMessageModel.find({ authorId: id }).lean(),
  ]);
  return {
    participation: participation.map((p) => ({
      labId: p.labId.toHexString(),
      rsvp: p.rsvp,
      invited: p.invited,
      attended: p.attended,
    })),
    actionItems: actions.map((a) => ({
      labId: a.labId.toHexString(),
      title: a.title,
      dueDate: a.dueDate,
      status: a.status,
    })),
    chatMessages: messages.map((m) => ({
      labId: m.labId.toHexString(),
      body: m.body,
      at: exportValue.iso(m.createdAt),
    })),
  };
}
