// The published API contract (issue 14 item 10): schemathesis, with every one of its checks, over the
// OpenAPI document the API serves, against `storebench serve` on the memory backend and on PostgreSQL,
// each seeded with the tiny data set so that reads find rows. Its generated requests cover the schemas'
// edges and their negations, methods the document does not list, and stateful sequences through the
// links it infers (create, read, replace, delete). deploy/schemathesis.toml and deploy/schemathesis_hooks.py
// tell it the rules the document states in words because JSON Schema cannot.
//   STOREBENCH_SCHEMATHESIS_SEED=N   another seed (the default one keeps CI reproducible)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { testServer } from '../core/conformance/test-servers.ts';
import { REPO_ROOT } from '../harness/provision/index.ts';
import { startApiProcess } from '../harness/topology/index.ts';
import { checkTool } from './check-tools.ts';

const SEED = process.env.STOREBENCH_SCHEMATHESIS_SEED ?? '1';
/** Test cases per operation and phase: enough to reach every schema edge, about a minute per backend here. */
const MAX_EXAMPLES = '50';

async function schemathesis(tool: string, url: string): Promise<{ code: number | null; output: string }> {
  const args = [
    '--config-file',
    join(REPO_ROOT, 'deploy', 'schemathesis.toml'),
    'run',
    `${url}/openapi.json`,
    '--checks',
    'all',
    '--max-examples',
    MAX_EXAMPLES,
    '--seed',
    SEED,
    '--workers',
    '2',
    '--no-color',
    '--generation-database',
    'none',
    '--request-timeout',
    '10',
  ];
  const env = {
    ...process.env,
    NO_COLOR: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    // deploy/schemathesis_hooks.py, for the rule between PUT's path and body.
    PYTHONPATH: join(REPO_ROOT, 'deploy'),
    SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
  };
  // It keeps a crash cache in .schemathesis/ of its working directory: a temp dir, not the checkout.
  const cwd = mkdtempSync(join(tmpdir(), 'storebench-schemathesis-'));
  try {
    const child = spawn(tool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('the API contract: schemathesis with every check over /openapi.json', () => {
  const tool = checkTool('schemathesis');
  const postgres = testServer('postgres');
  const backends = [
    { backend: 'memory', skip: tool.skip },
    { backend: 'postgres', url: postgres.url, skip: tool.skip ?? postgres.skip },
  ];
  for (const { backend, url, skip } of backends) {
    test(`storebench serve --backend ${backend}`, { skip, timeout: 600_000 }, async (t) => {
      const api = await startApiProcess({
        backend,
        ...(url && { url }),
        noMigrate: false,
        seedWorkloads: { workloads: ['usages', 'catalog', 'overview'], scale: 'tiny', datasetSeed: 1 },
        env: { STOREBENCH_LOG_LEVEL: 'warn' },
      });
      try {
        const { code, output } = await schemathesis(tool.path!, api.url);
        t.diagnostic(output.trim().split('\n').slice(-3).join(' | '));
        assert.equal(code, 0, `schemathesis found problems (seed ${SEED}):\n${output.slice(-8000)}`);
      } finally {
        await api.stop();
      }
    });
  }
});
