/**
 * The plan of the styles query on a seeded database (e.g. after harness/bench/seed-bench.ts):
 *   STOREBENCH_POSTGRES_URL=postgres://... node --import tsx adapters/postgres/bench/explain-styles.ts [productId]
 * Default product: the one at 95% of the largest id, where a missing index would show.
 */
import pg from 'pg';
import { STYLES_SQL } from '../catalog-store.ts';

const url = process.env.STOREBENCH_POSTGRES_URL;
if (!url) throw new Error('set STOREBENCH_POSTGRES_URL');
const sql = new pg.Client({ connectionString: url });
await sql.connect();
try {
  const { rows: max } = await sql.query<{ id: number }>('SELECT max(id) AS id FROM products');
  const productId = Number(process.argv[2] ?? Math.floor((max[0]?.id ?? 1) * 0.95));
  const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${STYLES_SQL.replace('$1', String(productId))}`,
  );
  console.log(`EXPLAIN (ANALYZE, BUFFERS) styles of product ${productId}:`);
  for (const row of rows) console.log(row['QUERY PLAN']);
} finally {
  await sql.end();
}
