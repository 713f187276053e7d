// Moving `npm start`'s store from FerretDB on SQLite to FerretDB on PostgreSQL, keeping its data:
// every database and collection of the source, with its indexes (unique rules included) and its
// documents, copied over the MongoDB protocol (both ends are FerretDB, so nothing is lost in a
// translation), then counted on both sides. Files in the SQLite directory record the state:
//   MOVING-TO-POSTGRESQL        a copy began; if it is still there at the next start, the copy was
//                               interrupted: what it wrote is dropped and it starts over;
//   MOVED-TO-POSTGRESQL.json    the copy finished (when, how many documents): never copied again.
// The SQLite files themselves are left in place for the operator to delete.
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { ServiceLog } from './types.js';

const MOVING = 'MOVING-TO-POSTGRESQL';
export const MOVED = 'MOVED-TO-POSTGRESQL.json';
const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);
const BATCH = 1000;

type Document = mongoose.mongo.Document;
type IndexDescription = mongoose.mongo.IndexDescription;
const { MongoClient } = mongoose.mongo;

/** Whether sqliteDir holds FerretDB SQLite data that has not been moved yet. */
export function sqliteStorePending(sqliteDir: string): boolean {
  try {
    const names = fs.readdirSync(sqliteDir);
    return names.some((name) => name.endsWith('.sqlite')) && !names.includes(MOVED);
  } catch {
    return false;
  }
}

/** The record of a finished move, or null. */
export function sqliteStoreMoved(sqliteDir: string): { movedAt: string; documents: number } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(sqliteDir, MOVED), 'utf8')) as { movedAt: string; documents: number };
  } catch {
    return null;
  }
}

export interface CopyReport {
  databases: Record<string, Record<string, number>>;
  collections: number;
  documents: number;
}

export class StoreConflictError extends Error {}

export async function copyStore(
  sourceUri: string,
  targetUri: string,
  opts: { sqliteDir: string; log: ServiceLog },
): Promise<CopyReport> {
  const source = await MongoClient.connect(sourceUri, { directConnection: true });
  const target = await MongoClient.connect(targetUri, { directConnection: true });
  const moving = path.join(opts.sqliteDir, MOVING);
  try {
    const { databases } = await source.db('admin').admin().listDatabases({ nameOnly: true });
    const names = databases.map((d) => d.name).filter((name) => !SYSTEM_DATABASES.has(name));
    if (fs.existsSync(moving)) {
      // An interrupted copy: what it wrote is ours to drop.
      opts.log('an earlier move was interrupted: starting it over', 'warn');
      for (const name of names) await target.db(name).dropDatabase();
    } else {
      for (const name of names) {
        const held = await target.db(name).listCollections({}, { nameOnly: true }).toArray();
        if (held.length)
          throw new StoreConflictError(
            `PostgreSQL already holds database "${name}" (${held.length} collections); the SQLite data was not copied over it`,
          );
      }
    }
    fs.writeFileSync(moving, `${new Date().toISOString()}\n`);

    const report: CopyReport = { databases: {}, collections: 0, documents: 0 };
    for (const name of names) {
      const counts: Record<string, number> = {};
      const collections = await source.db(name).listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
      for (const { name: collection } of collections) {
        counts[collection] = await copyCollection(source.db(name).collection(collection), target.db(name), collection);
        report.collections++;
        report.documents += counts[collection];
      }
      report.databases[name] = counts;
    }
    fs.writeFileSync(
      path.join(opts.sqliteDir, MOVED),
      JSON.stringify({ movedAt: new Date().toISOString(), ...report }, null, 2) + '\n',
    );
    fs.rmSync(moving, { force: true });
    return report;
  } finally {
    await source.close();
    await target.close();
  }
}

async function copyCollection(from: mongoose.mongo.Collection, to: mongoose.mongo.Db, name: string): Promise<number> {
  await to.createCollection(name);
  const indexes = (await from.indexes()).filter((index) => index.name !== '_id_');
  if (indexes.length) await to.collection(name).createIndexes(indexes.map(indexSpec));
  let batch: Document[] = [];
  let copied = 0;
  for await (const doc of from.find({}, { batchSize: BATCH })) {
    batch.push(doc);
    if (batch.length === BATCH) {
      await to.collection(name).insertMany(batch, { ordered: true });
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    await to.collection(name).insertMany(batch, { ordered: true });
    copied += batch.length;
  }
  const [sourceCount, targetCount] = await Promise.all([from.countDocuments(), to.collection(name).countDocuments()]);
  if (sourceCount !== targetCount || targetCount !== copied)
    throw new Error(`${name}: ${sourceCount} documents in SQLite, ${targetCount} after the copy`);
  return copied;
}

/** The options FerretDB 1.24 supports on an index, as listIndexes gives them. */
function indexSpec(index: Document): IndexDescription {
  return {
    key: index.key as IndexDescription['key'],
    name: index.name as string,
    ...(index.unique ? { unique: true } : {}),
    ...(index.sparse ? { sparse: true } : {}),
    ...(index.partialFilterExpression ? { partialFilterExpression: index.partialFilterExpression as Document } : {}),
    ...(index.expireAfterSeconds !== undefined ? { expireAfterSeconds: index.expireAfterSeconds as number } : {}),
  };
}
