import { signUp, type Someone } from '../../forums/support.js';
import type { TestPlatform } from '../../support/platform.js';

/*
 * Who reads in the content matrix, and what each kind of content in each state lets them read.
 * This table is the specification the matrix holds the server to: it is written from the read
 * rules (forums/read-rule.ts, labs/read-rule.ts, library/read-rule.ts, stories/read-rule.ts,
 * events/read-rule.ts, coalitions/read-rule.ts and coalitions/access.ts), not from what the
 * server happens to answer.
 */

export const callers = [
  'anonymous',
  'member',
  'coalitionMember',
  'author',
  'facilitator',
  'moderator',
  'admin',
] as const;
export type Caller = (typeof callers)[number];
/** Callers with an account (sockets, member-only routes). */
export type Person = Exclude<Caller, 'anonymous'>;
export const people: Person[] = callers.filter((c): c is Person => c !== 'anonymous');

export const kinds = ['post', 'thread', 'category', 'lab', 'resource', 'story', 'event', 'coalition'] as const;
export type Kind = (typeof kinds)[number];

/**
 * The states content can be in. Not every kind has every state: categories are never held, a
 * deleted thread does not exist (its opening post becomes a tombstone), labs are invite-only
 * rather than held, and stories, events and coalitions are never held or archived.
 */
export type State = 'public' | 'private' | 'hidden' | 'held' | 'invite' | 'archived' | 'deleted' | 'members';

const everyone = new Set<Caller>(callers);
const members = new Set<Caller>(people);
const coalitionReaders = new Set<Caller>(['coalitionMember', 'author', 'moderator', 'admin']);
const authorAndStaff = new Set<Caller>(['author', 'moderator', 'admin']);
const staff = new Set<Caller>(['moderator', 'admin']);
const nobody = new Set<Caller>();

/** The public face shows these kinds to visitors (a public category's threads and posts included). */
const onPublicFace = new Set<Kind>(['post', 'thread', 'category', 'resource', 'story', 'event']);

/** Who may read content of this kind in this state. */
export function readersOf(kind: Kind, state: State): Set<Caller> {
  switch (state) {
    case 'public':
      return onPublicFace.has(kind) ? everyone : members;
    case 'members':
      return members;
    case 'private':
      // Every member reads a private coalition's card (to find it and ask to join); its content is its own.
      if (kind === 'coalition') return members;
      // A lab's facilitators read it wherever it belongs.
      if (kind === 'lab') return new Set([...coalitionReaders, 'facilitator']);
      return coalitionReaders;
    case 'hidden':
    case 'held':
      return authorAndStaff;
    case 'invite':
      // Those invited (none here), its host and facilitators, and site administrators.
      return new Set<Caller>(['author', 'facilitator', 'admin']);
    case 'archived':
      return staff;
    case 'deleted':
      // A deleted post's earlier words stay in its revisions, for moderators only.
      return kind === 'post' ? staff : nobody;
  }
}

/**
 * Callers whose relation to a piece of content is the same as another's: a lab's facilitator is a
 * plain member outside labs, and coalition membership means nothing to content outside a private
 * coalition. The by-id probes send one of each such group (lists, search and sockets send them all).
 */
export function standsFor(f: Pick<Fixture, 'kind' | 'state'>, caller: Caller): Caller {
  if (caller === 'facilitator' && f.kind !== 'lab') return 'member';
  if (caller === 'coalitionMember' && f.state !== 'private' && f.kind !== 'coalition') return 'member';
  return caller;
}

/**
 * One piece of content: its id (null for a part of another, such as an event's meeting link),
 * a word found nowhere else, and who may read it.
 */
export interface Fixture {
  kind: Kind;
  state: State;
  id: string | null;
  token: string;
  readers: Set<Caller>;
  /** Its place stays for everyone (a deleted post's tombstone): no "does not exist" comparison. */
  tombstone?: boolean;
  /** It came to this state after members had read it (what they heard before is not checked). */
  since?: 'change';
}

/** A word no other fixture contains and search keeps whole: `zq<kind><state><n>qz`. */
export const tokenOf = (kind: Kind, state: State, n = '') => `zq${kind}${state}${n}qz`;

export interface Cast {
  who: Record<Person, Someone>;
  handles: string[];
}

export async function signUpCast(p: TestPlatform): Promise<Cast> {
  const [member, coalitionMember, author, facilitator, moderator, admin] = await Promise.all([
    signUp(p, 'Mel Member'),
    signUp(p, 'Cora Coalition'),
    signUp(p, 'Ana Author'),
    signUp(p, 'Fay Facilitator'),
    signUp(p, 'Mo Moderator', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);
  const who = { member, coalitionMember, author, facilitator, moderator, admin };
  const handles = await Promise.all(
    people.map(async (c) => {
      const res = await author.c.get(`/api/members/${who[c].id}/handle`);
      return `@${res.body.member.handle as string}`;
    }),
  );
  return { who, handles };
}
