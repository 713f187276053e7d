// kill -9 a worker process in the middle of screening and fan-out, and again in the middle of a
// digest run: every job completes once, elsewhere or after the restart. Counted where members see
// it: each watcher holds one notification per reply, and at most one digest mail per period.
import { setTimeout as delay } from 'node:timers/promises';
import { NotificationModel } from '@commons/server/notifications/model';
import { queueNames } from '@commons/shared';
import { Queue } from 'bullmq';
import mongoose, { Types } from 'mongoose';
import type { Cluster } from '../support/cluster.js';
import { waitFor } from '../support/cluster.js';
import { entry } from '../support/processes.js';
import { createThread, round } from './common.js';

export async function workerKill(cluster: Cluster, opts: { members: number }): Promise<Record<string, unknown>> {
  const host = await cluster.member('Host Workers');
  const threadId = await createThread(host, 'Replies while a worker dies');
  const watchers = await cluster.members(opts.members, 'Watcher Workers');
  for (let i = 0; i < watchers.length; i += 20)
    await Promise.all(
      watchers
        .slice(i, i + 20)
        .map((w) => w.c.request('PUT', `/api/threads/${threadId}/subscription`, { level: 'watching' })),
    );
  const posters = watchers.slice(0, 8);
  const queue = (name: string) =>
    new Queue(name, { connection: { url: cluster.redis.url }, prefix: `${cluster.prefix}:bull` });
  const moderation = queue(queueNames.moderation);
  const notifications = queue(queueNames.notifications);
  const digests = queue(queueNames.digests);

  // Replies in bursts; worker 0 dies with the fan-outs under way and comes back 5 s later.
  const postIds: string[] = [];
  const authorOf = new Map<string, string>();
  const posting = (async () => {
    for (let round = 0; round < 3; round++) {
      const sent = await Promise.all(
        posters.map((p, i) =>
          p.c.post(`/api/threads/${threadId}/posts`, { body: `Reply ${round}.${i} from a watcher ${Date.now()}` }),
        ),
      );
      for (const [i, res] of sent.entries()) {
        if (res.status !== 201) continue;
        postIds.push(res.body.post.id as string);
        authorOf.set(res.body.post.id as string, posters[i]!.id);
      }
      await delay(1_500);
    }
  })();
  await delay(2_000);
  const activeAtKill = (await notifications.getActiveCount()) + (await moderation.getActiveCount());
  // FAULT_CONTROL=1: the same run with no process killed, to tell the fault's effects from the rest.
  const kill = process.env.FAULT_CONTROL !== '1';
  if (kill) {
    cluster.workers[0]!.child.kill('SIGKILL');
    await cluster.workers[0]!.ended;
  }
  await posting;
  await delay(5_000);
  if (kill) await cluster.startWorker(0);

  const unfinished = async () => {
    let open = 0;
    for (const id of postIds) {
      const s = await moderation.getJob(`screen-${id}`);
      const f = await notifications.getJob(`fanout-${id}`);
      if (!(await s?.isCompleted()) || !(await f?.isCompleted())) open += 1;
    }
    return open;
  };
  const fanoutStarted = Date.now();
  let open = postIds.length;
  await waitFor(async () => (open = await unfinished()) === 0, 180_000, 'every reply screened and fanned out').catch(
    () => undefined,
  );
  const fanoutMs = Date.now() - fanoutStarted;

  // Each watcher but the reply's author holds each reply once.
  await mongoose.connect(cluster.mongoUri);
  const perPost = new Map<string, number[]>();
  for (const id of postIds) {
    const rows = await NotificationModel.find({ postIds: new Types.ObjectId(id) }, { memberId: 1, postIds: 1 }).lean();
    const byMember = new Map<string, number>();
    for (const r of rows) {
      const times = r.postIds.filter((p) => p.toHexString() === id).length;
      byMember.set(r.memberId.toHexString(), (byMember.get(r.memberId.toHexString()) ?? 0) + times);
    }
    perPost.set(
      id,
      watchers.filter((w) => w.id !== authorOf.get(id)).map((w) => byMember.get(w.id) ?? 0),
    );
  }
  const counts = [...perPost.values()].flat();
  // Where the missing ones are: in the replies under way at the kill, or spread over all of them.
  const missingByReply = [...perPost.values()].map((c) => c.filter((n) => n === 0).length);

  // A digest run (as at 20:00 UTC tomorrow: past 8 in American time zones too) with its own
  // worker; cluster worker 1 dies while batches are under way.
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + 1);
  at.setUTCHours(20, 0, 0, 0);
  cluster.sink.clear();
  const run = cluster.run(entry.digests, ['--at', at.toISOString()]);
  // The kill as soon as digest batches are being made (or after 10 s).
  await waitFor(async () => (await digests.getActiveCount()) > 0, 10_000, 'a digest batch under way').catch(
    () => undefined,
  );
  const digestJobsActiveAtKill = await digests.getActiveCount();
  if (kill) {
    cluster.workers[1]!.child.kill('SIGKILL');
    await cluster.workers[1]!.ended;
    await delay(3_000);
    await cluster.startWorker(1);
  }
  const ended = await Promise.race([run.ended, delay(300_000).then(() => null)]);
  await delay(2_000);
  const digestMails = new Map<string, number>();
  for (const mail of cluster.sink.mails())
    for (const to of mail.envelope.to) digestMails.set(to, (digestMails.get(to) ?? 0) + 1);
  const perWatcher = watchers.map((w) => digestMails.get(w.email) ?? 0);
  await mongoose.disconnect();
  await Promise.all([moderation, notifications, digests].map((q) => q.close()));
  return {
    watchers: watchers.length,
    replies: postIds.length,
    jobsActiveAtKill: activeAtKill,
    repliesNotScreenedAndFannedOut: open,
    fanoutDoneSeconds: round(fanoutMs / 1000, 1),
    control: !kill,
    watchersMissingANotification: counts.filter((c) => c === 0).length,
    missingByReply,
    notificationsRepeated: counts.filter((c) => c > 1).length,
    digestRun: ended ? (/Digests at [^\n]*/.exec(ended.output)?.[0] ?? `exit ${ended.code}`) : 'did not end in 300 s',
    digestJobsActiveAtKill,
    watchersWithTwoDigestMails: perWatcher.filter((n) => n > 1).length,
    watchersWithADigestMail: perWatcher.filter((n) => n === 1).length,
  };
}
