// The store adapter: what the server reports picks the tactics, and each tactic answers the same.
import { randomBytes } from 'node:crypto';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import {
  asHousekeeping,
  countStoreCommands,
  findAmong,
  findIn,
  isDuplicateKey,
  kindFromBuildInfo,
  storeCommandsOf,
  storeKind,
  useStoreKind,
  type FieldMatch,
  type StoreKind,
} from '@commons/server/infra/store/index';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const dbName = `t_store_adapter_${randomBytes(4).toString('hex')}`;
const Row = mongoose.model(
  'StoreAdapterRow',
  new mongoose.Schema({ key: { type: String, required: true, unique: true }, group: { type: Number, required: true } }),
);
let detected: StoreKind;

beforeAll(async () => {
  useStoreKind('mongodb');
  await connectDatabase(inject('mongoUri'), dbName, { countCommands: true });
  detected = storeKind();
  await Row.insertMany(Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, group: i % 3 })));
});
afterAll(async () => {
  useStoreKind(detected);
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

describe('store kind', () => {
  it('is read from the server at connect time (the tests run FerretDB)', () => {
    expect(detected).toBe('ferretdb');
  });

  it('tells MongoDB and FerretDB apart by their buildInfo', () => {
    expect(kindFromBuildInfo({ version: '7.0.14', gitVersion: 'abc', ok: 1 })).toBe('mongodb');
    expect(kindFromBuildInfo({ version: '7.0.42', ferretdbVersion: 'v1.24.0', ok: 1 })).toBe('ferretdb');
    expect(kindFromBuildInfo({ version: '7.0.42', ferretdb: { version: 'v2.0.0' }, ok: 1 })).toBe('ferretdb');
  });
});

describe.each<StoreKind>(['mongodb', 'ferretdb'])('batch look-ups as on %s', (kind) => {
  const withKind = async <T>(run: () => Promise<T>): Promise<T> => {
    useStoreKind(kind);
    try {
      return await run();
    } finally {
      useStoreKind(detected);
    }
  };

  it('finds the documents of every distinct value, one `$in` on MongoDB, one equality each on FerretDB', async () => {
    const filters: FieldMatch[] = [];
    const rows = await withKind(() =>
      findIn('key', ['k1', 'k4', 'k1', null, 'missing', undefined], (match) => {
        filters.push(match);
        return Row.find(match).lean().exec();
      }),
    );
    expect(rows.map((r) => r.key).sort()).toEqual(['k1', 'k4']);
    if (kind === 'mongodb') expect(filters).toEqual([{ key: mongoose.trusted({ $in: ['k1', 'k4', 'missing'] }) }]);
    else expect(filters).toEqual([{ key: 'k1' }, { key: 'k4' }, { key: 'missing' }]);
  });

  it('asks nothing for no values', async () => {
    let asked = 0;
    const rows = await withKind(() => findIn('key', [], () => (asked++, Row.find({}).lean().exec())));
    expect(rows).toEqual([]);
    expect(asked).toBe(0);
  });

  it('reads a long list by one scan on FerretDB only, with the same answer', async () => {
    const wanted = ['k2', 'k3', ...Array.from({ length: 300 }, (_, i) => `none${i}`)];
    let scanned = false;
    const rows = await withKind(() =>
      findAmong(
        'key',
        wanted,
        (match) => Row.find(match).lean().exec(),
        () => ((scanned = true), Row.find({}).lean().exec()),
        (r) => r.key,
      ),
    );
    expect(rows.map((r) => r.key).sort()).toEqual(['k2', 'k3']);
    expect(scanned).toBe(kind === 'ferretdb');
  });
});

describe('duplicate keys', () => {
  const refusal = async (write: () => Promise<unknown>): Promise<unknown> => {
    try {
      await write();
    } catch (err) {
      return err;
    }
    throw new Error('the write was not refused');
  };

  it('recognises a unique index refusing an insert, an update and a bulk insert', async () => {
    expect(isDuplicateKey(await refusal(() => Row.create({ key: 'k1', group: 9 })))).toBe(true);
    expect(isDuplicateKey(await refusal(() => Row.updateOne({ key: 'k2' }, { $set: { key: 'k3' } })))).toBe(true);
    expect(
      isDuplicateKey(
        await refusal(() =>
          Row.insertMany(
            [
              { key: 'k5', group: 1 },
              { key: 'fresh', group: 1 },
            ],
            { ordered: false },
          ),
        ),
      ),
    ).toBe(true);
  });

  it('does not take other failures for one', async () => {
    expect(isDuplicateKey(await refusal(() => Row.create({ key: 'no-group' })))).toBe(false);
    expect(isDuplicateKey(new Error('UNIQUE constraint failed'))).toBe(detected === 'ferretdb');
    expect(isDuplicateKey(null)).toBe(false);
  });
});

describe('store command counters', () => {
  it("count an action's commands by kind, collection and shape, never values", async () => {
    const { result, counts } = await storeCommandsOf(async () => {
      await Row.updateOne({ key: 'k7' }, { $set: { group: 7 } });
      const found = await Row.find({ group: 7 }).lean().exec();
      await Row.countDocuments({ key: 'k7' });
      return found.length;
    });
    expect(result).toBe(1);
    const rows = Row.collection.collectionName;
    expect(counts).toMatchObject({ total: 3, reads: 2, writes: 1, other: 0 });
    expect(counts.byCollection).toEqual({ [rows]: { reads: 2, writes: 1 } });
    expect(Object.keys(counts.byShape)).toContain(`find ${rows} {group}`);
    expect(JSON.stringify(counts.byShape)).not.toContain('k7');
  });

  it('count only while running, and several at once each see their own span', async () => {
    const outer = countStoreCommands();
    await Row.findOne({ key: 'k1' }).lean().exec();
    const inner = countStoreCommands();
    await Row.findOne({ key: 'k2' }).lean().exec();
    expect(inner.stop()).toMatchObject({ total: 1, reads: 1 });
    await Row.findOne({ key: 'k3' }).lean().exec();
    expect(inner.counts().total).toBe(1);
    expect(outer.stop()).toMatchObject({ total: 3, reads: 3, writes: 0 });
  });

  it('leave out housekeeping that runs meanwhile, however its commands interleave', async () => {
    const counter = countStoreCommands();
    // Upkeep that waits between commands, as a sweep does, while the counted action runs.
    const upkeep = asHousekeeping(async () => {
      for (let i = 0; i < 5; i++) {
        await Row.findOne({ key: `k${i}` })
          .lean()
          .exec();
        await new Promise((r) => setTimeout(r, 2));
        await Row.updateOne({ key: `k${i}` }, { $set: { group: i % 3 } });
      }
    });
    await Promise.all([Row.find({ group: 1 }).lean().exec(), Row.countDocuments({ group: 2 })]);
    await upkeep;
    await Row.findOne({ key: 'k9' }).lean().exec();
    expect(counter.stop()).toMatchObject({ total: 3, reads: 3, writes: 0 });
  });
});
