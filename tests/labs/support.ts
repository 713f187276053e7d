import type { LabCreateBody } from '@commons/shared';
import { expect } from 'vitest';
import type { Someone } from '../forums/support.js';
import type { TestPlatform } from '../support/platform.js';
import { connectSocket, type ClientSocket } from '../support/sockets.js';

export { collectEvents as collect, nextEvent as next, type ClientSocket } from '../support/sockets.js';

/** A live connection of the member (their session cookie), once the server confirmed it. */
export const connectAs = (p: TestPlatform, who: Someone, sockets: ClientSocket[]) => connectSocket(p.url, who, sockets);

export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

export function labBody(overrides: Partial<LabCreateBody> = {}): LabCreateBody {
  return {
    title: 'Safe routes to school',
    purpose: 'Agree on three actions to make walking to school safer for children.',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 90,
    visibility: 'public',
    facilitatorIds: [],
    agenda: [
      { title: 'Welcome and check-in', minutes: 10, kind: 'discuss' },
      { title: 'Ideas', minutes: 20, kind: 'ideas' },
      { title: 'Dot vote', minutes: 10, kind: 'vote' },
      { title: 'Consensus', minutes: 10, kind: 'consensus' },
      { title: 'Who does what', minutes: 15, kind: 'actions' },
    ],
    ...overrides,
  };
}

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createLab(who: Someone, overrides: Partial<LabCreateBody> = {}): Promise<any> {
  const res = await who.c.post('/api/labs', labBody(overrides));
  if (res.status !== 201) throw new Error(`create lab failed: ${res.status} ${res.text}`);
  expect(res.body.lab.host.id).toBe(who.id);
  return res.body.lab;
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
