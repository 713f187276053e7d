import {
  labLimits,
  type ActionItem,
  type ConsensusChoice,
  type ConsensusTally,
  type Lab,
  type LabIdea,
  type LabMessage,
  type LabOutcome,
  type LabPhase,
  type LabQueue,
} from '@commons/shared';
import type { Redis } from 'ioredis';
import { concurrencyLimit } from '../infra/limit.js';
import { LabModel, type LabLean } from './model.js';
import { APPEND, SEAT, STORE, UPDATE } from './room-scripts.js';
import { labUnpushedKey, unpushedEntry } from './sequence.js';
import { SeatBatches } from './seat-batch.js';

/** What of the room comes from the lab document (and its waitlist): changed together. */
export interface RoomBase {
  /** The lab document as stored (JSON), cast back with the schema on read. */
  lab: Record<string, unknown>;
  /** The lab as presented, without the viewer's own fields. */
  presented: Omit<Lab, 'myRsvp' | 'myWaitlistPosition' | 'canManage' | 'roomOpen'>;
  /** When each waitlisted member joined the waitlist (a member's position is counted from it). */
  waits: string[];
  phase: LabPhase;
  lastSeq: number;
}

/** The room as every member sees it; what differs per member is added on entry (room.ts). */
export interface RoomShared extends RoomBase {
  queue: LabQueue;
  /** Ideas with their dot counts, none marked as the viewer's, most dots first. */
  ideas: LabIdea[];
  actions: ActionItem[];
  outcomes: LabOutcome[];
  checks: ConsensusTally[];
  /** The latest messages, oldest first, at most labLimits.recentMessages (kept in a list beside the model). */
  messages: LabMessage[];
}

/** A member's own answer to the current consensus check. */
export interface RoomVote {
  phaseIndex: number;
  choice: ConsensusChoice;
}

/** What the room knows of one member's own board: the ideas they dotted, their answer. */
export interface RoomMine {
  dots: string[];
  vote: RoomVote | null;
}

/** A room as built from the store: the shared state and every member's own part. */
export interface RoomBuilt extends RoomShared {
  dots: Map<string, string[]>;
  votes: Map<string, RoomVote>;
  /** Members who have contributed (a message, an idea, a dot, an answer, the floor). */
  spoke: string[];
}

/** What the room knows of one member of the lab (their participant row), cached with the model. */
export interface RoomSeat {
  rsvp: string | null;
  waitlistedAt: string | null;
  invited: boolean;
  removed: boolean;
  muted: boolean;
  attended: boolean;
  contributed: boolean;
}

/** One change of a built model (room-scripts.ts UPDATE): target, field, value. */
export type RoomChange = [target: 's' | 'n' | 'm' | 'p', field: string, value: string];

const idea = (i: LabIdea): string => JSON.stringify({ ...i, dots: 0, mine: false });

/** The parts of the model a change may replace, as UPDATE takes them. */
export const roomPart = {
  base: (b: RoomBase): RoomChange => ['s', 'base', JSON.stringify(b)],
  queue: (q: LabQueue): RoomChange => ['s', 'queue', JSON.stringify(q)],
  /** An idea's text, author, group and merge (its dots are a part of their own). */
  idea: (i: LabIdea): RoomChange => ['s', `idea:${i.id}`, idea(i)],
  /** A new idea: set only if no later change of it got there first. */
  newIdea: (i: LabIdea): RoomChange => ['n', `idea:${i.id}`, idea(i)],
  dots: (ideaId: string, n: number): RoomChange => ['s', `dots:${ideaId}`, String(n)],
  action: (a: ActionItem): RoomChange => ['s', `action:${a.id}`, JSON.stringify(a)],
  newAction: (a: ActionItem): RoomChange => ['n', `action:${a.id}`, JSON.stringify(a)],
  newOutcome: (o: LabOutcome): RoomChange => ['n', `outcome:${o.id}`, JSON.stringify(o)],
  check: (t: ConsensusTally): RoomChange => ['s', `check:${t.phaseIndex}`, JSON.stringify(t)],
  mineDots: (memberId: string, ideaIds: string[]): RoomChange => ['m', `dots:${memberId}`, JSON.stringify(ideaIds)],
  vote: (memberId: string, vote: RoomVote | null): RoomChange => [
    'm',
    `vote:${memberId}`,
    vote ? JSON.stringify(vote) : '',
  ],
  spoke: (memberId: string): RoomChange => ['p', memberId, ''],
};

/** Store commands of room entries in flight at once, per process (see `limited`). */
const ENTRY_STORE_CONCURRENCY = 8;
/** Keeps the model at most this long after its build (a lab room lasts hours, not days). */
const TTL_SECONDS = 6 * 3600;
/** The ticket counter outlives every applied ticket (they expire with the model). */
const TICKET_TTL_SECONDS = TTL_SECONDS + 3600;

const byCreation = <T extends { createdAt: string; id: string }>(a: T, b: T) =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** The state hash as read back: the base, the queue and one field per idea, dot count, item and check. */
function parseState(hash: Record<string, string>): Omit<RoomShared, 'messages'> | null {
  if (!hash.base) return null;
  const base = JSON.parse(hash.base) as RoomBase;
  const ideas: LabIdea[] = [];
  const dots = new Map<string, number>();
  const actions: ActionItem[] = [];
  const outcomes: LabOutcome[] = [];
  const checks: ConsensusTally[] = [];
  for (const [field, value] of Object.entries(hash)) {
    const [kind, id] = field.split(':', 2) as [string, string];
    if (kind === 'idea') ideas.push(JSON.parse(value) as LabIdea);
    else if (kind === 'dots') dots.set(id, Number(value));
    else if (kind === 'action') actions.push(JSON.parse(value) as ActionItem);
    else if (kind === 'outcome') outcomes.push(JSON.parse(value) as LabOutcome);
    else if (kind === 'check') checks.push(JSON.parse(value) as ConsensusTally);
  }
  return {
    ...base,
    queue: JSON.parse(hash.queue ?? 'null') as LabQueue,
    ideas: ideas.map((i) => ({ ...i, dots: dots.get(i.id) ?? 0 })).sort((a, b) => b.dots - a.dots || byCreation(a, b)),
    actions: actions.sort(byCreation),
    outcomes: outcomes.sort(byCreation),
    checks: checks.sort((a, b) => a.phaseIndex - b.phaseIndex),
  };
}

/**
 * The live model of each lab's room in Redis, shared by every process: the room's state (lab,
 * phase, timer, board with dot counts, queue, tallies, items, recent chat), each member's own
 * dots and answer, who has spoken, and the seats of the members who entered (RSVP, invitation,
 * removal, mute). Built once from the store on a miss. A live change (chat, ideas, dots, answers,
 * the queue, phases and controls) updates the parts it changed in place (UPDATE), each part
 * under a ticket so a slower writer's older value never replaces a newer one; a rare change
 * (an edit of the lab, RSVPs, invitations, cancelling, the summary) drops the model and the
 * seats, and the next entry builds them again. A version counter makes a build that raced a
 * change store nothing, so no process serves a state older than a change.
 */
export class LabRoomModel {
  private building = new Map<string, Promise<RoomBuilt>>();
  /**
   * The store commands of entering (a member's seat, their attendance), at most this many at once
   * per process: a storm of 500 entries waits its turn here rather than past the store's timeout.
   */
  readonly limited = concurrencyLimit(ENTRY_STORE_CONCURRENCY);
  /** Members' participant rows, read and made in batches as they enter (seat-batch.ts). */
  private rows = new SeatBatches();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private base = (labId: string) => `${this.prefix}:lab:${labId}:room`;
  /** The model's keys in the order room-scripts.ts names them. */
  private keys = (labId: string) => [
    `${this.base(labId)}:state`,
    `${this.base(labId)}:v`,
    `${this.base(labId)}:applied`,
    `${this.base(labId)}:mine`,
    `${this.base(labId)}:spoke`,
    `${this.base(labId)}:messages`,
  ];
  private versionKey = (labId: string) => `${this.base(labId)}:v`;
  private seatsKey = (labId: string) => `${this.base(labId)}:seats`;
  private ticketKey = (labId: string) => `${this.base(labId)}:tick`;

  private async read(labId: string, memberId: string): Promise<{ room: RoomShared; mine: RoomMine } | null> {
    const [state, , , mineKey, , messagesKey] = this.keys(labId);
    const [[, hash], [, list], [, own]] = ((await this.redis
      .multi()
      .hgetall(state!)
      .lrange(messagesKey!, 0, -1)
      .hmget(mineKey!, `dots:${memberId}`, `vote:${memberId}`)
      .exec()) ?? []) as [[unknown, Record<string, string>], [unknown, string[]], [unknown, (string | null)[]]];
    const parsed = parseState(hash ?? {});
    if (!parsed) return null;
    // Two senders may append out of order: the room shows them by number. A message pushed again
    // by the sweep (unpushed.ts) may be appended twice: once shown.
    const messages = list
      .map((m) => JSON.parse(m) as LabMessage)
      .sort((a, b) => a.seq - b.seq)
      .filter((m, i, all) => i === 0 || all[i - 1]!.seq !== m.seq);
    const [dots, vote] = own;
    return {
      room: { ...parsed, messages, lastSeq: Math.max(parsed.lastSeq, messages.at(-1)?.seq ?? 0) },
      mine: {
        dots: dots ? (JSON.parse(dots) as string[]) : [],
        vote: vote ? (JSON.parse(vote) as RoomVote) : null,
      },
    };
  }

  /**
   * The room's shared state and the member's own part, built with `build` on a miss (once per
   * process at a time).
   */
  async shared(
    labId: string,
    build: () => Promise<RoomBuilt>,
    memberId = '',
  ): Promise<{ room: RoomShared; mine: RoomMine }> {
    const cached = await this.read(labId, memberId);
    if (cached) return cached;
    const built = await this.build(labId, build);
    const { dots, votes, spoke: _s, ...room } = built;
    return { room, mine: { dots: dots.get(memberId) ?? [], vote: votes.get(memberId) ?? null } };
  }

  private build(labId: string, build: () => Promise<RoomBuilt>): Promise<RoomBuilt> {
    const pending = this.building.get(labId);
    if (pending) return pending;
    const run = (async () => {
      // The version is made to exist first, so a change during the build always moves it.
      await this.redis.set(this.versionKey(labId), '0', 'NX');
      const version = (await this.redis.get(this.versionKey(labId))) ?? '0';
      const room = await build();
      const { messages, dots, votes, spoke, queue, ideas, actions, outcomes, checks, ...base } = room;
      const state: RoomChange[] = [
        roomPart.base(base),
        roomPart.queue(queue),
        ...ideas.flatMap((i) => [roomPart.idea(i), roomPart.dots(i.id, i.dots)]),
        ...actions.map(roomPart.action),
        ...outcomes.map(roomPart.newOutcome),
        ...checks.map(roomPart.check),
      ];
      const mine: RoomChange[] = [
        ...[...dots].map(([member, ids]) => roomPart.mineDots(member, ids)),
        ...[...votes].map(([member, vote]) => roomPart.vote(member, vote)),
      ];
      await this.redis.eval(
        STORE,
        6,
        ...this.keys(labId),
        version,
        TTL_SECONDS,
        state.length,
        mine.length,
        spoke.length,
        messages.length,
        ...state.flatMap(([, field, value]) => [field, value]),
        ...mine.flatMap(([, field, value]) => [field, value]),
        ...spoke,
        ...messages.map((m) => JSON.stringify(m)),
      );
      return room;
    })().finally(() => this.building.delete(labId));
    this.building.set(labId, run);
    return run;
  }

  /** Who has spoken in the room, from the model (built on a miss). */
  async spoken(labId: string, build: () => Promise<RoomBuilt>): Promise<Set<string>> {
    const [state, , , , spokeKey] = this.keys(labId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const [[, exists], [, ids]] = ((await this.redis.multi().exists(state!).smembers(spokeKey!).exec()) ?? []) as [
        [unknown, number],
        [unknown, string[]],
      ];
      if (exists) return new Set(ids);
      await this.build(labId, build);
    }
    return new Set((await build()).spoke);
  }

  /** The lab document of a model, as the store would return it. */
  static lab(room: RoomBase): LabLean {
    return LabModel.hydrate(room.lab).toObject() as LabLean;
  }

  /**
   * A ticket for a change: taken after the change's write and before the reads that make the new
   * value of a part, so the value under the newest ticket has seen every change before it.
   */
  async ticket(labId: string): Promise<number> {
    const [[, ticket]] = ((await this.redis
      .multi()
      .incr(this.ticketKey(labId))
      .expire(this.ticketKey(labId), TICKET_TTL_SECONDS)
      .exec()) ?? [[null, 0]]) as [[unknown, number]];
    return ticket;
  }

  /** Applies changes of a built model in place (room-scripts.ts UPDATE). */
  async update(labId: string, ticket: number, changes: RoomChange[]): Promise<void> {
    if (!changes.length) return;
    await this.redis.eval(UPDATE, 6, ...this.keys(labId), ticket, ...changes.flat());
  }

  /** Members who just contributed (their first message, an idea, a dot, an answer, the floor). */
  async spoke(labId: string, memberIds: string[]): Promise<void> {
    await this.update(labId, 0, memberIds.map(roomPart.spoke));
  }

  /** A message just stored and pushed: the model gets it without a rebuild, and its number is no longer owed. */
  async appended(labId: string, message: LabMessage): Promise<void> {
    const [state, version, , , , messages] = this.keys(labId);
    await this.redis.eval(
      APPEND,
      4,
      state!,
      version!,
      messages!,
      labUnpushedKey(this.prefix),
      JSON.stringify(message),
      labLimits.recentMessages,
      unpushedEntry(labId, message.seq),
    );
  }

  /** The lab changed in a way kept by no part (after the write): the next entry builds the model and seats again. */
  async changed(labId: string): Promise<void> {
    const [state, version, applied, mine, spoke, messages] = this.keys(labId);
    await this.redis
      .multi()
      .incr(version!)
      .del(state!, applied!, mine!, spoke!, messages!, this.seatsKey(labId))
      .exec();
  }

  /** These members' rows changed (muted, removed): their seats are read again on their next entry. */
  async forgetSeats(labId: string, memberIds: string[]): Promise<void> {
    if (!memberIds.length) return;
    await this.redis
      .multi()
      .incr(this.versionKey(labId))
      .hdel(this.seatsKey(labId), ...memberIds)
      .exec();
  }

  /**
   * The member's seat: from the cache, else their participant row, made if missing (in a batch
   * with others entering, seat-batch.ts), and cached. `create: false` only reads (an invite-only lab is not entered
   * before the invitation is known). `attend`: the same command records the member's attendance
   * (they take part whatever their row says), unless a facilitator removed them.
   */
  async seat(labId: string, memberId: string, create = true, attend = false): Promise<RoomSeat | null> {
    const cached = await this.redis.hget(this.seatsKey(labId), memberId);
    if (cached) return JSON.parse(cached) as RoomSeat;
    const version = (await this.redis.get(this.versionKey(labId))) ?? '0';
    const row = await this.rows.row(labId, memberId, create, attend);
    if (!row) return null;
    const seat: RoomSeat = {
      rsvp: row.rsvp ?? null,
      waitlistedAt: row.waitlistedAt ? new Date(row.waitlistedAt).toISOString() : null,
      invited: row.invited === true,
      removed: row.removed === true,
      muted: row.muted === true,
      attended: row.attended === true,
      contributed: row.contributed === true,
    };
    await this.remember(labId, memberId, seat, version);
    return seat;
  }

  /** Records what this process just wrote of the member's own row (attended, contributed). */
  async noteSeat(labId: string, memberId: string, seat: RoomSeat): Promise<void> {
    const version = (await this.redis.get(this.versionKey(labId))) ?? '0';
    await this.remember(labId, memberId, seat, version);
  }

  private async remember(labId: string, memberId: string, seat: RoomSeat, version: string): Promise<void> {
    await this.redis.eval(
      SEAT,
      2,
      this.seatsKey(labId),
      this.versionKey(labId),
      version,
      memberId,
      JSON.stringify(seat),
      TTL_SECONDS,
    );
  }
}
