import type { CommunityRole, Role } from '@commons/shared';
import { hashPassword } from '../auth/passwords.js';
import type { Logger } from '../infra/log.js';
import { anyMember } from '../members/reads.js';
import { createMemberRow } from '../members/writes.js';

export interface DemoSignIn {
  email: string;
  password: string;
  role: Role;
}

interface DemoMember {
  email: string;
  displayName: string;
  role: Role;
  communityRole: CommunityRole;
  organisation: string;
  community: string;
  interests: string[];
  bio: string;
  locale: 'en' | 'es';
}

/** Demo passwords are public by design: seeding only runs on an empty local database. */
const DEMO_PASSWORD = 'commons-demo-2026';

const demoMembers: DemoMember[] = [
  {
    email: 'admin@commons.localhost',
    displayName: 'Rosa Admin',
    role: 'admin',
    communityRole: 'organisation_staff',
    organisation: 'Commons team',
    community: 'Boston, MA',
    interests: ['coalition structure & governance'],
    bio: 'Keeps the platform running.',
    locale: 'en',
  },
  {
    email: 'moderator@commons.localhost',
    displayName: 'Marcus Moderator',
    role: 'moderator',
    communityRole: 'advocate',
    organisation: 'Dorchester Family Partnership',
    community: 'Dorchester, Boston',
    interests: ['community engagement & leadership'],
    bio: 'Community organiser and forum moderator.',
    locale: 'en',
  },
  {
    email: 'ana@commons.localhost',
    displayName: 'Ana López',
    role: 'member',
    communityRole: 'parent',
    organisation: 'Mattapan Parent Circle',
    community: 'Mattapan, Boston',
    interests: ['early childhood', 'equity tools'],
    bio: 'Mother of three; parent leader in Mattapan.',
    locale: 'es',
  },
  {
    email: 'james@commons.localhost',
    displayName: 'James Carter',
    role: 'member',
    communityRole: 'provider',
    organisation: 'Roxbury Community Health Center',
    community: 'Roxbury, Boston',
    interests: ['health', 'data & storytelling'],
    bio: 'Pediatric nurse working on home visiting.',
    locale: 'en',
  },
  {
    email: 'keisha@commons.localhost',
    displayName: 'Keisha Thompson',
    role: 'member',
    communityRole: 'educator',
    organisation: 'Durham Early Learning Network',
    community: 'Durham County, NC',
    interests: ['education', 'sustainability'],
    bio: 'Pre-K teacher and Smart Start partner.',
    locale: 'en',
  },
  {
    email: 'tom@commons.localhost',
    displayName: 'Tom Whitehorse',
    role: 'member',
    communityRole: 'researcher',
    organisation: 'Nebraska Community Well-Being Collaborative',
    community: 'Lincoln, NE',
    interests: ['data & storytelling', 'coalition structure & governance'],
    bio: 'Local evaluator for a community collaborative.',
    locale: 'en',
  },
];

export type ExtraSeeder = (members: Map<string, string>, log: Logger) => Promise<void>;

/**
 * Fills an empty database with demo members (and whatever the domains' seeders add). Does
 * nothing when any member exists, so a real deployment is never touched.
 */
export async function seedDemo(log: Logger, extra: ExtraSeeder[] = []): Promise<DemoSignIn[] | null> {
  if (await anyMember()) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const ids = new Map<string, string>();
  for (const m of demoMembers) {
    const doc = await createMemberRow({
      ...m,
      passwordHash,
      // Demo members have confirmed addresses, so they can post at once.
      emailVerifiedAt: new Date(),
      timeZone: m.community.endsWith('NE') ? 'America/Chicago' : 'America/New_York',
    });
    ids.set(m.email, doc._id.toHexString());
  }
  for (const seed of extra) await seed(ids, log);
  log.info({ members: ids.size }, 'seeded demo content');
  return demoMembers.map((m) => ({ email: m.email, password: DEMO_PASSWORD, role: m.role }));
}
