import type { Member, Self } from '@commons/shared';
import type { MemberDoc } from './model.js';

/** A member as anyone may see them: never the email or password hash. */
export function toMember(doc: MemberDoc): Member {
  return {
    id: doc._id.toHexString(),
    displayName: doc.displayName,
    role: doc.role,
    bio: doc.bio,
    communityRole: doc.communityRole,
    organisation: doc.organisation,
    community: doc.community,
    interests: doc.interests,
    createdAt: doc.createdAt.toISOString(),
  };
}

export function toSelf(doc: MemberDoc): Self {
  return { ...toMember(doc), email: doc.email, locale: doc.locale, timeZone: doc.timeZone };
}
