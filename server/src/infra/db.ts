import mongoose from 'mongoose';
import { detectStore, isDuplicateKey, profileStoreCommands, watchStoreCommands } from './store/index.js';

/**
 * Driver settings that tell a stalled store from a busy one. A store process that stops answering
 * (paused, partitioned away) accepts connections and never replies; one that is busy replies late.
 * The driver's monitor asks the store every `stallMs / 2` (at least every 500 ms) on a connection
 * of its own, and a question left unanswered for `stallMs / 2` marks the store unreachable and
 * interrupts every call in flight on it: within `stallMs` every waiting call fails (503, or the
 * job's backoff). The question is a `hello`, which a busy store answers at once (FerretDB's gate
 * lets it by, tools/ferretdb/gate.go), so a call on a busy store is waited for up to `busyMs`
 * instead: under a burst a reply takes longer rather than failing. A stall behind a store that
 * still answers `hello` (FerretDB's PostgreSQL hung, a stalled disk under mongod) looks busy: its
 * calls fail at `busyMs`.
 */
export function storeTimeouts(stallMs: number, busyMs = stallMs) {
  const half = Math.max(100, Math.round(stallMs / 2));
  // Never below the stall bound: a call the checks would let through is not cut shorter.
  const longest = Math.max(stallMs, busyMs);
  return {
    socketTimeoutMS: longest,
    // Waiting for one of the pool's connections (100 calls in flight already) is bounded the same.
    waitQueueTimeoutMS: longest,
    // The monitor's check is bounded by connectTimeoutMS, as are a fresh connection's handshake
    // and the wait for a usable server.
    connectTimeoutMS: half,
    serverSelectionTimeoutMS: half,
    // A retry would start a second full wait; the caller (503 with Retry-After, or the job's
    // backoff) retries instead. FerretDB does not deduplicate retried writes either.
    retryReads: false,
    retryWrites: false,
    // Every half of stallMs (the driver's least is 500 ms), at most every 2 s: the check above is
    // what notices a stall, and after an outage the driver sees the store again at its next check
    // (at the default 10 s, requests kept answering 503 for 10 s after a paused store resumed).
    heartbeatFrequencyMS: Math.min(2_000, Math.max(500, half)),
    // Mongoose's own queue would hold calls while the driver reports no server, past every
    // timeout above: calls go straight to the driver, which fails them in time.
    bufferCommands: false,
  } as const;
}

/**
 * Connects the process-wide mongoose connection. The store may be MongoDB 7 or FerretDB 1.24,
 * so nothing here relies on transactions, change streams, TTL or text indexes; what differs
 * between them is decided in infra/store, from what the server reports here.
 */
export async function connectDatabase(
  uri: string,
  dbName?: string,
  /**
   * timeoutMs and busyMs: see storeTimeouts. countCommands: report every store command to the
   * adapter's counters (tests; see store/counters.ts).
   */
  opts: { timeoutMs?: number; busyMs?: number; countCommands?: boolean } = {},
): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  // A second line behind the zod schemas: an operator object that reaches a filter from input
  // (`{ "$ne": null }`) is matched as a plain value. Operators our own code writes are marked with
  // mongoose.trusted(); lint and tests/security/filter-injection.test.ts keep both in step.
  mongoose.set('sanitizeFilter', true);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  // A new index on a large collection takes longer than a request's bound: build the indexes first
  // over a short-lived connection with a generous one, so the process's own connection (which
  // checks them again as it opens) finds them in place.
  if (timeoutMs < 20_000) await buildIndexes(uri, dbName);
  const timeouts = storeTimeouts(timeoutMs, opts.busyMs);
  const profile = process.env.COMMONS_DB_PROFILE;
  const counted = Boolean(opts.countCommands || profile);
  // Query operators never come from clients: every input is parsed by a strict zod schema first
  // (strings stay strings), and sanitizeFilter (above) neutralizes any that slipped through.
  await mongoose.connect(uri, {
    ...(dbName ? { dbName } : {}),
    ...timeouts,
    // Collections and indexes are made below, once connected. Mongoose's own start of them runs as
    // the connection opens, before it can be used when commands are not buffered (bufferCommands),
    // and a process that connects a second time (test files sharing a process) kept that failure.
    autoIndex: false,
    autoCreate: false,
    ...(counted ? { monitorCommands: true } : {}),
  });
  if (counted) watchStoreCommands(mongoose.connection.getClient());
  if (profile) profileStoreCommands(profile);
  // The store adapter picks its tactics (batch look-ups, duplicate keys) by what answered.
  const db = mongoose.connection.db;
  if (db) await detectStore(db);
  // Build every registered model's collection and indexes before serving, so unique rules hold
  // from the first request.
  await Promise.all(
    Object.values(mongoose.models).map(async (model) => {
      await model.createCollection();
      await model.ensureIndexes();
    }),
  );
  return mongoose;
}

const INDEX_BUILD_TIMEOUT_MS = 120_000;

async function buildIndexes(uri: string, dbName: string | undefined): Promise<void> {
  const setup = await mongoose
    .createConnection(uri, {
      ...(dbName ? { dbName } : {}),
      ...storeTimeouts(INDEX_BUILD_TIMEOUT_MS),
      autoIndex: false,
    })
    .asPromise();
  try {
    await Promise.all(
      Object.values(mongoose.models).map((model) =>
        setup.model(model.modelName, model.schema, model.collection.collectionName).createIndexes(),
      ),
    );
  } finally {
    await setup.close();
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

let storePing: Promise<boolean> | null = null;

/**
 * Whether the store answers a ping within timeoutMs. Callers at the same moment share one ping,
 * so readiness probes of a hung store do not pile up connections while it is unanswered.
 */
export function pingDatabase(timeoutMs = 900): Promise<boolean> {
  if (!storePing) {
    const db = mongoose.connection.db;
    storePing = (
      db && mongoose.connection.readyState === 1
        ? db
            .admin()
            .command({ ping: 1 })
            .then(
              () => true,
              () => false,
            )
        : Promise.resolve(false)
    ).finally(() => {
      storePing = null;
    });
  }
  return withinMs(storePing, timeoutMs, false);
}

function withinMs<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const unavailableNames = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // In flight on a store the monitor found stalled (storeTimeouts): interrupted, not refused.
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/**
 * Whether err says the store could not be reached or did not answer in time (as opposed to
 * refusing the call): the caller may try again later. Requests answer 503, jobs are retried.
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (unavailableNames.has(e.name)) return true;
    if (e.name === 'MongooseError' && /buffering timed out|before initial connection/.test(e.message)) return true;
    // A bulk write (insertMany, bulkWrite) wraps the driver's network error in MongoBulkWriteError
    // and keeps only its message, which varies ("timed out", "closed", "interrupted due to server
    // monitor timeout", ...). A store that refused the write says why with a code or write errors;
    // without either, the store did not answer.
    if (e.name === 'MongoBulkWriteError' && !bulkWriteErrors(e) && (e as Error & { code?: unknown }).code === undefined)
      return true;
  }
  return false;
}

function bulkWriteErrors(e: Error): number {
  const list = (e as Error & { writeErrors?: unknown }).writeErrors;
  return Array.isArray(list) ? list.length : 0;
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
      if (!isDuplicateKey(err) || i >= attempts) throw err;
    }
  }
}
