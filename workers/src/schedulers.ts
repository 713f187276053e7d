import type { Queues } from '@commons/server/infra/queues';

/** Recurring work, declared at every boot: upsertJobScheduler replaces rather than duplicates. */
export async function declareSchedulers(queues: Pick<Queues, 'digests'>): Promise<void> {
  await queues.digests.upsertJobScheduler(
    'digest-tick',
    { pattern: '0 * * * *' },
    { name: 'tick', data: { kind: 'tick' }, opts: { attempts: 3 } },
  );
}
