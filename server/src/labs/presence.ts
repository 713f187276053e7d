import type { LabMemberRef } from '@commons/shared';
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/log.js';
import type { RoomEmitter } from '../realtime/types.js';

/** The Socket.IO room of one lab. */
export const labRoom = (labId: string) => `lab:${labId}`;

/** Adds a socket to a member's set; returns 1 when the member just became present in the lab. */
const JOIN = `redis.call('SADD', KEYS[1], ARGV[1])
local added = redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return added`;
/** Presence keys outlive any lab; the expiry only bounds what a crashed process leaves behind. */
const PRESENCE_TTL_SECONDS = 12 * 3600;
/** Removes a socket; returns 1 when it was the member's last one, so they left the lab. */
const LEAVE = `local removed = redis.call('SREM', KEYS[1], ARGV[1])
if removed == 0 then return 0 end
if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
return redis.call('SREM', KEYS[2], ARGV[2])`;

export const PRESENCE_FLUSH_MS = 250;

/** A present member's name and picture as join stored them (a bare name from before pictures). */
function storedRef(value: string | null): Omit<LabMemberRef, 'id'> {
  if (!value) return { displayName: '' };
  try {
    const ref = JSON.parse(value) as { displayName?: unknown; avatar?: unknown };
    if (typeof ref.displayName === 'string')
      return { displayName: ref.displayName, ...(typeof ref.avatar === 'string' ? { avatar: ref.avatar } : {}) };
  } catch {
    // Not JSON: a name stored by an earlier version.
  }
  return { displayName: value };
}

/**
 * Who is in a lab room, across processes: a Redis set of socket ids per member and lab (a member
 * with two tabs counts once) and a set of present members per lab; each change runs as one Lua
 * script, so two processes cannot interleave. Changes are batched per lab and flushed every
 * 250 ms as one `lab:presence` event, so 500 joins make a handful of broadcasts, not 500 × 500.
 */
export class LabPresence {
  private pending = new Map<string, { joined: Map<string, LabMemberRef>; left: Set<string> }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly emitter: RoomEmitter,
    private readonly log: Logger,
  ) {}

  private socketsKey = (labId: string, memberId: string) => `${this.prefix}:lab:${labId}:sockets:${memberId}`;
  private membersKey = (labId: string) => `${this.prefix}:lab:${labId}:present`;
  /** The names of members who entered, as their sessions give them (no store read per entry). */
  private namesKey = (labId: string) => `${this.prefix}:lab:${labId}:names`;

  async join(labId: string, member: LabMemberRef, socketId: string): Promise<void> {
    const added = await this.redis.eval(
      JOIN,
      3,
      this.socketsKey(labId, member.id),
      this.membersKey(labId),
      this.namesKey(labId),
      socketId,
      member.id,
      PRESENCE_TTL_SECONDS,
      JSON.stringify({ displayName: member.displayName, ...(member.avatar ? { avatar: member.avatar } : {}) }),
    );
    if (added === 1) this.queue(labId, (b) => (b.left.delete(member.id), b.joined.set(member.id, member)));
  }

  async leave(labId: string, memberId: string, socketId: string): Promise<void> {
    const removed = await this.redis.eval(
      LEAVE,
      2,
      this.socketsKey(labId, memberId),
      this.membersKey(labId),
      socketId,
      memberId,
    );
    if (removed === 1) this.queue(labId, (b) => (b.joined.delete(memberId), b.left.add(memberId)));
  }

  /** Takes a member out of the lab whatever sockets they have (a facilitator removed them). */
  async evict(labId: string, memberId: string): Promise<void> {
    const [, removed] = (await this.redis
      .multi()
      .del(this.socketsKey(labId, memberId))
      .srem(this.membersKey(labId), memberId)
      .exec()) ?? [
      [null, 0],
      [null, 0],
    ];
    if (removed?.[1] === 1) this.queue(labId, (b) => (b.joined.delete(memberId), b.left.add(memberId)));
  }

  members(labId: string): Promise<string[]> {
    return this.redis.smembers(this.membersKey(labId));
  }

  /** Who is present, with their names, from Redis alone. */
  async present(labId: string): Promise<LabMemberRef[]> {
    const ids = await this.members(labId);
    if (ids.length === 0) return [];
    const refs = await this.redis.hmget(this.namesKey(labId), ...ids);
    return ids.map((id, i) => ({ id, ...storedRef(refs[i] ?? null) }));
  }

  private queue(
    labId: string,
    change: (batch: { joined: Map<string, LabMemberRef>; left: Set<string> }) => void,
  ): void {
    let batch = this.pending.get(labId);
    if (!batch) {
      batch = { joined: new Map(), left: new Set() };
      this.pending.set(labId, batch);
    }
    change(batch);
    this.timer ??= setTimeout(() => void this.flush(), PRESENCE_FLUSH_MS);
  }

  /** Sends one `lab:presence` per lab with changes since the last flush. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = this.pending;
    this.pending = new Map();
    for (const [labId, batch] of batches) {
      if (batch.joined.size === 0 && batch.left.size === 0) continue;
      try {
        const count = await this.redis.scard(this.membersKey(labId));
        this.emitter
          .to(labRoom(labId))
          .emit('lab:presence', { labId, joined: [...batch.joined.values()], left: [...batch.left], count });
      } catch (err) {
        this.log.warn({ err, labId }, 'lab presence flush failed');
      }
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
