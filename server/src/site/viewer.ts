import type { Role } from '@commons/shared';
import type { Request } from 'express';
import { AppError } from '../http/errors.js';
import type { MemberDoc } from '../members/reads.js';
import { standingOf } from '../moderation/standing.js';
import { siteSettings } from './settings.js';

/*
 * Who reads a page: a signed-in member, or a visitor without an account (the public face).
 *
 * A visitor is an actor like a member's, with an id no member can have (an ObjectId of 1970) and
 * the lowest role, so every presenter and query that takes an actor works for them unchanged; each
 * domain's read rule (forums/read-rule.ts, library/read-rule.ts, stories/read-rule.ts,
 * events/read-rule.ts, labs/read-rule.ts, coalitions/read-rule.ts) asks `isVisitor` first and lets
 * a visitor read only what the public face offers. Write routes never build a visitor
 * (they call `currentMember`, which answers 401), so a visitor reaches no write.
 *
 * A suspended member reads as a visitor: the suspension takes them out of the community, not
 * out of what the public face shows everyone.
 */

/**
 * The id of every visitor: an ObjectId of 1970 ("visi" in its last bytes), never given to a member
 * and distinct from the zero id that some rules use for "a member of no coalition".
 */
export const VISITOR_ID = '000000000000000076697369';

/** A visitor's actor, with the fields members' actors carry (forums, labs, events). */
export interface VisitorActor {
  id: typeof VISITOR_ID;
  role: Role;
  displayName: string;
  createdAt: Date;
}

export function visitorActor(): VisitorActor {
  return { id: VISITOR_ID, role: 'member', displayName: '', createdAt: new Date() };
}

export const isVisitor = (viewer: { id: string }): boolean => viewer.id === VISITOR_ID;

/** Whether the public face is open (the site setting, default on). */
export async function publicFaceOpen(): Promise<boolean> {
  return (await siteSettings()).publicFace;
}

async function suspended(memberId: string): Promise<boolean> {
  return (await standingOf(memberId)).some((s) => s.kind === 'suspend');
}

/**
 * The reader of a public read route: the signed-in member (made into an actor by `toActor`), else
 * a visitor while the public face is open, else 401 as every members-only route answers. A
 * suspended member reads as a visitor.
 */
export async function readerOf<A>(req: Request, toActor: (member: MemberDoc) => A): Promise<A | VisitorActor> {
  const member = req.user;
  if (member && !(await suspended(member._id.toHexString()))) return toActor(member);
  if (!(await publicFaceOpen()))
    throw new AppError('members_only', 'This site is open to its members only: sign in to read it.');
  return visitorActor();
}
