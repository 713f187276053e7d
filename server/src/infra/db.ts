import mongoose from 'mongoose';
import { profileCommands } from './db-profile.js';

/**
 * Connects the process-wide mongoose connection. The store may be MongoDB 7 or FerretDB 1.24,
 * so nothing here relies on transactions, change streams, TTL or text indexes.
 */
export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  // Query operators never come from clients: every input is parsed by a strict zod schema first
  // (strings stay strings), so filters are built only from typed values.
  await mongoose.connect(uri, {
    ...(dbName ? { dbName } : {}),
    serverSelectionTimeoutMS: 10_000,
    autoIndex: true,
    ...(process.env.COMMONS_DB_PROFILE ? { monitorCommands: true } : {}),
  });
  if (process.env.COMMONS_DB_PROFILE) profileCommands(mongoose.connection.getClient(), process.env.COMMONS_DB_PROFILE);
  // Build every registered model's indexes before serving, so unique rules hold from the first request.
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingDatabase(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  try {
    await db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs an upsert again when a concurrent upsert of the same key won the insert (duplicate key):
 * the second run finds the document and updates it. MongoDB and FerretDB both raise this race.
 */
export async function upsertRetrying<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const duplicate = typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
      if (!duplicate || i >= attempts) throw err;
    }
  }
}
