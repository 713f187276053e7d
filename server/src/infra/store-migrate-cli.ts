import path from 'node:path';
import { provideMongo } from './services/mongo.js';
import { sqliteStoreMoved, sqliteStorePending } from './services/store-migrate.js';

/**
 * `npm run store:migrate`: moves `npm start`'s store from FerretDB on SQLite (DATA_DIR/ferretdb)
 * to FerretDB on PostgreSQL (resolved as `npm start` resolves it), keeping every document. `npm
 * start` does the same by itself on its first start with PostgreSQL; this is the command for
 * doing it on purpose, with `npm start` stopped.
 */
async function main(): Promise<number> {
  const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
  const sqliteDir = path.join(dataDir, 'ferretdb');
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const moved = sqliteStoreMoved(sqliteDir);
  if (moved) {
    log(`${sqliteDir} was moved to PostgreSQL on ${moved.movedAt} (${moved.documents} documents): nothing to do.`);
    return 0;
  }
  if (!sqliteStorePending(sqliteDir)) {
    log(`no SQLite store in ${sqliteDir}: nothing to move.`);
    return 0;
  }
  if (process.env.MONGODB_URI) {
    process.stderr.write('MONGODB_URI is set: the store is that server, not FerretDB; unset it to move the data.\n');
    return 2;
  }
  // A free port and not 27017: a store answering there is not the one being filled.
  const store = await provideMongo({ log, port: 0, dataDir, probeDefaultPort: false, probePostgresPort: true });
  try {
    if (store.backend !== 'postgresql') {
      process.stderr.write('no PostgreSQL to move the store to (see the lines above); the SQLite data stays.\n');
      return 1;
    }
    log(`done: ${store.description}`);
    return 0;
  } finally {
    await store.stop();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
