import type { Role } from '@commons/shared';

/** Who is acting: routes pass the signed-in member, sockets their session, the seeder a demo member. */
export interface Actor {
  id: string;
  role: Role;
  /** Threads quiet since before the member joined do not count as unread. */
  createdAt: Date;
  /**
   * The account as read for this very request (routes, from the session's member document): the
   * publishing gate uses it instead of reading the member again. Absent for sockets and seeding.
   */
  account?: AccountFacts;
}

/** What the publishing gate needs of an account. */
export interface AccountFacts {
  verified: boolean;
  deleted: boolean;
}

export function isModerator(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'moderator' || actor.role === 'admin';
}

export function isAdmin(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'admin';
}
