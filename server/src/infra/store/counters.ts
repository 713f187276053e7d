import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import type mongoose from 'mongoose';

/*
 * Store command counters: the one way tests, benchmarks and COMMONS_DB_PROFILE count what the
 * process asks the store. Each command is classified by operation kind (read, write, other) and
 * collection, and described by its shape (keys and operators, never values). Counting is
 * process-wide: whatever runs meanwhile in the process (in-process workers, listeners) counts too,
 * except housekeeping (`asHousekeeping`: sweeps and expiries on a timer), which a counted action
 * does not cause and which would land in its count only by the timer's chance.
 *
 * Only a connection made to be counted reports its commands (connectDatabase's `countCommands`,
 * on under NODE_ENV=test, or COMMONS_DB_PROFILE): a monitored driver parses every reply once more
 * for its events, a cost production does not pay.
 */

type MongoClient = ReturnType<typeof mongoose.connection.getClient>;
type CommandStartedEvent = { requestId: number; commandName: string; command: unknown };
type CommandDoneEvent = { requestId: number; duration: number };

export type OperationKind = 'read' | 'write' | 'other';

const READS = new Set(['find', 'getMore', 'count', 'distinct', 'aggregate']);
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

export function operationKind(commandName: string): OperationKind {
  return READS.has(commandName) ? 'read' : WRITES.has(commandName) ? 'write' : 'other';
}

/** The collection a command is about ('' for commands on the database or the server). */
function collectionOf(e: CommandStartedEvent): string {
  const c = e.command as Record<string, unknown>;
  const name = e.commandName === 'getMore' ? c.collection : c[e.commandName];
  return typeof name === 'string' ? name : '';
}

/** The shape of a filter: its keys and operators, never its values. */
function shapeOf(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '?';
  if ('_bsontype' in (value as object)) return '?';
  const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    k.startsWith('$') ||
    (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((x) => x.startsWith('$')))
      ? `${k}:${shapeOf(v)}`
      : k,
  );
  return `{${parts.join(',')}}`;
}

/** The statements of a bulk write by shape, repeats counted (`{key} upsert x100`). */
function statements<T>(list: T[], shape: (s: T) => string): string {
  const counts = new Map<string, number>();
  for (const s of list) counts.set(shape(s), (counts.get(shape(s)) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(';');
}

/** A command by its shape: `find members {_id:{$in:?}}`, `insert maildeliveries x50`. */
export function describeCommand(e: CommandStartedEvent): string {
  const c = e.command as Record<string, unknown>;
  const coll = collectionOf(e);
  switch (e.commandName) {
    case 'find':
      return `find ${coll} ${shapeOf(c.filter)}${c.sort ? ' sort' + shapeOf(c.sort) : ''}${c.limit ? ' limit' : ''}`;
    case 'count':
      return `count ${coll} ${shapeOf(c.query)}`;
    case 'aggregate':
      return `aggregate ${coll} ${JSON.stringify((c.pipeline as unknown[]).map((s) => Object.keys(s as object)[0]))} ${shapeOf(((c.pipeline as Record<string, unknown>[])[0] ?? {}).$match)}`;
    case 'update':
      return `update ${coll} ${statements((c.updates as Array<{ q: unknown; upsert?: boolean }>) ?? [], (u) => shapeOf(u.q) + (u.upsert ? ' upsert' : ''))}`;
    case 'delete':
      return `delete ${coll} ${statements((c.deletes as Array<{ q: unknown }>) ?? [], (u) => shapeOf(u.q))}`;
    case 'findAndModify':
      return `findAndModify ${coll} ${shapeOf(c.query)}${c.upsert ? ' upsert' : ''}`;
    case 'insert':
      return `insert ${coll} x${(c.documents as unknown[])?.length ?? 0}`;
    default:
      return `${e.commandName} ${coll}`.trim();
  }
}

/** One command as subscribers see it. */
interface Command {
  kind: OperationKind;
  collection: string;
  shape: string;
  /** Started by housekeeping on a timer (not counted by counters, still profiled). */
  housekeeping: boolean;
}

const housekeeping = new AsyncLocalStorage<true>();

/** Runs recurring upkeep (outbox sweeps, sanction expiries, trust levels) outside what counters count. */
export function asHousekeeping<T>(work: () => Promise<T>): Promise<T> {
  return housekeeping.run(true, work);
}

interface Subscriber {
  started(command: Command): void;
  done?(command: Command, durationMs: number): void;
}

const subscribers = new Set<Subscriber>();
const inFlight = new Map<number, Command>();
let watched: MongoClient | null = null;

function onStarted(e: CommandStartedEvent): void {
  const command = {
    kind: operationKind(e.commandName),
    collection: collectionOf(e),
    shape: describeCommand(e),
    housekeeping: housekeeping.getStore() === true,
  };
  inFlight.set(e.requestId, command);
  for (const s of subscribers) s.started(command);
}

function onDone(e: CommandDoneEvent): void {
  const command = inFlight.get(e.requestId);
  if (!command) return;
  inFlight.delete(e.requestId);
  for (const s of subscribers) s.done?.(command, e.duration);
}

/**
 * Called by db.ts once the process's connection is open, on a client made with `monitorCommands`.
 * Listeners are attached only while something counts.
 */
export function watchStoreCommands(client: MongoClient): void {
  if (watched === client) return;
  if (!client.options.monitorCommands) throw new Error('the store client must be made with monitorCommands');
  if (watched) unwatch();
  watched = client;
  if (subscribers.size > 0) listen();
}

function listen(): void {
  watched?.on('commandStarted', onStarted);
  watched?.on('commandSucceeded', onDone);
  watched?.on('commandFailed', onDone);
}

function unwatch(): void {
  watched?.off('commandStarted', onStarted);
  watched?.off('commandSucceeded', onDone);
  watched?.off('commandFailed', onDone);
  inFlight.clear();
}

function subscribe(s: Subscriber): () => void {
  if (subscribers.size === 0) listen();
  subscribers.add(s);
  return () => {
    subscribers.delete(s);
    if (subscribers.size === 0) unwatch();
  };
}

/** What a counter saw: every command, by kind, by collection and by shape. */
export interface StoreCounts {
  total: number;
  reads: number;
  writes: number;
  /** Commands that are neither (index builds, pings, sessions ending). */
  other: number;
  byCollection: Record<string, { reads: number; writes: number }>;
  byShape: Record<string, number>;
}

export interface StoreCounter {
  /** The counts so far. */
  counts(): StoreCounts;
  /** Stops counting and returns the final counts. */
  stop(): StoreCounts;
}

/**
 * Counts the process's store commands from now until `stop()` (budget tests: "a page costs at
 * most N reads"). The connection must be open (connectDatabase).
 */
export function countStoreCommands(): StoreCounter {
  if (!watched)
    throw new Error(
      'store commands are counted on a connection made to count them (NODE_ENV=test or COMMONS_DB_PROFILE)',
    );
  const counts: StoreCounts = { total: 0, reads: 0, writes: 0, other: 0, byCollection: {}, byShape: {} };
  const unsubscribe = subscribe({
    started({ kind, collection, shape, housekeeping: upkeep }) {
      if (upkeep) return;
      counts.total++;
      if (kind === 'read') counts.reads++;
      else if (kind === 'write') counts.writes++;
      else counts.other++;
      if (kind !== 'other' && collection) {
        const row = (counts.byCollection[collection] ??= { reads: 0, writes: 0 });
        if (kind === 'read') row.reads++;
        else row.writes++;
      }
      counts.byShape[shape] = (counts.byShape[shape] ?? 0) + 1;
    },
  });
  const snapshot = (): StoreCounts => structuredClone(counts);
  let stopped: StoreCounts | null = null;
  return {
    counts: () => stopped ?? snapshot(),
    stop() {
      if (!stopped) {
        unsubscribe();
        stopped = snapshot();
      }
      return stopped;
    },
  };
}

/** Runs `action` and returns its result with the store commands it cost. */
export async function storeCommandsOf<T>(action: () => Promise<T>): Promise<{ result: T; counts: StoreCounts }> {
  const counter = countStoreCommands();
  try {
    const result = await action();
    return { result, counts: counter.stop() };
  } finally {
    counter.stop();
  }
}

/**
 * COMMONS_DB_PROFILE=<path prefix> (benchmarks): counts and times every store command of the
 * process by shape and writes `<prefix>.<pid>.json` every 5 s and at exit, slowest total first.
 */
let profiling = false;

export function profileStoreCommands(prefix: string): void {
  // Once per process: a reconnect keeps the same profile.
  if (profiling) return;
  profiling = true;
  const stats = new Map<string, { kind: OperationKind; count: number; totalMs: number; maxMs: number }>();
  subscribe({
    started: () => undefined,
    done({ kind, shape }, durationMs) {
      const row = stats.get(shape) ?? { kind, count: 0, totalMs: 0, maxMs: 0 };
      row.count++;
      row.totalMs += durationMs;
      row.maxMs = Math.max(row.maxMs, durationMs);
      stats.set(shape, row);
    },
  });
  const write = () => {
    const rows = [...stats.entries()]
      .map(([key, s]) => ({
        key,
        ...s,
        totalMs: Math.round(s.totalMs),
        avgMs: Math.round((s.totalMs / s.count) * 10) / 10,
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
    writeFileSync(`${prefix}.${process.pid}.json`, JSON.stringify({ argv: process.argv.slice(1), rows }, null, 1));
  };
  setInterval(write, 5000).unref();
  process.on('exit', write);
}
