/** The database servers the integration tests run against. */
export type TestServerKind = 'postgres' | 'cassandra' | 'mongo' | 'redis';

const ENV_VARS: Record<TestServerKind, string> = {
  postgres: 'STOREBENCH_POSTGRES_URL',
  cassandra: 'STOREBENCH_CASSANDRA_URL',
  mongo: 'STOREBENCH_MONGO_URL',
  redis: 'STOREBENCH_REDIS_URL',
};

/**
 * For integration tests: the URL of a running server from the environment only
 * (`STOREBENCH_<KIND>_URL`; `scripts/run-tests.mjs` sets them from the servers it found or started),
 * or a skip reason. A missing server is said loudly; under CI=true it is an error, never a silent skip.
 */
export function testServer(
  kind: TestServerKind,
): { url: string; skip?: undefined } | { url?: undefined; skip: string } {
  const url = process.env[ENV_VARS[kind]];
  if (url) return { url };
  const reason = `SKIPPED: no ${kind} server (run the tests with \`node scripts/run-tests.mjs\`, or set ${ENV_VARS[kind]})`;
  if (process.env.CI === 'true') throw new Error(`CI: ${kind} server missing. ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return { skip: reason };
}
