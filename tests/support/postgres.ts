// One SQL statement against a PostgreSQL URL, on a connection of its own (tests that set up or
// look into the PostgreSQL under a FerretDB of their own).
import pg from 'pg';

export async function sql<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
