import { tuneFerretdbPostgres } from './ferretdb-postgres.js';

const usage =
  'usage: npm run ferretdb:tune-postgres -- <postgres://user@host:5432/database>  (or FERRETDB_POSTGRESQL_URL)';

/** Operator command for FerretDB-on-PostgreSQL deployments; see ferretdb-postgres.ts for why. */
async function main(argv: string[]): Promise<number> {
  const url = argv[0] ?? process.env.FERRETDB_POSTGRESQL_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  try {
    const report = await tuneFerretdbPostgres(url, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(
      `${report.database}: ${report.created.length} companion indexes created, ${report.existing} already there; ` +
        `plan_cache_mode ${report.planCacheMode === 'set' ? 'set (restart FerretDB to apply it everywhere)' : 'already set'}\n`,
    );
    if (!report.autovacuum)
      process.stderr.write(
        'warning: autovacuum is off on this server. FerretDB rewrites a whole row on every update, so turn it on ' +
          '(autovacuum = on) or run VACUUM (ANALYZE) on this database regularly.\n',
      );
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
