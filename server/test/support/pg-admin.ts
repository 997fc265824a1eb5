/** One statement on the tests' PostgreSQL server (TEST_DATABASE_URL), over a connection of its own. */
import pg from "pg";

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
