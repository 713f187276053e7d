import type { ResourceCreateBody } from '@commons/shared';
import { anyCoalition } from '../coalitions/reads.js';
import { createCoalitionService } from '../coalitions/service.js';
import type { Actor } from '../members/actor.js';
import { createForumService } from '../forums/service.js';
import { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import { createLabService } from '../labs/service.js';
import { anyResource } from '../library/reads.js';
import { createLibraryService } from '../library/service.js';
import { memberById } from '../members/reads.js';
import { createStoryService } from '../stories/service.js';
import { anyStory } from '../stories/reads.js';
import type { ExtraSeeder } from './demo.js';

const emails = {
  admin: 'admin@commons.localhost',
  moderator: 'moderator@commons.localhost',
  ana: 'ana@commons.localhost',
  james: 'james@commons.localhost',
  keisha: 'keisha@commons.localhost',
  tom: 'tom@commons.localhost',
} as const;
type Who = keyof typeof emails;

const resources: Array<{ by: Who; featured?: boolean; body: ResourceCreateBody }> = [
  {
    by: 'tom',
    featured: true,
    body: {
      title: 'Community asset mapping toolkit',
      summary:
        'A step-by-step guide to mapping the strengths of a neighbourhood with residents: people, places, groups and stories.',
      url: 'https://example.org/asset-mapping',
      topics: ['community-engagement-leadership', 'data-storytelling'],
      audiences: ['residents', 'coalition_leaders'],
      language: 'en',
      organisation: 'Nebraska Community Well-Being Collaborative',
    },
  },
  {
    by: 'ana',
    body: {
      title: 'Guía para reuniones con familias',
      summary:
        'Cómo organizar reuniones donde las familias hablan primero: horarios, cuidado infantil, comida e interpretación.',
      url: 'https://example.org/reuniones-familias',
      topics: ['equity-tools', 'early-childhood'],
      audiences: ['parents', 'coalition_leaders'],
      language: 'es',
      organisation: 'Mattapan Parent Circle',
    },
  },
  {
    by: 'keisha',
    featured: true,
    body: {
      title: 'Shared governance charter template',
      summary:
        'A charter template for coalitions: decision rules, roles, how residents hold seats, and how to change the rules.',
      url: 'https://example.org/governance-charter',
      topics: ['coalition-structure-governance', 'sustainability'],
      audiences: ['coalition_leaders', 'funders'],
      language: 'en',
      organisation: 'Durham Early Learning Network',
    },
  },
  {
    by: 'james',
    body: {
      title: 'Trauma-informed home visiting checklist',
      summary: 'Ten practices home visitors use so that families feel safe, in control and respected at every visit.',
      url: 'https://example.org/home-visiting',
      topics: ['trauma-informed-practice', 'health'],
      audiences: ['providers', 'parents'],
      language: 'en',
      organisation: 'Roxbury Community Health Center',
    },
  },
];

/**
 * Demo hub content among the demo members: approved resources across topics (two featured),
 * two stories (one featured) and a coalition with its own category, a thread and a lab. Runs
 * after the forum seeder inside seedDemo (so only into an empty database), and skips itself if
 * any hub content exists already.
 */
export const seedHub: ExtraSeeder = async (members: Map<string, string>, log: Logger) => {
  if ((await anyResource()) || (await anyStory()) || (await anyCoalition())) return;
  const actors = new Map<Who, Actor & { displayName: string }>();
  for (const [who, email] of Object.entries(emails) as Array<[Who, string]>) {
    const id = members.get(email);
    const member = id ? await memberById(id, ['role', 'createdAt', 'displayName']) : null;
    if (!member) {
      log.warn('demo members missing; hub demo content skipped');
      return;
    }
    actors.set(who, {
      id: member._id.toHexString(),
      role: member.role,
      createdAt: member.createdAt,
      displayName: member.displayName,
    });
  }
  const actor = (who: Who) => actors.get(who)!;
  const events = new DomainEvents(log);
  const forums = createForumService({ events, log });
  const library = createLibraryService({ events, log, forums });
  const stories = createStoryService({ forums, log });
  const coalitions = createCoalitionService({ events });
  const labs = createLabService({
    events,
    // Chat numbers are never needed while seeding (no one is in a lab room).
    sequence: {
      next: () => Promise.reject(new Error('no lab chat while seeding')),
      raise: () => Promise.resolve(),
      overdue: () => Promise.resolve({ now: Date.now(), owed: [] }),
      settle: () => Promise.resolve(false),
    },
  });

  for (const r of resources) {
    const submitted = await library.submit(actor(r.by), r.body);
    await library.review(actor('moderator'), submitted.id, { decision: 'approve', note: '' });
    if (r.featured) await library.setFeatured(actor('admin'), submitted.id, true);
  }

  const playSpace = await stories.publish(actor('ana'), {
    title: 'How Mattapan parents built a play space',
    body: 'We started with **three families** and a borrowed lot.\n\nA year later the whole block looks after it, and the city added a water fountain.',
    community: 'Mattapan, Boston',
    topics: ['community-engagement-leadership', 'early-childhood'],
  });
  await stories.setFeatured(actor('admin'), playSpace.id, true);
  await stories.publish(actor('keisha'), {
    title: 'Pre-K teachers and parents planning together',
    body: 'Once a month, teachers and parents in Durham plan the next month of learning *together*.',
    community: 'Durham County, NC',
    topics: ['education', 'early-childhood'],
  });

  const { coalition } = await coalitions.create(actor('ana'), {
    name: 'Mattapan Family Network',
    description: 'Parents, providers and educators working for young children in Mattapan.',
    community: 'Mattapan, Boston',
    joinPolicy: 'open',
    visibility: 'public',
  });
  await coalitions.join(actor('james'), coalition.id);
  await coalitions.join(actor('keisha'), coalition.id);
  const category = await forums.createCategory(actor('ana'), {
    name: 'Network planning',
    description: 'Our meetings, our plans, our asks.',
    coalitionId: coalition.id,
  });
  await forums.createThread(actor('ana'), {
    categoryId: category.id,
    title: 'Summer reading nights: who can host?',
    body: 'We have books from the library. We need two places with chairs and a little shade. @james-carter, could the clinic courtyard work?',
    tags: ['summer'],
  });
  const startsAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  startsAt.setUTCHours(22, 0, 0, 0);
  await labs.create(actor('ana'), {
    title: 'Mattapan Family Network: priorities for the fall',
    purpose: 'Agree on three priorities for the network this fall, and who leads each.',
    startsAt: startsAt.toISOString(),
    durationMinutes: 60,
    visibility: 'public',
    facilitatorIds: [],
    agenda: [
      { title: 'Welcome', minutes: 5, kind: 'discuss' },
      { title: 'Ideas', minutes: 20, kind: 'ideas' },
      { title: 'Dot vote', minutes: 10, kind: 'vote' },
      { title: 'Who does what', minutes: 15, kind: 'actions' },
    ],
    coalitionId: coalition.id,
  });
  log.info({ resources: resources.length, stories: 2, coalitions: 1 }, 'seeded demo hub content');
};
