import {
  actionStatuses,
  consensusChoices,
  labStatuses,
  labVisibilities,
  phaseKinds,
  rsvpStatuses,
  type ActionStatus,
  type AgendaItem,
  type ConsensusChoice,
  type LabStatus,
  type LabVisibility,
  type RsvpStatus,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface LabFields {
  title: string;
  purpose: string;
  startsAt: Date;
  durationMinutes: number;
  /** null: no limit. */
  capacity: number | null;
  visibility: LabVisibility;
  hostId: Types.ObjectId;
  facilitatorIds: Types.ObjectId[];
  agenda: AgendaItem[];
  dotsPerMember: number;
  allowAnonymousIdeas: boolean;
  summaryCategoryId: Types.ObjectId | null;
  /** The coalition it belongs to: a private coalition's labs are for its members (coalitions/access.ts). */
  coalitionId: Types.ObjectId | null;
  status: LabStatus;
  /** -1 before the start. */
  phaseIndex: number;
  phaseEndsAt: Date | null;
  chatOpen: boolean;
  /** The last chat sequence number written (a hint; the counter itself lives in Redis, see sequence.ts). */
  msgSeq: number;
  speakingId: Types.ObjectId | null;
  /** Ideas may be added / dots placed in the current phase (reset to open on each phase). */
  ideasOpen: boolean;
  votingOpen: boolean;
  /** The spotlighted message (seq), if any. */
  spotlightSeq: number | null;
  /** The facilitator holding the controls; null: the host. */
  leadId: Types.ObjectId | null;
  startedAt: Date | null;
  endedAt: Date | null;
  cancelledAt: Date | null;
  /** Set when the summary thread is posted (the worker's marker). */
  summaryThreadId: Types.ObjectId | null;
  summaryClaimedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const labSchema = new Schema<LabFields>(
  {
    title: { type: String, required: true },
    purpose: { type: String, required: true },
    startsAt: { type: Date, required: true },
    durationMinutes: { type: Number, required: true },
    capacity: { type: Number, default: null },
    visibility: { type: String, enum: labVisibilities, required: true },
    hostId: { type: Schema.Types.ObjectId, required: true },
    facilitatorIds: { type: [Schema.Types.ObjectId], default: [] },
    agenda: {
      type: [
        new Schema<AgendaItem>(
          {
            title: { type: String, required: true },
            minutes: { type: Number, required: true },
            kind: { type: String, enum: phaseKinds, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    dotsPerMember: { type: Number, default: 3 },
    allowAnonymousIdeas: { type: Boolean, default: true },
    summaryCategoryId: { type: Schema.Types.ObjectId, default: null },
    coalitionId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: labStatuses, default: 'scheduled' },
    phaseIndex: { type: Number, default: -1 },
    phaseEndsAt: { type: Date, default: null },
    chatOpen: { type: Boolean, default: true },
    msgSeq: { type: Number, default: 0 },
    speakingId: { type: Schema.Types.ObjectId, default: null },
    ideasOpen: { type: Boolean, default: true },
    votingOpen: { type: Boolean, default: true },
    spotlightSeq: { type: Number, default: null },
    leadId: { type: Schema.Types.ObjectId, default: null },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    summaryThreadId: { type: Schema.Types.ObjectId, default: null },
    summaryClaimedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
labSchema.index({ startsAt: 1 });
labSchema.index({ status: 1, startsAt: 1 });
labSchema.index({ coalitionId: 1, startsAt: 1 });

/**
 * One row per member and lab: their RSVP, invitation, attendance, dots spent and the reminders
 * already sent (the marker that keeps a reminder from going out twice).
 */
export interface ParticipantFields {
  labId: Types.ObjectId;
  memberId: Types.ObjectId;
  rsvp: RsvpStatus | null;
  /** When they joined the waitlist: the waitlist is served in this order. */
  waitlistedAt: Date | null;
  invited: boolean;
  attended: boolean;
  /** Said something in the room: a message, an idea, a consensus answer, or was called to speak. */
  contributed: boolean;
  /** Set while their hand is raised: the speaking queue is served in this order. */
  handRaisedAt: Date | null;
  /** A facilitator muted them: no chat, no ideas. */
  muted: boolean;
  /** A facilitator removed them: they cannot enter the room again. */
  removed: boolean;
  remindersSent: string[];
  summaryMailed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const participantSchema = new Schema<ParticipantFields>(
  {
    labId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    rsvp: { type: String, enum: [...rsvpStatuses, null], default: null },
    waitlistedAt: { type: Date, default: null },
    invited: { type: Boolean, default: false },
    attended: { type: Boolean, default: false },
    contributed: { type: Boolean, default: false },
    handRaisedAt: { type: Date, default: null },
    muted: { type: Boolean, default: false },
    removed: { type: Boolean, default: false },
    remindersSent: { type: [String], default: [] },
    summaryMailed: { type: Boolean, default: false },
  },
  { timestamps: true },
);
participantSchema.index({ labId: 1, memberId: 1 }, { unique: true });
participantSchema.index({ labId: 1, rsvp: 1, waitlistedAt: 1 });
participantSchema.index({ memberId: 1 });
participantSchema.index({ labId: 1, handRaisedAt: 1 });

/**
 * One row per seat taken (RSVP going). Seat numbers run 1..capacity and are unique per lab, as
 * is the member: the unique indexes, not a counter, keep a lab from ever being over capacity
 * (FerretDB 1.24 does not apply concurrent conditional updates atomically; unique indexes hold).
 */
export interface LabSeatFields {
  labId: Types.ObjectId;
  seat: number;
  memberId: Types.ObjectId;
  createdAt: Date;
}
const seatSchema = new Schema<LabSeatFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  seat: { type: Number, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
seatSchema.index({ labId: 1, seat: 1 }, { unique: true });
seatSchema.index({ labId: 1, memberId: 1 }, { unique: true });

/** One dot: a member's dot number `slot` (1..dotsPerMember) on an idea; unique both ways. */
export interface LabDotFields {
  labId: Types.ObjectId;
  memberId: Types.ObjectId;
  slot: number;
  ideaId: Types.ObjectId;
}
const dotSchema = new Schema<LabDotFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  slot: { type: Number, required: true },
  ideaId: { type: Schema.Types.ObjectId, required: true },
});
dotSchema.index({ labId: 1, memberId: 1, slot: 1 }, { unique: true });
dotSchema.index({ labId: 1, memberId: 1, ideaId: 1 }, { unique: true });
dotSchema.index({ labId: 1, ideaId: 1 });

export interface LabMessageFields {
  labId: Types.ObjectId;
  seq: number;
  authorId: Types.ObjectId;
  authorName: string;
  body: string;
  replyTo: number | null;
  createdAt: Date;
}
const messageSchema = new Schema<LabMessageFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  seq: { type: Number, required: true },
  authorId: { type: Schema.Types.ObjectId, required: true },
  authorName: { type: String, required: true },
  body: { type: String, required: true },
  replyTo: { type: Number, default: null },
  createdAt: { type: Date, default: () => new Date() },
});
messageSchema.index({ labId: 1, seq: 1 }, { unique: true });

export interface LabIdeaFields {
  labId: Types.ObjectId;
  phaseIndex: number;
  authorId: Types.ObjectId;
  authorName: string;
  anonymous: boolean;
  text: string;
  mergedIntoId: Types.ObjectId | null;
  group: string | null;
  createdAt: Date;
}
const ideaSchema = new Schema<LabIdeaFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  phaseIndex: { type: Number, required: true },
  authorId: { type: Schema.Types.ObjectId, required: true },
  authorName: { type: String, required: true },
  anonymous: { type: Boolean, default: false },
  text: { type: String, required: true },
  mergedIntoId: { type: Schema.Types.ObjectId, default: null },
  group: { type: String, default: null },
  createdAt: { type: Date, default: () => new Date() },
});
ideaSchema.index({ labId: 1, createdAt: 1 });

export interface ConsensusVoteFields {
  labId: Types.ObjectId;
  phaseIndex: number;
  memberId: Types.ObjectId;
  choice: ConsensusChoice;
  reason: string;
  /** The check was anonymous when this answer was given: it is never shown with a name. */
  anonymous: boolean;
  updatedAt: Date;
}
const consensusSchema = new Schema<ConsensusVoteFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  phaseIndex: { type: Number, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  choice: { type: String, enum: consensusChoices, required: true },
  reason: { type: String, default: '' },
  anonymous: { type: Boolean, default: true },
  updatedAt: { type: Date, default: () => new Date() },
});
consensusSchema.index({ labId: 1, phaseIndex: 1, memberId: 1 }, { unique: true });

/**
 * How one consensus check (a consensus phase of the agenda) runs, as its facilitators set it. No
 * row: the defaults (anonymous, no quorum, results shown, open). Its anonymity and proposal are
 * fixed once the first answer is given.
 */
export interface ConsensusCheckFields {
  labId: Types.ObjectId;
  phaseIndex: number;
  proposal: string;
  anonymous: boolean;
  quorum: number | null;
  hidden: boolean;
  closed: boolean;
  updatedAt: Date;
}
const checkSchema = new Schema<ConsensusCheckFields>({
  labId: { type: Schema.Types.ObjectId, required: true },
  phaseIndex: { type: Number, required: true },
  proposal: { type: String, default: '' },
  anonymous: { type: Boolean, default: true },
  quorum: { type: Number, default: null },
  hidden: { type: Boolean, default: false },
  closed: { type: Boolean, default: false },
  updatedAt: { type: Date, default: () => new Date() },
});
checkSchema.index({ labId: 1, phaseIndex: 1 }, { unique: true });

export interface LabActionFields {
  labId: Types.ObjectId;
  title: string;
  ownerId: Types.ObjectId | null;
  ownerName: string | null;
  dueDate: string | null;
  status: ActionStatus;
  createdById: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}
const actionSchema = new Schema<LabActionFields>(
  {
    labId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    ownerName: { type: String, default: null },
    dueDate: { type: String, default: null },
    status: { type: String, enum: actionStatuses, default: 'open' },
    createdById: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
actionSchema.index({ labId: 1, createdAt: 1 });

/** A decision reached in a lab, with an optional review date (members are reminded then). */
export interface LabOutcomeFields {
  labId: Types.ObjectId;
  title: string;
  text: string;
  reviewAt: Date | null;
  createdById: Types.ObjectId;
  createdByName: string;
  /** The review date members were reminded for (the marker that keeps it from going out twice). */
  reviewRemindedFor: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
const outcomeSchema = new Schema<LabOutcomeFields>(
  {
    labId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    text: { type: String, default: '' },
    reviewAt: { type: Date, default: null },
    createdById: { type: Schema.Types.ObjectId, required: true },
    createdByName: { type: String, required: true },
    reviewRemindedFor: { type: Date, default: null },
  },
  { timestamps: true },
);
outcomeSchema.index({ labId: 1, createdAt: 1 });

export const LabModel = mongoose.model<LabFields>('Lab', labSchema);
export const LabOutcomeModel = mongoose.model<LabOutcomeFields>('LabOutcome', outcomeSchema);
export const LabParticipantModel = mongoose.model<ParticipantFields>('LabParticipant', participantSchema);
export const LabSeatModel = mongoose.model<LabSeatFields>('LabSeat', seatSchema);
export const LabDotModel = mongoose.model<LabDotFields>('LabDot', dotSchema);
export const LabMessageModel = mongoose.model<LabMessageFields>('LabMessage', messageSchema);
export const LabIdeaModel = mongoose.model<LabIdeaFields>('LabIdea', ideaSchema);
export const LabConsensusModel = mongoose.model<ConsensusVoteFields>('LabConsensusVote', consensusSchema);
export const LabConsensusCheckModel = mongoose.model<ConsensusCheckFields>('LabConsensusCheck', checkSchema);
export const LabActionModel = mongoose.model<LabActionFields>('LabAction', actionSchema);

export type LabLean = LabFields & { _id: Types.ObjectId };
export type ParticipantLean = ParticipantFields & { _id: Types.ObjectId };
export type IdeaLean = LabIdeaFields & { _id: Types.ObjectId };
export type ActionLean = LabActionFields & { _id: Types.ObjectId };
export type MessageLean = LabMessageFields & { _id: Types.ObjectId };
export type ConsensusCheckLean = ConsensusCheckFields & { _id: Types.ObjectId };
export type OutcomeLean = LabOutcomeFields & { _id: Types.ObjectId };
