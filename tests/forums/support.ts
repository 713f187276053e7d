import type { Role } from '@commons/shared';
import { MemberModel } from '@commons/server/members/model';
import { expect } from 'vitest';
import { TestClient } from '../support/http.js';
import type { TestPlatform } from '../support/platform.js';

export const PASSWORD = 'maple-lantern-harbor-41';

export interface Someone {
  c: TestClient;
  id: string;
  name: string;
  email: string;
}

let n = 0;

/**
 * Registers a member through the API (so member.registered runs and they get a mention
 * handle) and gives them a role straight in the store. Registration allows 20 per hour per IP
 * and test file, so each file keeps its cast small.
 */
export async function signUp(p: TestPlatform, displayName: string, role: Role = 'member'): Promise<Someone> {
  const c = new TestClient(p.url);
  const email = `${displayName.toLowerCase().replace(/[^a-z]+/g, '.')}.${++n}.${Date.now()}@example.org`;
  const res = await c.post('/api/auth/register', { email, password: PASSWORD, displayName });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  const id: string = res.body.user.id;
  if (role !== 'member') await MemberModel.updateOne({ _id: id }, { $set: { role } });
  return { c, id, name: displayName, email };
}

/** PUT with no body (TestClient has get/post/patch/delete). */
export function put(c: TestClient, path: string, body?: unknown) {
  return c.request('PUT', path, body);
}

/** The id of a seeded category by slug. */
export async function categoryId(c: TestClient, slug: string): Promise<string> {
  const res = await c.get('/api/categories');
  expect(res.status).toBe(200);
  const found = (res.body.categories as Array<{ id: string; slug: string }>).find((x) => x.slug === slug);
  if (!found) throw new Error(`no category ${slug}`);
  return found.id;
}

export async function newThread(
  who: Someone,
  category: string,
  title: string,
  // Unique per title: screening holds the same text posted twice and hides it the third time,
  // and a hidden opening post takes its thread away from everyone but its author and moderators.
  body = `Opening post of the thread: ${title}.`,
  // Response bodies are arbitrary JSON that assertions walk freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ thread: any; post: any }> {
  const res = await who.c.post('/api/threads', { categoryId: category, title, body });
  if (res.status !== 201) throw new Error(`thread failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function reply(
  who: Someone,
  threadId: string,
  body: string,
  extra: { parentId?: string; quotePostId?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const res = await who.c.post(`/api/threads/${threadId}/posts`, { body, ...extra });
  if (res.status !== 201) throw new Error(`reply failed: ${res.status} ${res.text}`);
  return res.body.post;
}

/** Gives every member a fresh posting budget (for files whose subject is not the limit). */
export function resetPostingBudgets(p: TestPlatform): Promise<void> {
  return dropRedisKeys(p, `${p.runtime.config.REDIS_PREFIX}:rl:forum-*`);
}

/** Deletes the platform's Redis keys that match `pattern` (a limit's counters, say). */
export async function dropRedisKeys(p: TestPlatform, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await p.runtime.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await p.runtime.redis.del(...keys);
  } while (cursor !== '0');
}

export const MISSING_ID = '0123456789abcdef01234567';
