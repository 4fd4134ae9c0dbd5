// Runs every *.test.ts under core/, adapters/, harness/, deploy/ with node's own test runner
// (Node 20's --test takes no globs, so the files are listed here).
//
// Integration tests need the real servers. Before the tests this starts the ones that are not
// running yet (`storebench servers up`: PostgreSQL, Cassandra, the MongoDB-wire server, Redis on
// loopback) and stops exactly those afterwards. The adapters' tests know servers only from the environment:
// STOREBENCH_<KIND>_URL is set here from the servers found or started (the state file of `servers up`),
// unless already set. When they cannot start (not installed: run `bash scripts/setup`), the integration
// tests say SKIPPED loudly; under CI=true that is a failure.
//   node scripts/run-tests.mjs [substring...]   only the test files whose path contains one of them
//   STOREBENCH_TEST_SERVERS=none                 start none (use those `servers up` started, STOREBENCH_<KIND>_URL, or skip)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['core', 'adapters', 'harness', 'deploy'];
const only = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && (only.length === 0 || only.some((o) => path.includes(o)))) files.push(path);
  }
}
for (const root of roots) walk(root);
files.sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const ci = process.env.CI === 'true';
const storebench = (...args) =>
  spawnSync(process.execPath, ['bin/storebench.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let started = [];
if (process.env.STOREBENCH_TEST_SERVERS !== 'none') {
  const up = storebench('servers', 'up');
  process.stdout.write(up.stdout);
  process.stderr.write(up.stderr);
  started = [...up.stdout.matchAll(/^(\w+)\s+up in /gm)].map((m) => m[1]);
  if (up.status !== 0) {
    const message = 'test servers did not all start (see above); integration tests against them will be SKIPPED';
    if (ci) {
      console.error(`FAIL: ${message} — not allowed under CI=true`);
      if (started.length > 0) storebench('servers', 'down', '--backend', started.join(','));
      process.exit(1);
    }
    console.error(`\n*** ${message}. Install them with: bash scripts/setup ***\n`);
  }
}

// Read as JSON, not through the harness: the tests of core and the adapters depend on nothing but the environment.
const stateFile = join(process.env.STOREBENCH_STATE_DIR ?? '.storebench', 'servers.json');
let servers = {};
try {
  servers = JSON.parse(readFileSync(stateFile, 'utf8'));
} catch {
  // No servers recorded: the integration tests skip (or fail under CI) on their own.
}
for (const [kind, endpoint] of Object.entries(servers)) {
  const variable = `STOREBENCH_${kind.toUpperCase()}_URL`;
  if (typeof endpoint?.url === 'string' && !process.env[variable]) process.env[variable] = endpoint.url;
}

let status = 1;
try {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
    { stdio: 'inherit' },
  );
  status = result.status ?? 1;
} finally {
  if (started.length > 0) {
    const down = storebench('servers', 'down', '--backend', started.join(','));
    process.stdout.write(down.stdout);
    process.stderr.write(down.stderr);
  }
}
process.exit(status);
