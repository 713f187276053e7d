import mongoose from 'mongoose';

/** Connects, runs `ping` on admin, disconnects. Rejects when no answer within timeoutMs. */
export async function mongoPing(uri: string, timeoutMs: number, directConnection = false): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    ...(directConnection ? { directConnection: true } : {}),
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}
