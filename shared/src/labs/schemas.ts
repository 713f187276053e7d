import { z } from 'zod';
import { objectIdSchema } from '../ids.js';
import { avatarRefField } from '../members/avatar.js';

/** Limits of Action Labs, shared so the client can validate before sending. */
export const labLimits = {
  titleMin: 3,
  titleMax: 200,
  purposeMax: 4000,
  agendaMax: 20,
  facilitatorsMax: 10,
  capacityMax: 5000,
  durationMin: 15,
  durationMax: 8 * 60,
  phaseMinutesMax: 240,
  /** Members may enter the room, and facilitators start the lab, this long before it starts. */
  earlyEntryMinutes: 15,
  messageMax: 2000,
  ideaMax: 500,
  groupMax: 80,
  reasonMax: 1000,
  proposalMax: 2000,
  actionTitleMax: 300,
  invitesMax: 200,
  /** Messages the join ack carries; older ones come with lab:messages:since. */
  recentMessages: 50,
  sincePageMax: 200,
  defaultDots: 3,
  dotsMax: 10,
  extendMaxMinutes: 60,
  outcomeTitleMax: 200,
  outcomeTextMax: 4000,
} as const;

export const phaseKinds = ['discuss', 'ideas', 'vote', 'consensus', 'actions'] as const;
export const phaseKindSchema = z.enum(phaseKinds);
export type PhaseKind = z.infer<typeof phaseKindSchema>;

export const labVisibilities = ['public', 'invite'] as const;
export const labVisibilitySchema = z.enum(labVisibilities);
export type LabVisibility = z.infer<typeof labVisibilitySchema>;

export const labStatuses = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export const labStatusSchema = z.enum(labStatuses);
export type LabStatus = z.infer<typeof labStatusSchema>;

export const rsvpChoices = ['going', 'maybe', 'no'] as const;
export const rsvpChoiceSchema = z.enum(rsvpChoices);
export type RsvpChoice = z.infer<typeof rsvpChoiceSchema>;
/** What a member's RSVP ends up as: `going` may become `waitlisted` when the lab is full. */
export const rsvpStatuses = ['going', 'maybe', 'no', 'waitlisted'] as const;
export const rsvpStatusSchema = z.enum(rsvpStatuses);
export type RsvpStatus = z.infer<typeof rsvpStatusSchema>;

export const consensusChoices = ['agree', 'abstain', 'disagree', 'block'] as const;
export const consensusChoiceSchema = z.enum(consensusChoices);
export type ConsensusChoice = z.infer<typeof consensusChoiceSchema>;

export const actionStatuses = ['open', 'in_progress', 'done'] as const;
export const actionStatusSchema = z.enum(actionStatuses);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

const nonBlank = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => s.length > 0, { message: 'must not be empty' });

const isoInstant = z.iso.datetime({ offset: true });

export const agendaItemSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    minutes: z.number().int().min(1).max(labLimits.phaseMinutesMax),
    kind: phaseKindSchema,
  })
  .strict();
export type AgendaItem = z.infer<typeof agendaItemSchema>;

const labFields = {
  title: z.string().trim().min(labLimits.titleMin).max(labLimits.titleMax),
  purpose: nonBlank(labLimits.purposeMax),
  startsAt: isoInstant,
  durationMinutes: z.number().int().min(labLimits.durationMin).max(labLimits.durationMax),
  /** null: no limit. */
  capacity: z.number().int().min(1).max(labLimits.capacityMax).nullable(),
  visibility: labVisibilitySchema,
  facilitatorIds: z.array(objectIdSchema).max(labLimits.facilitatorsMax),
  agenda: z.array(agendaItemSchema).min(1).max(labLimits.agendaMax),
  dotsPerMember: z.number().int().min(1).max(labLimits.dotsMax),
  allowAnonymousIdeas: z.boolean(),
  /** Forum category the summary is posted in; null: the first category. */
  summaryCategoryId: objectIdSchema.nullable(),
};

function agendaFits(body: { agenda?: AgendaItem[]; durationMinutes?: number }, ctx: z.core.$RefinementCtx) {
  if (!body.agenda || body.durationMinutes === undefined) return;
  const total = body.agenda.reduce((sum, item) => sum + item.minutes, 0);
  if (total > body.durationMinutes)
    ctx.addIssue({
      code: 'custom',
      path: ['agenda'],
      message: `the agenda takes ${total} minutes, longer than the lab (${body.durationMinutes})`,
    });
}

export const labCreateBodySchema = z
  .object({
    ...labFields,
    capacity: labFields.capacity.optional(),
    facilitatorIds: labFields.facilitatorIds.default([]),
    dotsPerMember: labFields.dotsPerMember.optional(),
    allowAnonymousIdeas: labFields.allowAnonymousIdeas.optional(),
    summaryCategoryId: labFields.summaryCategoryId.optional(),
    /** The coalition the lab belongs to (its members host it); a private coalition's labs are for its members. */
    coalitionId: objectIdSchema.optional(),
  })
  .strict()
  .superRefine(agendaFits);
export type LabCreateBody = z.infer<typeof labCreateBodySchema>;

export const labPatchBodySchema = z
  .object(labFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' })
  .superRefine(agendaFits);
export type LabPatchBody = z.infer<typeof labPatchBodySchema>;

export const labListQuerySchema = z
  .object({
    when: z.enum(['upcoming', 'past']).default('upcoming'),
    /** Only the labs of this coalition. */
    coalitionId: objectIdSchema.optional(),
  })
  .strict();
export type LabListQuery = z.infer<typeof labListQuerySchema>;

export const rsvpBodySchema = z.object({ status: rsvpChoiceSchema }).strict();
export type RsvpBody = z.infer<typeof rsvpBodySchema>;

export const inviteBodySchema = z
  .object({ memberIds: z.array(objectIdSchema).min(1).max(labLimits.invitesMax) })
  .strict();
export type InviteBody = z.infer<typeof inviteBodySchema>;

export const labRefSchema = z.object({ id: objectIdSchema, displayName: z.string(), ...avatarRefField }).strict();
export type LabMemberRef = z.infer<typeof labRefSchema>;

export const labSchema = z
  .object({
    id: objectIdSchema,
    title: z.string(),
    purpose: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    durationMinutes: z.number().int(),
    capacity: z.number().int().nullable(),
    visibility: labVisibilitySchema,
    /** The coalition it belongs to, if any. */
    coalitionId: objectIdSchema.nullable(),
    status: labStatusSchema,
    host: labRefSchema,
    facilitators: z.array(labRefSchema),
    agenda: z.array(agendaItemSchema),
    dotsPerMember: z.number().int(),
    allowAnonymousIdeas: z.boolean(),
    summaryCategoryId: objectIdSchema.nullable(),
    summaryThreadId: objectIdSchema.nullable(),
    goingCount: z.number().int(),
    waitlistCount: z.number().int(),
    /** The signed-in member's RSVP (null: none yet). */
    myRsvp: rsvpStatusSchema.nullable(),
    /** Position on the waitlist (1 = next), when waitlisted. */
    myWaitlistPosition: z.number().int().nullable(),
    /** The signed-in member may edit, cancel and run it. */
    canManage: z.boolean(),
    /** The room is open now (from 15 minutes before the start until it ends). */
    roomOpen: z.boolean(),
  })
  .strict();
export type Lab = z.infer<typeof labSchema>;

export const labResponseSchema = z.object({ lab: labSchema }).strict();
export const labListResponseSchema = z.object({ labs: z.array(labSchema) }).strict();
export const inviteResponseSchema = z.object({ invitedIds: z.array(objectIdSchema) }).strict();

// ---------------------------------------------------------------- action items

export const actionCreateBodySchema = z
  .object({
    title: nonBlank(labLimits.actionTitleMax),
    ownerId: objectIdSchema.nullable().default(null),
    dueDate: z.iso.date().nullable().default(null),
    status: actionStatusSchema.default('open'),
  })
  .strict();
export type ActionCreateBody = z.infer<typeof actionCreateBodySchema>;

export const actionPatchBodySchema = z
  .object({
    title: nonBlank(labLimits.actionTitleMax),
    ownerId: objectIdSchema.nullable(),
    dueDate: z.iso.date().nullable(),
    status: actionStatusSchema,
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type ActionPatchBody = z.infer<typeof actionPatchBodySchema>;

export const actionItemSchema = z
  .object({
    id: objectIdSchema,
    labId: objectIdSchema,
    title: z.string(),
    owner: labRefSchema.nullable(),
    dueDate: z.string().nullable(),
    status: actionStatusSchema,
    createdAt: z.string(),
  })
  .strict();
export type ActionItem = z.infer<typeof actionItemSchema>;
export const actionResponseSchema = z.object({ action: actionItemSchema }).strict();
export const actionListResponseSchema = z.object({ actions: z.array(actionItemSchema) }).strict();

// ---------------------------------------------------------------- live room

export const labMessageSchema = z
  .object({
    labId: objectIdSchema,
    seq: z.number().int(),
    author: labRefSchema,
    body: z.string(),
    replyTo: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .strict();
export type LabMessage = z.infer<typeof labMessageSchema>;

export const labIdeaSchema = z
  .object({
    id: objectIdSchema,
    labId: objectIdSchema,
    phaseIndex: z.number().int(),
    text: z.string(),
    /** null when posted anonymously. */
    author: labRefSchema.nullable(),
    dots: z.number().int(),
    /** The signed-in member put a dot on it (in acks; broadcasts leave it false). */
    mine: z.boolean(),
    /** A facilitator merged it into this idea (its dots moved there; the board hides it). */
    mergedIntoId: objectIdSchema.nullable(),
    /** The group facilitators put it in (null: ungrouped). */
    group: z.string().nullable(),
    createdAt: z.string(),
  })
  .strict();
export type LabIdea = z.infer<typeof labIdeaSchema>;

export const consensusTallySchema = z
  .object({
    phaseIndex: z.number().int(),
    /** The consensus phase's title in the agenda. */
    title: z.string(),
    /** The proposal the facilitators put to the check ('' when none was written). */
    proposal: z.string(),
    counts: z.object({ agree: z.number(), abstain: z.number(), disagree: z.number(), block: z.number() }),
    blockReasons: z.array(z.string()),
    /**
     * blocked if anyone blocks; agreed if nobody disagrees or blocks and someone agrees;
     * no_quorum when fewer answered than the quorum; pending while the results are hidden.
     */
    outcome: z.enum(['agreed', 'blocked', 'not_agreed', 'no_votes', 'no_quorum', 'pending']),
    /** How many answered (shown even while the results are hidden). */
    total: z.number().int(),
    /** Answers needed for a result (null: none). */
    quorum: z.number().int().nullable(),
    /** The facilitators chose anonymous answers (else `voters` names who answered what). */
    anonymous: z.boolean(),
    /** Results are hidden until the check closes (counts are zero and reasons empty meanwhile). */
    hidden: z.boolean(),
    /** The facilitators closed the check, or its phase is over: no more answers. */
    closed: z.boolean(),
    voters: z.array(z.object({ member: labRefSchema, choice: consensusChoiceSchema }).strict()),
  })
  .strict();
export type ConsensusTally = z.infer<typeof consensusTallySchema>;

export const labPhaseSchema = z
  .object({
    labId: objectIdSchema,
    status: labStatusSchema,
    /** -1 before the start. */
    index: z.number().int(),
    title: z.string().nullable(),
    kind: phaseKindSchema.nullable(),
    endsAt: z.string().nullable(),
    chatOpen: z.boolean(),
    /** Ideas may be added (during an ideas phase); facilitators close and reopen it. Reopens with each phase. */
    ideasOpen: z.boolean(),
    /** Dots may be placed (during an ideas or vote phase); facilitators close and reopen it. */
    votingOpen: z.boolean(),
    /** Ideas may be posted anonymously (the facilitators allow it). */
    anonymousIdeas: z.boolean(),
    /** The message the facilitators put in the spotlight (its seq), if any. */
    spotlightSeq: z.number().int().nullable(),
    /** The facilitator who holds the controls after a hand-over; null: every facilitator may run them. */
    lead: labRefSchema.nullable(),
    /** Members the facilitators muted: they cannot chat or add ideas. */
    mutedIds: z.array(objectIdSchema),
  })
  .strict();
export type LabPhase = z.infer<typeof labPhaseSchema>;

export const labQueueSchema = z
  .object({ labId: objectIdSchema, hands: z.array(labRefSchema), speaking: labRefSchema.nullable() })
  .strict();
export type LabQueue = z.infer<typeof labQueueSchema>;

export interface LabPresenceEvent {
  labId: string;
  joined: LabMemberRef[];
  left: string[];
  count: number;
}

export interface LabState {
  lab: Lab;
  phase: LabPhase;
  participants: LabMemberRef[];
  messages: LabMessage[];
  lastSeq: number;
  ideas: LabIdea[];
  dotsLeft: number;
  consensus: ConsensusTally | null;
  myConsensus: ConsensusChoice | null;
  /** Every consensus check reached so far (the current one included), oldest first. */
  checks: ConsensusTally[];
  /**
   * The member takes part (facilitator, or holding a seat when the lab has a capacity). Others
   * (waitlisted, no RSVP in a full lab) follow the room without its controls.
   */
  takingPart: boolean;
  queue: LabQueue;
  actions: ActionItem[];
  outcomes: LabOutcome[];
}

export const labRoomPayloadSchema = z.object({ labId: objectIdSchema }).strict();
export type LabRoomPayload = z.infer<typeof labRoomPayloadSchema>;
export const labMessageSendSchema = z
  .object({ labId: objectIdSchema, body: nonBlank(labLimits.messageMax), replyTo: z.number().int().min(1).optional() })
  .strict();
export type LabMessageSend = z.infer<typeof labMessageSendSchema>;
export const labSincePayloadSchema = z.object({ labId: objectIdSchema, seq: z.number().int().min(0) }).strict();
export type LabSincePayload = z.infer<typeof labSincePayloadSchema>;
export const labExtendPayloadSchema = z
  .object({ labId: objectIdSchema, minutes: z.number().int().min(1).max(labLimits.extendMaxMinutes) })
  .strict();
export type LabExtendPayload = z.infer<typeof labExtendPayloadSchema>;
export const labChatPayloadSchema = z.object({ labId: objectIdSchema, open: z.boolean() }).strict();
export type LabChatPayload = z.infer<typeof labChatPayloadSchema>;
export const labIdeaAddSchema = z
  .object({ labId: objectIdSchema, text: nonBlank(labLimits.ideaMax), anonymous: z.boolean().default(false) })
  .strict();
export type LabIdeaAdd = z.input<typeof labIdeaAddSchema>;
export const labDotPayloadSchema = z
  .object({ labId: objectIdSchema, ideaId: objectIdSchema, on: z.boolean() })
  .strict();
export type LabDotPayload = z.infer<typeof labDotPayloadSchema>;
export const labConsensusVoteSchema = z
  .object({
    labId: objectIdSchema,
    choice: consensusChoiceSchema,
    reason: z.string().trim().max(labLimits.reasonMax).optional(),
  })
  .strict()
  .refine((v) => v.choice !== 'block' || (v.reason?.length ?? 0) > 0, {
    message: 'a block needs a reason',
    path: ['reason'],
  });
export type LabConsensusVote = z.infer<typeof labConsensusVoteSchema>;

// ---------------------------------------------------------------- facilitation and outcomes

export const labSpotlightSchema = z.object({ labId: objectIdSchema, seq: z.number().int().min(1).nullable() }).strict();
export type LabSpotlightPayload = z.infer<typeof labSpotlightSchema>;
export const labMemberPayloadSchema = z.object({ labId: objectIdSchema, memberId: objectIdSchema }).strict();
export type LabMemberPayload = z.infer<typeof labMemberPayloadSchema>;
export const labMutePayloadSchema = z
  .object({ labId: objectIdSchema, memberId: objectIdSchema, muted: z.boolean() })
  .strict();
export type LabMutePayload = z.infer<typeof labMutePayloadSchema>;
export const labBoardPayloadSchema = z
  .object({
    labId: objectIdSchema,
    ideasOpen: z.boolean().optional(),
    votingOpen: z.boolean().optional(),
    anonymousIdeas: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.ideasOpen !== undefined || b.votingOpen !== undefined || b.anonymousIdeas !== undefined, {
    message: 'change at least one of ideasOpen, votingOpen, anonymousIdeas',
  });
export type LabBoardPayload = z.infer<typeof labBoardPayloadSchema>;
/** Sent to the lab room when a facilitator removes someone (their client leaves the room). */
export interface LabRemovedEvent {
  labId: string;
  memberId: string;
}

/** A decision reached in the lab, with an optional date to review it (members are reminded then). */
export const outcomeCreateBodySchema = z
  .object({
    title: nonBlank(labLimits.outcomeTitleMax),
    text: z.string().trim().max(labLimits.outcomeTextMax).default(''),
    reviewAt: isoInstant.nullable().default(null),
  })
  .strict();
export type OutcomeCreateBody = z.input<typeof outcomeCreateBodySchema>;
export const labOutcomeSchema = z
  .object({
    id: objectIdSchema,
    labId: objectIdSchema,
    title: z.string(),
    text: z.string(),
    reviewAt: z.string().nullable(),
    createdBy: labRefSchema,
    createdAt: z.string(),
  })
  .strict();
export type LabOutcome = z.infer<typeof labOutcomeSchema>;
export const outcomeResponseSchema = z.object({ outcome: labOutcomeSchema }).strict();
export const outcomeListResponseSchema = z.object({ outcomes: z.array(labOutcomeSchema) }).strict();
/** Facilitators set how the current consensus check runs, and close or reopen it. */
export const labConsensusSetSchema = z
  .object({
    labId: objectIdSchema,
    /** The proposal put to the check; fixed, like anonymity, once someone answered. */
    proposal: z.string().trim().max(labLimits.proposalMax).optional(),
    anonymous: z.boolean().optional(),
    quorum: z.number().int().min(1).max(labLimits.capacityMax).nullable().optional(),
    hideResults: z.boolean().optional(),
    closed: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 1, { message: 'change at least one setting' });
export type LabConsensusSet = z.infer<typeof labConsensusSetSchema>;
export const labIdeaMergeSchema = z
  .object({ labId: objectIdSchema, fromId: objectIdSchema, intoId: objectIdSchema })
  .strict()
  .refine((b) => b.fromId !== b.intoId, { message: 'an idea cannot be merged into itself', path: ['intoId'] });
export type LabIdeaMerge = z.infer<typeof labIdeaMergeSchema>;
export const labIdeaGroupSchema = z
  .object({
    labId: objectIdSchema,
    ideaId: objectIdSchema,
    group: z.string().trim().max(labLimits.groupMax).nullable(),
  })
  .strict();
export type LabIdeaGroup = z.infer<typeof labIdeaGroupSchema>;
