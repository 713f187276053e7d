import { writeFileSync } from 'node:fs';
import type mongoose from 'mongoose';

type MongoClient = ReturnType<typeof mongoose.connection.getClient>;
type CommandStartedEvent = { requestId: number; commandName: string; command: unknown };
type CommandDoneEvent = { requestId: number; duration: number };

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

function describe(e: CommandStartedEvent): string {
  const c = e.command as Record<string, unknown>;
  const coll = String(c[e.commandName] ?? '');
  switch (e.commandName) {
    case 'find':
      return `find ${coll} ${shapeOf(c.filter)}${c.sort ? ' sort' + shapeOf(c.sort) : ''}${c.limit ? ' limit' : ''}`;
    case 'count':
      return `count ${coll} ${shapeOf(c.query)}`;
    case 'aggregate':
      return `aggregate ${coll} ${JSON.stringify((c.pipeline as unknown[]).map((s) => Object.keys(s as object)[0]))} ${shapeOf(((c.pipeline as Record<string, unknown>[])[0] ?? {}).$match)}`;
    case 'update':
      return `update ${coll} ${((c.updates as Array<{ q: unknown; upsert?: boolean }>) ?? []).map((u) => shapeOf(u.q) + (u.upsert ? ' upsert' : '')).join(';')}`;
    case 'delete':
      return `delete ${coll} ${((c.deletes as Array<{ q: unknown }>) ?? []).map((u) => shapeOf(u.q)).join(';')}`;
    case 'findAndModify':
      return `findAndModify ${coll} ${shapeOf(c.query)}${c.upsert ? ' upsert' : ''}`;
    case 'insert':
      return `insert ${coll} x${(c.documents as unknown[])?.length ?? 0}`;
    default:
      return `${e.commandName} ${coll}`;
  }
}

/**
 * Bench aid: with COMMONS_DB_PROFILE=<path prefix>, counts and times every store command by its
 * shape and writes `<prefix>.<pid>.json` every 5 s and at exit.
 */
export function profileCommands(client: MongoClient, prefix: string): void {
  const started = new Map<number, string>();
  const stats = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  const done = (e: CommandDoneEvent) => {
    const key = started.get(e.requestId);
    if (!key) return;
    started.delete(e.requestId);
    const row = stats.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
    row.count++;
    row.totalMs += e.duration;
    row.maxMs = Math.max(row.maxMs, e.duration);
    stats.set(key, row);
  };
  client.on('commandStarted', (e: CommandStartedEvent) => started.set(e.requestId, describe(e)));
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
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
