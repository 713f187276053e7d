import { seedForums } from '@commons/server/forums/seed';
import { ResourceModel } from '@commons/server/library/model';
import { seedDemo } from '@commons/server/seed/demo';
import { seedHub } from '@commons/server/seed/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let keisha: TestClient;

beforeAll(async () => {
  p = await startTestPlatform('hub_seed', { workers: false });
  const seeded = await seedDemo(p.runtime.log, [seedForums, seedHub]);
  expect(seeded).not.toBeNull();
  keisha = p.client();
  const login = await keisha.post('/api/auth/login', {
    email: 'keisha@commons.localhost',
    password: seeded!.find((s) => s.email === 'keisha@commons.localhost')!.password,
  });
  expect(login.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await p?.close();
});

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('demo hub content', () => {
  it('shows a living hub: approved resources across topics, featured stories, a coalition with its category and lab', async () => {
    const library = await keisha.get('/api/resources?limit=50');
    expect(library.body.resources).toHaveLength(4);
    const topics = new Set(library.body.resources.flatMap((r: Any) => r.topics));
    expect(topics.size).toBeGreaterThanOrEqual(6);
    const home = await keisha.get('/api/hub/home');
    expect(home.body.featured).toHaveLength(2);
    expect(home.body.featuredStories.map((s: Any) => s.title)).toEqual(['How Mattapan parents built a play space']);
    expect((await keisha.get('/api/stories')).body.stories).toHaveLength(2);

    const mine = await keisha.get('/api/coalitions?mine=true');
    expect(mine.body.coalitions.map((c: Any) => c.name)).toEqual(['Mattapan Family Network']);
    const id = mine.body.coalitions[0].id;
    const categories = await keisha.get(`/api/categories?coalitionId=${id}`);
    expect(categories.body.categories).toMatchObject([{ name: 'Network planning', threadCount: 1 }]);
    const labs = await keisha.get(`/api/labs?coalitionId=${id}`);
    expect(labs.body.labs).toHaveLength(1);
  });

  it('runs only into an empty database', async () => {
    expect(await seedDemo(p.runtime.log, [seedForums, seedHub])).toBeNull();
    await seedHub(new Map(), p.runtime.log);
    expect(await ResourceModel.countDocuments()).toBe(4);
  });
});
