import type { Member, Self } from '@commons/shared';
import { avatarOf } from './avatar-ref.js';
import { isEmailVerified, type MemberDoc } from './model.js';
import { privacyOf } from './privacy.js';

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
    avatar: avatarOf(doc),
    createdAt: doc.createdAt.toISOString(),
  };
}

/** `verificationRequired`: the site setting, so the client knows whether to show the banner. */
export function toSelf(doc: MemberDoc, verificationRequired: boolean): Self {
  const emailVerified = isEmailVerified(doc);
  return {
    ...toMember(doc),
    email: doc.email,
    locale: doc.locale,
    timeZone: doc.timeZone,
    emailVerified,
    mustVerifyEmail: verificationRequired && !emailVerified,
    privacy: privacyOf(doc),
  };
}
