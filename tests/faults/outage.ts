// A dependency (Redis, the store) goes away for a while under traffic through nginx: what each
// request got during the outage (503 with Retry-After within 2 s, never a hang), whether every
// process lived through it and recovered by itself, and whether anything was lost or half-written.
import { setTimeout as delay } from 'node:timers/promises';
import { queueNames } from '@commons/shared';
import { Queue } from 'bullmq';
import type { Cluster, Member } from '../support/cluster.js';
import { waitFor } from '../support/cluster.js';
import { createLab, createThread, probe, roomClient, round, summarizeProbes, type RoomClient } from './common.js';

type Probe = Awaited<ReturnType<typeof probe>> & { at: number; kind: 'read' | 'post' | 'readyz'; body?: string };

export interface OutageShape {
  /** Makes the fault; `end` undoes it (SIGCONT, a start). */
  begin(): Promise<void> | void;
  end(): Promise<void> | void;
  downMs: number;
  members: number;
  /**
   * While the recovery-gap replies go out, cut every adapter subscriber (CLIENT KILL TYPE pubsub)
   * every 300 ms: a Redis restart alone brings each process's connections back nearly together,
   * so this makes sure replies are published while some server's subscriber is away.
   */
  cutSubscribers?: boolean;
}

async function allReady(cluster: Cluster): Promise<boolean> {
  const answers = await Promise.all(cluster.servers.map((s) => probe(`${s.url}/readyz`, {}, 2_000)));
  return answers.every((a) => a.status === 200);
}

export async function outage(cluster: Cluster, shape: OutageShape): Promise<Record<string, unknown>> {
  const host = await cluster.member('Host Outage');
  const threadId = await createThread(host, 'Talking through an outage');
  const labId = await createLab(host);
  const people = await cluster.members(shape.members, 'Member Outage');
  const clients: RoomClient[] = [];
  for (let i = 0; i < people.length; i += 25)
    clients.push(
      ...(await Promise.all(people.slice(i, i + 25).map((m) => roomClient(cluster, m, { labId, threadId })))),
    );
  const speaker = await roomClient(cluster, host, { labId, threadId });
  const posters: Member[] = people.slice(0, 6);
  const confirmedLab: number[] = [];

  const probes: Probe[] = [];
  let probing = true;
  let n = 0;
  const headers = (m: Member, json = false) => ({
    cookie: m.c.cookieHeader(),
    origin: cluster.proxyUrl,
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  const probeLoop = async () => {
    while (probing) {
      const k = n++;
      const at = Date.now();
      if (k % 3 === 0) {
        probes.push({
          at,
          kind: 'read',
          ...(await probe(`${cluster.proxyUrl}/api/threads/${threadId}/posts`, { headers: headers(host) })),
        });
      } else if (k % 3 === 1) {
        const who = posters[k % posters.length]!;
        const body = `Outage probe reply ${k} ${at}`;
        const init = { method: 'POST', headers: headers(who, true), body: JSON.stringify({ body }) };
        probes.push({
          at,
          kind: 'post',
          body,
          ...(await probe(`${cluster.proxyUrl}/api/threads/${threadId}/posts`, init)),
        });
      } else {
        probes.push({ at, kind: 'readyz', ...(await probe(`${cluster.proxyUrl}/readyz`)) });
      }
      await delay(250);
    }
  };
  const loops = [probeLoop(), probeLoop()];
  await delay(3_000);

  const beganAt = Date.now();
  await shape.begin();
  await delay(shape.downMs);
  const endedAt = Date.now();
  await shape.end();
  // Replies straight to each server while the processes' Redis connections come back, each on its
  // own retry schedule: one whose request connection is back publishes while another's adapter
  // subscriber may still be away, and those replies must still reach every socket (6 s of them).
  const gapPosters = people.slice(12);
  const gap = { tried: 0, saved: 0, byServer: cluster.servers.map(() => 0) };
  const gapUntil = Date.now() + 6_000;
  let recoveredMs = -1;
  // Readiness is watched meanwhile, so the time to recover is not the gap's four seconds.
  const recovery = waitFor(() => allReady(cluster), 60_000, 'every server ready again')
    .then(() => (recoveredMs = Date.now() - endedAt))
    .catch(() => undefined);
  let subscriberCuts = 0;
  const cutting = (async () => {
    while (shape.cutSubscribers && Date.now() < gapUntil) {
      await cluster.admin
        .client('KILL', 'TYPE', 'pubsub')
        .then((n) => void (subscriberCuts += Number(n)))
        .catch(() => undefined);
      await delay(300);
    }
  })();
  await Promise.all(
    cluster.servers.map(async (server, i) => {
      while (gapPosters.length && Date.now() < gapUntil) {
        const who = gapPosters[gap.tried++ % gapPosters.length]!;
        const body = JSON.stringify({ body: `In the recovery gap, through server ${i}, ${gap.tried}` });
        const init = { method: 'POST', headers: { ...headers(who, true), origin: cluster.proxyUrl }, body };
        const res = await probe(`${server.url}/api/threads/${threadId}/posts`, init, 10_000);
        if (res.status === 201) {
          gap.saved += 1;
          gap.byServer[i]! += 1;
        }
        await delay(150);
      }
    }),
  );
  await Promise.all([recovery, cutting]);
  await delay(3_000);
  probing = false;
  await Promise.all(loops);

  // After: a few more posts and lab messages, which every member must get, without a restart.
  // Not the probes' posters: they may have spent their ten replies a minute.
  for (const [i, who] of people.slice(6, 12).entries()) {
    const res = await who.c.post(`/api/threads/${threadId}/posts`, {
      body: `After the outage, reply ${i} ${Date.now()}`,
    });
    if (res.status !== 201) console.log(`[faults] a reply after the outage: ${res.status}`);
  }
  for (let i = 0; i < 5; i++) {
    const seq = await speaker.sendLab(`After the outage, message ${i}`);
    if (seq) confirmedLab.push(seq);
  }

  const listing = await host.c.get(`/api/threads/${threadId}/posts?after=0&limit=100`);
  const published = (listing.body.posts as Array<{ id: string; seq: number; body: string }>).filter((p) => p.seq > 1);
  const everyone = [...clients, speaker];
  const lastPost = Math.max(0, ...published.map((p) => p.seq));
  const lastLab = Math.max(0, ...confirmedLab);
  let caughtUp = true;
  await waitFor(
    () => everyone.every((c) => c.postSeqs.has(lastPost) && (lastLab === 0 || c.labSeqs.has(lastLab))),
    60_000,
    'every member has every post and message',
  ).catch(() => (caughtUp = false));
  const lostPosts = everyone.map((c) => published.filter((p) => !c.postSeqs.has(p.seq)).length);
  const lostLab = everyone.map((c) => confirmedLab.filter((s) => !c.labSeqs.has(s)).length);

  // Every accepted post is screened and fanned out, whatever met the outage on the way.
  const ids = published.map((p) => p.id);
  const queues = {
    moderation: new Queue(queueNames.moderation, {
      connection: { url: cluster.redis.url },
      prefix: `${cluster.prefix}:bull`,
    }),
    notifications: new Queue(queueNames.notifications, {
      connection: { url: cluster.redis.url },
      prefix: `${cluster.prefix}:bull`,
    }),
  };
  const unfinished = async () => {
    let open = 0;
    for (const id of ids) {
      const screen = await queues.moderation.getJob(`screen-${id}`);
      const fanout = await queues.notifications.getJob(`fanout-${id}`);
      if (!(await screen?.isCompleted()) || !(await fanout?.isCompleted())) open += 1;
    }
    return open;
  };
  let jobsUnfinished = await unfinished();
  await waitFor(
    async () => (jobsUnfinished = await unfinished()) === 0,
    90_000,
    'every post screened and fanned out',
  ).catch(() => undefined);
  await Promise.all(Object.values(queues).map((q) => q.close()));

  // A post refused during the outage must not appear later (nothing half-written).
  const refused = probes.filter((p) => p.kind === 'post' && p.status !== 201 && p.body);
  const refusedButSaved = refused.filter((p) => published.some((q) => q.body.includes(p.body!))).length;
  const during = probes.filter((p) => p.at >= beganAt && p.at <= endedAt);
  const alive = (r: { child: { exitCode: number | null; signalCode: string | null } }) =>
    r.child.exitCode === null && r.child.signalCode === null;
  for (const c of everyone) c.close();
  return {
    members: shape.members,
    downSeconds: round(shape.downMs / 1000, 1),
    duringOutage: {
      all: summarizeProbes(during),
      reads: summarizeProbes(during.filter((p) => p.kind === 'read')),
      posts: summarizeProbes(during.filter((p) => p.kind === 'post')),
      readyz: summarizeProbes(during.filter((p) => p.kind === 'readyz')),
    },
    afterOutage: summarizeProbes(probes.filter((p) => p.at > endedAt + Math.max(0, recoveredMs))),
    serversAlive: cluster.servers.filter((s) => alive(s.run)).length,
    workersAlive: cluster.workers.filter((w) => alive(w)).length,
    recoveredMsAfterEnd: recoveredMs,
    postsPublished: published.length,
    refusedDuringOutage: refused.length,
    refusedButSaved,
    caughtUp,
    clientsReconnected: everyone.filter((c) => c.reconnects() > 0).length,
    clientsToldToCatchUp: everyone.filter((c) => c.resyncs() > 0).length,
    repliesInRecoveryGap: gap,
    subscriberCuts,
    lostPostsTotal: lostPosts.reduce((a, b) => a + b, 0),
    lostPostsMax: Math.max(...lostPosts),
    lostLabMessagesMax: Math.max(...lostLab),
    duplicatedMax: Math.max(...everyone.map((c) => c.repeats())),
    postsNotScreenedAndFannedOut: jobsUnfinished,
  };
}
