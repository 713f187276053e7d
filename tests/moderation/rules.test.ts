import { FLAG_HIDE_THRESHOLD } from '@commons/shared';
import {
  flagWeight,
  priorityOf,
  screenPost,
  trustLevelFor,
  type ScreeningInput,
} from '@commons/server/moderation/rules';
import { describe, expect, it } from 'vitest';

describe('flag weights', () => {
  const member = { role: 'member' as const, flagsUpheld: 0, flagsRejected: 0 };

  it('grows with the trust level', () => {
    const weights = [0, 1, 2, 3].map((trustLevel) => flagWeight({ ...member, trustLevel }));
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
    expect(new Set(weights).size).toBe(4);
    expect(flagWeight({ ...member, trustLevel: 1 })).toBe(1);
  });

  it('rises with upheld flags and falls with rejected ones', () => {
    const neutral = flagWeight({ ...member, trustLevel: 1 });
    const accurate = flagWeight({ ...member, trustLevel: 1, flagsUpheld: 8 });
    const careless = flagWeight({ ...member, trustLevel: 1, flagsRejected: 8 });
    expect(accurate).toBeGreaterThan(neutral);
    expect(careless).toBeLessThan(neutral);
    expect(careless).toBeGreaterThan(0);
  });

  it('gives a moderator the whole threshold, more than any member', () => {
    const mod = flagWeight({ role: 'moderator', trustLevel: 0, flagsUpheld: 0, flagsRejected: 0 });
    expect(mod).toBe(FLAG_HIDE_THRESHOLD);
    expect(flagWeight({ ...member, trustLevel: 3, flagsUpheld: 100 })).toBeLessThan(mod);
  });

  it('needs several new members to reach the threshold, fewer regulars', () => {
    const newcomer = flagWeight({ ...member, trustLevel: 0 });
    const regular = flagWeight({ ...member, trustLevel: 3 });
    expect(Math.ceil(FLAG_HIDE_THRESHOLD / newcomer)).toBeGreaterThanOrEqual(4);
    expect(Math.ceil(FLAG_HIDE_THRESHOLD / regular)).toBe(2);
  });

  it('puts child safety on top of the queue', () => {
    const urgent = priorityOf({ reasons: ['child_safety'], weight: 0.5, hidden: true, appeal: false });
    const heavy = priorityOf({ reasons: ['spam'], weight: 30, hidden: true, appeal: true });
    expect(urgent).toBeGreaterThan(heavy);
  });
});

describe('trust levels', () => {
  const none = { daysVisited: 0, posts: 0, likesReceived: 0, upheldAgainst: 0 };
  it.each([
    [none, 0],
    [{ ...none, daysVisited: 2, posts: 3 }, 1],
    [{ daysVisited: 10, posts: 20, likesReceived: 10, upheldAgainst: 0 }, 2],
    [{ daysVisited: 40, posts: 80, likesReceived: 50, upheldAgainst: 0 }, 3],
    [{ daysVisited: 40, posts: 80, likesReceived: 50, upheldAgainst: 1 }, 1],
    [{ daysVisited: 40, posts: 80, likesReceived: 50, upheldAgainst: 3 }, 0],
  ])('%j gives level %i', (stats, level) => {
    expect(trustLevelFor(stats)).toBe(level);
  });
  it('gives moderators level 3', () => {
    expect(trustLevelFor(none, 'moderator')).toBe(3);
  });
});

/** A fixed corpus of sample posts and the verdict each must get. */
const base: ScreeningInput = {
  body: '',
  trustLevel: 1,
  accountAgeHours: 24 * 30,
  recentBodies: [],
  postsLast5Minutes: 1,
};
const corpus: Array<[string, Partial<ScreeningInput>, 'allow' | 'hold' | 'hide', string[]]> = [
  ['ordinary post', { body: 'Our parent café meets on Tuesdays at the library. Everyone is welcome!' }, 'allow', []],
  ['Scunthorpe problem', { body: 'The Scunthorpe team shared an assessment of their classes.' }, 'allow', []],
  ['one link, trusted member', { body: 'The toolkit is at https://example.org/toolkit' }, 'allow', []],
  [
    'one link, level 0',
    { body: 'The toolkit is at https://example.org/toolkit', trustLevel: 0 },
    'hold',
    ['links_untrusted'],
  ],
  [
    'one link, brand-new account',
    { body: 'See www.example.org for details', accountAgeHours: 2 },
    'hold',
    ['links_untrusted'],
  ],
  ['five links', { body: [1, 2, 3, 4, 5].map((i) => `https://example.org/${i}`).join(' ') }, 'hold', ['link_spam']],
  [
    'ten links',
    { body: Array.from({ length: 10 }, (_, i) => `https://cheap-pills.example/${i}`).join('\n') },
    'hide',
    ['link_spam'],
  ],
  ['one swear word', { body: 'This fucking bus was late again.' }, 'hold', ['profanity']],
  ['leetspeak', { body: 'what a sh1t meeting' }, 'hold', ['profanity']],
  ['leetspeak with digits only inside the word', { body: 'this is 5h1t' }, 'hold', ['profanity']],
  // Figures are not leetspeak: 455 is not a word, whatever 4 and 5 look like.
  [
    'figures, dates and times',
    { body: 'We served 455 families and 5455 meals; next count 4/5/2027 at 5:55, call 555-0134.' },
    'allow',
    [],
  ],
  ['abuse', { body: 'You are a fucking bitch, shut up you piece of shit' }, 'hide', ['profanity']],
  ['posted once before', { body: 'Join my group now!', recentBodies: ['join my group   NOW!'] }, 'hold', ['duplicate']],
  [
    'posted twice before',
    { body: 'Join my group now!', recentBodies: ['Join my group now!', 'Join my group now!'] },
    'hide',
    ['duplicate'],
  ],
  ['short repeats are fine', { body: 'Thanks!', recentBodies: ['Thanks!', 'Thanks!'] }, 'allow', []],
  ['burst', { body: 'Another reply', postsLast5Minutes: 9 }, 'hold', ['burst']],
  ['flood', { body: 'Another reply', postsLast5Minutes: 15 }, 'hide', ['burst']],
  // An opening post is screened with its thread's title.
  [
    'swearing in the title',
    { title: 'What the fuck is this schedule', body: 'Please explain.' },
    'hold',
    ['profanity'],
  ],
  ['abuse in the title', { title: 'You fucking bitch, piece of shit', body: 'Read this.' }, 'hide', ['profanity']],
  [
    'a link in the title, level 0',
    { title: 'Free money at https://cheap-pills.example', body: 'Click it.', trustLevel: 0 },
    'hold',
    ['links_untrusted'],
  ],
  ['a clean title', { title: 'Circle time ideas for toddlers', body: 'What works for you?' }, 'allow', []],
];

describe('automatic screening corpus', () => {
  it.each(corpus)('%s', (_label, input, verdict, reasons) => {
    const result = screenPost({ ...base, ...input });
    expect(result.verdict).toBe(verdict);
    expect([...result.reasons].sort()).toEqual([...reasons].sort());
  });
});
