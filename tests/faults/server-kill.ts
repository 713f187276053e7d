// kill -9 one of three server processes while members sit in a lab and a thread and some of them
// talk: every client reconnects through nginx to another process and catches up by number.
import { setTimeout as delay } from 'node:timers/promises';
import type { Cluster } from '../support/cluster.js';
import { waitFor } from '../support/cluster.js';
import { createLab, createThread, percentile, roomClient, round, type RoomClient } from './common.js';

export async function serverKill(cluster: Cluster, opts: { members: number }): Promise<Record<string, unknown>> {
  const host = await cluster.member('Host Faults');
  const labId = await createLab(host);
  const threadId = await createThread(host, 'Talking through a process death');
  const people = await cluster.members(opts.members, 'Member Faults');
  const clients: RoomClient[] = [];
  for (let i = 0; i < people.length; i += 25) {
    clients.push(
      ...(await Promise.all(people.slice(i, i + 25).map((m) => roomClient(cluster, m, { labId, threadId })))),
    );
  }
  const speakers = [await roomClient(cluster, host, { labId, threadId }), ...clients.slice(0, 2)];
  const posters = people.slice(2, 8);
  console.log(`[faults] ${clients.length} members in the lab and the thread; talking`);

  const confirmedLab: number[] = [];
  const confirmedPosts: string[] = [];
  let failedSends = 0;
  let failedPosts = 0;
  let stop = false;
  const talk = async (s: RoomClient, k: number) => {
    for (let i = 0; !stop; i++) {
      const seq = await s.sendLab(`Speaker ${k} message ${i}`);
      if (seq) confirmedLab.push(seq);
      else failedSends += 1;
      await delay(400);
    }
  };
  const post = async (k: number) => {
    for (let i = 0; !stop; i++) {
      const res = await posters[k]!.c.post(`/api/threads/${threadId}/posts`, {
        body: `Poster ${k} reply ${i}, unique ${Date.now()}`,
      }).catch(() => null);
      if (res?.status === 201) confirmedPosts.push(res.body.post.id as string);
      else failedPosts += 1;
      await delay(7_000);
    }
  };
  const talking = [...speakers.map((s, k) => talk(s, k)), ...posters.map((_, k) => post(k))];
  await delay(8_000);
  const victim = cluster.servers[0]!;
  const killedAt = Date.now();
  victim.run.child.kill('SIGKILL');
  await victim.run.ended;
  await delay(12_000);
  stop = true;
  await Promise.all(talking);

  // The end state everybody must reach: every confirmed lab message and every published post.
  const everyone = [...clients, speakers[0]!];
  const lastLab = Math.max(...confirmedLab);
  const listing = await host.c.get(`/api/threads/${threadId}/posts?after=0&limit=100`);
  const published = (listing.body.posts as Array<{ id: string; seq: number }>).filter((p) => p.seq > 1);
  const lastPost = Math.max(0, ...published.map((p) => p.seq));
  let caughtUp = true;
  await waitFor(
    () =>
      everyone.every(
        (c) =>
          c.connected() &&
          c.gapsPending() === 0 &&
          c.labSeqs.has(lastLab) &&
          (lastPost === 0 || c.postSeqs.has(lastPost)),
      ),
    90_000,
    'every client reconnected and caught up',
  ).catch(() => (caughtUp = false));
  await delay(500);
  const lostLab = everyone.map((c) => confirmedLab.filter((seq) => !c.labSeqs.has(seq)).length);
  const lostPosts = everyone.map((c) => published.filter((p) => !c.postSeqs.has(p.seq)).length);
  const reconnected = everyone.filter((c) => c.reconnects() > 0);
  const recoverMs = reconnected.map((c) => c.lastRecoveredAt() - killedAt).filter((ms) => ms > 0);
  const confirmedMissing = confirmedPosts.filter((id) => !published.some((p) => p.id === id)).length;
  for (const c of everyone) c.close();
  return {
    members: opts.members,
    caughtUp,
    labMessagesConfirmed: confirmedLab.length,
    labSendsUnanswered: failedSends,
    postsConfirmed: confirmedPosts.length,
    postsRefusedOrUnanswered: failedPosts,
    postsPublished: published.length,
    confirmedPostsMissingFromThread: confirmedMissing,
    clientsReconnected: reconnected.length,
    lostLabMessagesMax: Math.max(...lostLab),
    lostLabMessagesTotal: lostLab.reduce((a, b) => a + b, 0),
    lostPostsMax: Math.max(...lostPosts),
    // Whether a client missing something had reconnected (a catch-up problem) or not (a lost push).
    clientsMissingPosts: lostPosts.filter((n) => n > 0).length,
    clientsMissingPostsThatReconnected: everyone.filter((c, i) => lostPosts[i]! > 0 && c.reconnects() > 0).length,
    duplicatedMax: Math.max(...everyone.map((c) => c.repeats())),
    recoverP50Ms: Math.round(percentile(recoverMs, 50)),
    recoverP99Ms: Math.round(percentile(recoverMs, 99)),
    recoverMaxMs: Math.round(Math.max(0, ...recoverMs)),
    recoverMaxSeconds: round(Math.max(0, ...recoverMs) / 1000, 1),
  };
}
