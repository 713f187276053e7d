import pg from 'pg';

/**
 * Tuning for deployments that run FerretDB 1.24 on PostgreSQL.
 *
 * FerretDB pushes an equality filter down as `_jsonb->$1 @> $2`, but it builds each MongoDB
 * index as a btree on `(_jsonb->'field')`, which `@>` cannot use: every equality query, even
 * a look-up by `_id`, reads the whole table. A GIN `jsonb_path_ops` index on the same
 * expression serves `@>`, provided the planner sees the field name as a constant, which it
 * does with custom plans (`plan_cache_mode = force_custom_plan`; FerretDB prepares its
 * statements, so generic plans would hide the key).
 *
 * This adds such a companion index for every field FerretDB indexed, and sets the plan mode
 * on the database. It only adds indexes next to FerretDB's own; FerretDB never reads them
 * and drops them with their table. Safe to re-run (after new collections or indexes appear).
 * On MongoDB none of this applies: its indexes serve equality directly.
 */

export interface TuneReport {
  database: string;
  created: string[];
  existing: number;
  planCacheMode: 'set' | 'already';
  /** FerretDB rewrites a whole row per update: without autovacuum, dead rows pile up and look-ups slow down. */
  autovacuum: boolean;
}

/** `(_jsonb -> 'field'::text)` in an index definition: the fields FerretDB indexed. */
const indexedField = /\(_jsonb -> '((?:[^']|'')+)'::text\)/g;

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A stable index name under PostgreSQL's 63-byte limit. */
function companionName(table: string, field: string): string {
  const slug = field
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase()
    .slice(0, 20);
  let hash = 0;
  for (const ch of `${table}.${field}`) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${table.slice(0, 30)}_${slug}_${hash.toString(16)}_cgin`;
}

export async function tuneFerretdbPostgres(
  connectionString: string,
  log: (line: string) => void = () => undefined,
): Promise<TuneReport> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    const { rows } = await client.query<{ schemaname: string; tablename: string; indexname: string; indexdef: string }>(
      `SELECT i.schemaname, i.tablename, i.indexname, i.indexdef
         FROM pg_indexes i
         JOIN information_schema.columns c
           ON c.table_schema = i.schemaname AND c.table_name = i.tablename AND c.column_name = '_jsonb'
        WHERE i.schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    const have = new Set(rows.map((r) => `${r.schemaname}.${r.indexname}`));
    const wanted = new Map<string, { schema: string; table: string; field: string; name: string }>();
    for (const row of rows) {
      if (row.indexname.endsWith('_cgin') || row.tablename.startsWith('_ferretdb_')) continue;
      for (const match of row.indexdef.matchAll(indexedField)) {
        const field = match[1]!.replace(/''/g, "'");
        const name = companionName(row.tablename, field);
        wanted.set(`${row.schemaname}.${name}`, { schema: row.schemaname, table: row.tablename, field, name });
      }
    }
    // An interrupted CONCURRENTLY build leaves an invalid index behind: drop it and build again.
    const invalid = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT x.indisvalid AND c.relname LIKE '%\\_cgin'`,
    );
    for (const bad of invalid.rows) {
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(bad.schema)}.${quoteIdent(bad.name)}`);
      have.delete(`${bad.schema}.${bad.name}`);
    }

    const created: string[] = [];
    let existing = 0;
    for (const [key, index] of wanted) {
      if (have.has(key)) {
        existing++;
        continue;
      }
      // CONCURRENTLY: a live deployment keeps writing while the index builds.
      await client.query(
        `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(index.name)}
           ON ${quoteIdent(index.schema)}.${quoteIdent(index.table)}
           USING gin ((_jsonb -> ${quoteLiteral(index.field)}) jsonb_path_ops)`,
      );
      created.push(`${index.schema}.${index.table}(${index.field})`);
      log(`index on ${index.schema}.${index.table} (${index.field})`);
    }

    const setting = await client.query<{ setconfig: string[] | null }>(
      `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
        WHERE d.datname = current_database() AND s.setrole = 0`,
    );
    const already = (setting.rows[0]?.setconfig ?? []).includes('plan_cache_mode=force_custom_plan');
    if (!already) {
      await client.query(`ALTER DATABASE ${quoteIdent(database)} SET plan_cache_mode = force_custom_plan`);
      log(`plan_cache_mode = force_custom_plan on ${database} (FerretDB's new connections pick it up)`);
    }
    await client.query('ANALYZE');
    const autovacuum = (await client.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum === 'on';
    return { database, created, existing, planCacheMode: already ? 'already' : 'set', autovacuum };
  } finally {
    await client.end();
  }
}
