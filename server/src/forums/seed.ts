import type { ReactionKind } from '@commons/shared';
import mongoose from 'mongoose';
import { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import { memberById } from '../members/reads.js';
import { backdateJoined } from '../members/writes.js';
import type { ExtraSeeder } from '../seed/demo.js';
import { CategoryModel } from './model.js';
import { ensureDefaultCategories } from './defaults.js';
import { backfillHandles } from './mentions.js';
import type { Actor } from '../members/actor.js';
import { createForumService } from './service.js';

export { ensureDefaultCategories } from './defaults.js';

const { trusted } = mongoose;

type Who = 'admin' | 'moderator' | 'ana' | 'james' | 'keisha' | 'tom';

interface DemoReply {
  key?: string;
  by: Who;
  /** Key of the post answered; none: a top-level reply. */
  to?: string;
  quote?: string;
  hoursLater: number;
  body: string;
  reactions?: Array<[Who, ReactionKind]>;
}

interface DemoThread {
  category: string;
  by: Who;
  daysAgo: number;
  title: string;
  tags: string[];
  body: string;
  pinned?: boolean;
  reactions?: Array<[Who, ReactionKind]>;
  replies: DemoReply[];
}

const threads: DemoThread[] = [
  {
    category: 'introductions',
    by: 'moderator',
    daysAgo: 20,
    pinned: true,
    title: 'Welcome to Commons: introduce yourself!',
    tags: ['welcome'],
    body: [
      'Welcome! This is the place to say hello. Tell us **who you are**, the community you work in, and one thing you hope to learn from peers here.',
      '',
      'A few house rules: be generous, assume good intent, and keep families’ private information private. Mention someone with their handle, like @marcus-moderator.',
    ].join('\n'),
    replies: [
      {
        key: 'ana',
        by: 'ana',
        hoursLater: 5,
        body: '¡Hola a todos! Soy Ana, mamá de tres niños y líder de padres en Mattapan. Hi everyone! I’m hoping to learn how other parent groups get a real seat at the coalition table.',
        reactions: [
          ['keisha', 'heart'],
          ['moderator', 'like'],
        ],
      },
      {
        by: 'keisha',
        to: 'ana',
        hoursLater: 9,
        body: '¡Bienvenida, Ana! We have a lot to share about parent leadership from Durham. Let’s talk.',
      },
      {
        by: 'james',
        hoursLater: 30,
        body: 'Hi all, James here, a pediatric nurse at Roxbury Community Health Center. I work on home visiting and I’m curious how coalitions use health data without losing the human side.',
      },
      {
        by: 'tom',
        hoursLater: 52,
        body: 'Tom, local evaluator for a community well-being collaborative in Lincoln, Nebraska. Happy to help anyone thinking about measurement that residents actually own.',
        reactions: [['james', 'like']],
      },
    ],
  },
  {
    category: 'community-engagement-leadership',
    by: 'ana',
    daysAgo: 12,
    title: 'How did you start a parent leadership council?',
    tags: ['parent leadership', 'councils'],
    body: [
      'Our parent circle in Mattapan wants to form a **parent leadership council** that has a real say in how the coalition spends its money.',
      '',
      'For those who have done it: how did you recruit, and how do you keep parents coming back after the first few meetings?',
    ].join('\n'),
    reactions: [
      ['keisha', 'like'],
      ['moderator', 'like'],
      ['tom', 'insightful'],
    ],
    replies: [
      {
        key: 'keisha1',
        by: 'keisha',
        hoursLater: 3,
        body: [
          'In Durham we started with listening sessions instead of a council. What made people come back:',
          '',
          '1. **Pay parents for their time**: we give $25/hour gift cards.',
          '2. Dinner and child care at every meeting, no exceptions.',
          '3. Meet at 6pm in places families already go (the library, the rec centre).',
          '',
          'The council grew out of those sessions after about four months, and parents wrote its charter themselves.',
        ].join('\n'),
        reactions: [
          ['ana', 'thanks'],
          ['james', 'insightful'],
          ['moderator', 'heart'],
        ],
      },
      {
        key: 'marcus1',
        by: 'moderator',
        to: 'keisha1',
        hoursLater: 6,
        body: '+1 on stipends. We also learned to rotate the facilitator role so it is not always staff running the meeting.',
      },
      {
        key: 'ana2',
        by: 'ana',
        to: 'marcus1',
        hoursLater: 8,
        body: '¿Cómo decidieron quién facilita? I worry about putting people on the spot.',
      },
      {
        by: 'moderator',
        to: 'ana2',
        hoursLater: 11,
        body: 'We ask for volunteers two meetings ahead and pair each new facilitator with someone who has done it before. Nobody facilitates alone the first time.',
        reactions: [['ana', 'thanks']],
      },
      {
        key: 'james1',
        by: 'james',
        to: 'keisha1',
        hoursLater: 20,
        body: 'Did your funder accept stipends as an allowable cost? Ours pushed back on "paying participants".',
      },
      {
        key: 'keisha2',
        by: 'keisha',
        to: 'james1',
        hoursLater: 24,
        body: 'We reframed it as consultant fees for lived expertise, with a short scope of work. @tom-whitehorse may know how the Nebraska collaboratives handled it.',
      },
      {
        by: 'tom',
        to: 'keisha2',
        hoursLater: 31,
        body: 'Same story in Lincoln: we budget it as participant compensation and cite the funder’s own community engagement guidance back to them. It helped to show attendance before and after.',
        reactions: [
          ['james', 'insightful'],
          ['keisha', 'like'],
        ],
      },
      {
        by: 'tom',
        quote: 'root',
        hoursLater: 40,
        body: 'On keeping parents coming back: track it! We ask two questions at the end of each meeting (*did your voice matter today?* and *will you come back?*) and share the results at the next one. Parents see that the council listens to them too.',
      },
    ],
  },
  {
    category: 'data-storytelling',
    by: 'tom',
    daysAgo: 8,
    title: 'Using data dashboards with residents: what actually works?',
    tags: ['data dashboards', 'data walks'],
    body: [
      'We built a neighbourhood dashboard (child care slots, asthma ER visits, third-grade reading) and presented it at a community meeting.',
      '',
      'People were polite, but it did not spark anything. How are others making data something **residents use**, rather than something we show them?',
    ].join('\n'),
    reactions: [
      ['james', 'like'],
      ['ana', 'like'],
    ],
    replies: [
      {
        key: 'james1',
        by: 'james',
        hoursLater: 4,
        body: 'Start with the question residents are already asking. At the health center we ran a **data walk**: charts on posters around the room, sticky notes, and small groups moving between them. The conversation was the point, not the dashboard.',
        reactions: [
          ['tom', 'insightful'],
          ['keisha', 'like'],
        ],
      },
      {
        key: 'ana1',
        by: 'ana',
        to: 'james1',
        hoursLater: 10,
        body: 'The data walk worked for us too. Tip: put the numbers in Spanish and English, and leave a blank poster titled "¿Qué falta en esta imagen? / What is missing from this picture?"',
        reactions: [['tom', 'heart']],
      },
      {
        by: 'tom',
        to: 'ana1',
        hoursLater: 13,
        body: 'Love the "what is missing" prompt. Stealing it for our next community meeting, with credit to @ana-lopez.',
      },
      {
        by: 'keisha',
        hoursLater: 26,
        body: 'Pair every chart with a story from a family (with their consent, and paid). Numbers tell you *how many*; families tell you *why* and *what would help*.',
      },
      {
        by: 'admin',
        hoursLater: 48,
        body: 'Reminder: the Resource Library has a data walk facilitation guide and a consent form template for family stories. Search for "data walk".',
      },
    ],
  },
  {
    category: 'sustainability',
    by: 'keisha',
    daysAgo: 4,
    title: 'Our grant ends in June: how did you sustain the work after the funding ended?',
    tags: ['funding', 'sustainability'],
    body: [
      'The three-year initiative grant that pays for our coordinator ends in June. We have strong partners but no line item.',
      '',
      'How have other coalitions kept going after the main grant ended? What would you do differently?',
    ].join('\n'),
    reactions: [
      ['tom', 'like'],
      ['moderator', 'like'],
      ['ana', 'heart'],
    ],
    replies: [
      {
        key: 'rosa1',
        by: 'admin',
        hoursLater: 2,
        body: 'Map what partners already spend on the same goals. Often the coordinator role can be shared across two or three partner budgets once they see what it saves them.',
        reactions: [['keisha', 'insightful']],
      },
      {
        key: 'tom1',
        by: 'tom',
        to: 'rosa1',
        hoursLater: 7,
        body: 'The Nebraska collaboratives that made it wrote the backbone role into a partner’s budget a full year before the grant ended, not in the last quarter.',
      },
      {
        key: 'keisha2',
        by: 'keisha',
        to: 'tom1',
        hoursLater: 9,
        body: 'Did that partner get more say over the agenda in return? That is what our members worry about.',
      },
      {
        by: 'tom',
        to: 'keisha2',
        hoursLater: 15,
        body: 'Some, yes. A shared governance charter helped: the host partner holds the money, but the steering group (with parents on it) sets priorities.',
        reactions: [['keisha', 'thanks']],
      },
      {
        by: 'moderator',
        hoursLater: 22,
        body: 'Do not overlook local government: our city council funded parent stipends for two years after residents testified at a budget hearing.',
      },
      {
        by: 'james',
        hoursLater: 30,
        body: 'Hospitals have community benefit dollars. Our health system’s community health needs assessment lists early childhood as a priority, which opened the door to sustained funding.',
        reactions: [
          ['keisha', 'like'],
          ['admin', 'insightful'],
        ],
      },
    ],
  },
];

const emails: Record<Who, string> = {
  admin: 'admin@commons.localhost',
  moderator: 'moderator@commons.localhost',
  ana: 'ana@commons.localhost',
  james: 'james@commons.localhost',
  keisha: 'keisha@commons.localhost',
  tom: 'tom@commons.localhost',
};

/**
 * Demo forum content among the demo members: the default categories and a few coalition
 * conversations with nested replies, a quote, mentions and reactions, spread over three weeks.
 */
export const seedForums: ExtraSeeder = async (members: Map<string, string>, log: Logger) => {
  await ensureDefaultCategories(log);
  const ids = Object.fromEntries(Object.entries(emails).map(([who, email]) => [who, members.get(email)])) as Record<
    Who,
    string | undefined
  >;
  if (Object.values(ids).some((id) => !id)) {
    log.warn('demo members missing; forum demo content skipped');
    return;
  }
  const now = Date.now();
  const joined = new Date(now - 60 * 24 * 3600 * 1000);
  // The demo members "joined" before these conversations, so the conversations can be unread to them.
  await backdateJoined(Object.values(ids) as string[], joined);
  await backfillHandles();

  const forums = createForumService({ events: new DomainEvents(log), log });
  const actors = new Map<Who, Actor>();
  for (const [who, id] of Object.entries(ids) as Array<[Who, string]>) {
    const member = await memberById(id, ['role']);
    actors.set(who, { id, role: member?.role ?? 'member', createdAt: joined });
  }
  const actor = (who: Who) => actors.get(who)!;
  const slugs = threads.map((t) => t.category);
  const categories = new Map(
    (await CategoryModel.find({ slug: trusted({ $in: slugs }) }, { slug: 1 }).lean()).map((c) => [
      c.slug,
      c._id.toHexString(),
    ]),
  );

  for (const t of threads) {
    const categoryId = categories.get(t.category);
    if (!categoryId) continue;
    const start = now - t.daysAgo * 24 * 3600 * 1000;
    const { thread, post } = await forums.createThread(
      actor(t.by),
      { categoryId, title: t.title, body: t.body, tags: t.tags },
      { at: new Date(start) },
    );
    const postIds = new Map<string, string>([['root', post.id]]);
    for (const [who, kind] of t.reactions ?? []) await forums.react(actor(who), post.id, kind, true);
    for (const r of t.replies) {
      const parentId = r.to ? postIds.get(r.to) : undefined;
      const quotePostId = r.quote ? postIds.get(r.quote) : undefined;
      const reply = await forums.createPost(
        actor(r.by),
        thread.id,
        { body: r.body, ...(parentId ? { parentId } : {}), ...(quotePostId ? { quotePostId } : {}) },
        { at: new Date(start + r.hoursLater * 3600 * 1000) },
      );
      if (r.key) postIds.set(r.key, reply.id);
      for (const [who, kind] of r.reactions ?? []) await forums.react(actor(who), reply.id, kind, true);
    }
    if (t.pinned) await forums.updateThread(actor('moderator'), thread.id, { pinned: true });
  }
  log.info({ threads: threads.length }, 'seeded demo forum threads');
};
