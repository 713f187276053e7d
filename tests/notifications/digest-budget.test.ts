// The store budget of digests: at most 2 store commands per digest, amortized over a batch,
// counted by the store adapter's counters (as COMMONS_DB_PROFILE counts them for benchmarks).
import { Types } from 'mongoose';
import { defaultNotificationPreferences } from '@commons/shared';
import { countStoreCommands } from '@commons/server/infra/store/index';
import { MemberModel } from '@commons/server/members/model';
import { DIGEST_BATCH_SIZE } from '@commons/server/notifications/digest';
import { createPendingDigests } from '@commons/server/notifications/digest-pending';
import { readRecipients } from '@commons/server/notifications/digest-schedule';
import { DigestMarkerModel, NotificationSettingsModel } from '@commons/server/notifications/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, signUp } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

const BUDGET_PER_DIGEST = 2;
let p: TestPlatform;

beforeAll(async () => {
  // No in-process workers: nothing else talks to the store while the batch is counted.
  p = await startTestPlatform('digest_budget', { workers: false });
});
afterAll(async () => {
  await p?.close();
});

describe('digest store budget', () => {
  it(`sends a batch of ${DIGEST_BATCH_SIZE} digests with at most ${BUDGET_PER_DIGEST} store commands each`, async () => {
    const poster = await signUp(p, 'Bea Budget');
    const intro = await categoryId(poster.c, 'introductions');
    const ids = Array.from({ length: DIGEST_BATCH_SIZE }, () => new Types.ObjectId());
    await MemberModel.insertMany(
      ids.map((_id, i) => ({
        _id,
        email: `budget${i}@example.org`,
        displayName: `Budget Reader ${i}`,
        passwordHash: 'not-used',
        timeZone: 'UTC',
        locale: i % 2 ? 'es' : 'en',
      })),
    );
    const kinds = { ...defaultNotificationPreferences.kinds, mention: 'digest' };
    await NotificationSettingsModel.insertMany(
      ids.map((memberId) => ({ memberId, kinds, digestFrequency: 'daily', digestHour: 8 })),
    );
    // Three posts mentioning every reader, as the fan-out leaves them in the pending digests
    // (the fan-out itself is exercised in digests.test.ts; here it would take most of the time).
    const { digests } = createNotificationWorkerServices(p.runtime);
    const posts: { t: string; p: string; s: number; c: number }[] = [];
    for (const title of ['Budget thread one', 'Budget thread two']) {
      const started = await newThread(poster, intro, title);
      posts.push({ t: started.thread.id, p: started.post.id, s: 1, c: Date.now() });
    }
    const more = await reply(poster, posts[0]!.t, 'And one more.');
    posts.push({ t: posts[0]!.t, p: more.id, s: more.seq, c: Date.now() });
    await createPendingDigests(p.runtime.redis, p.runtime.config.REDIS_PREFIX).append(
      ids.flatMap((id) =>
        posts.map((post) => ({ memberId: String(id), entry: { k: 'mention' as const, a: poster.id, ...post } })),
      ),
    );
    const at = digestEvening;
    const job = {
      kind: 'digest_batch' as const,
      periodKey: `d-${at.toISOString().slice(0, 10)}`,
      frequency: 'daily' as const,
      at: at.toISOString(),
      readAt: new Date().toISOString(),
      recipients: await readRecipients(ids.map(String)),
    };

    const t0 = performance.now();
    const counter = countStoreCommands();
    const result = await digests.sendBatch(job, 'budget-batch');
    const counts = counter.stop();
    console.log(
      `batch of ${DIGEST_BATCH_SIZE}: ${Math.round(performance.now() - t0)} ms, ${counts.total} store commands`,
      `(${counts.reads} reads, ${counts.writes} writes)`,
      counts.byShape,
    );

    expect(result).toMatchObject({ members: DIGEST_BATCH_SIZE, sent: DIGEST_BATCH_SIZE, duplicate: 0 });
    const perDigest = counts.total / DIGEST_BATCH_SIZE;
    expect(perDigest, JSON.stringify(counts.byShape, null, 1)).toBeLessThanOrEqual(BUDGET_PER_DIGEST);
    // Members are read in one batch, not one by one.
    expect(counts.byCollection.members?.reads ?? 0).toBeLessThanOrEqual(1);
    const mails = await eventually(async () => {
      const got = p.sink.mails().filter((m) => /^budget\d+@/.test(m.envelope.to[0] ?? ''));
      return got.length >= DIGEST_BATCH_SIZE ? got : undefined;
    });
    expect(mails).toHaveLength(DIGEST_BATCH_SIZE);
    expect(mails[0]!.text).toMatch(/Budget thread (one|two)/);
    expect(await DigestMarkerModel.countDocuments({ period: job.periodKey, status: 'sent' })).toBe(DIGEST_BATCH_SIZE);
  }, 120_000);
});
