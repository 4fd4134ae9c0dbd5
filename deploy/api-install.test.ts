// The API's production install (issue 16): `npm ci --omit=dev` pulls no harness package, the packages
// in `dependencies` are exactly those the API commands import, and the compiled CLI serves from that
// install alone, started the way docker/api.Dockerfile starts it. No Docker engine is needed: this
// repeats the image's deps and build stages in a temp dir, with the npm cache (--prefer-offline).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { parseApiEvent } from '../harness/protocol/api-events.ts';
import { REPO_ROOT } from '../harness/provision/index.ts';

/** Packages of the harness, the tests and the build: none may reach a production install. */
const HARNESS_ONLY = [
  'autocannon',
  'canvas',
  'chart.js',
  'chartjs-node-canvas',
  'clinic',
  'esbuild',
  'playwright',
  'playwright-core',
  'tsx',
  'typescript',
];

/** The modules of the CLI commands the runtime image exists for. */
const API_COMMAND_MODULES = ['harness/cli/serve.ts', 'harness/cli/migrate.ts'];

/** The deps stage of docker/api.Dockerfile, run here as is. */
const PRODUCTION_INSTALL = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dockerfile = readFileSync(join(REPO_ROOT, 'docker', 'api.Dockerfile'), 'utf8');

/** `pg/lib/x` -> `pg`, `@scope/name/x` -> `@scope/name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every package directory under node_modules, nested ones included. */
function installedPackages(nodeModules: string): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
          if (scoped.isDirectory()) visit(join(dir, entry.name, scoped.name), `${entry.name}/${scoped.name}`);
        }
      } else visit(join(dir, entry.name), entry.name);
    }
  };
  const visit = (path: string, name: string): void => {
    found.add(name);
    const nested = join(path, 'node_modules');
    if (statSync(nested, { throwIfNoEntry: false })?.isDirectory()) walk(nested);
  };
  walk(nodeModules);
  return found;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Instructions of each stage of a Dockerfile, continuation lines joined, comments dropped. */
function dockerStages(text: string): { name: string; instructions: string[] }[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const stages: { name: string; instructions: string[] }[] = [];
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? String(stages.length), instructions: [] });
    stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

describe('the API production install', () => {
  test('dependencies are exactly the packages the API commands import', async () => {
    const result = await build({
      entryPoints: API_COMMAND_MODULES.map((m) => join(REPO_ROOT, m)),
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      outdir: 'unused',
      metafile: true,
      logLevel: 'silent',
    });
    const importedBy = new Map<string, string>();
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (imported.external && !imported.path.startsWith('node:')) importedBy.set(packageName(imported.path), file);
      }
    }
    const declared = Object.keys(pkg.dependencies);
    const missing = [...importedBy].filter(([name]) => !declared.includes(name)).map(([n, f]) => `${n} (${f})`);
    const unused = declared.filter((name) => !importedBy.has(name));
    assert.deepEqual(missing, [], 'imported by the API but not in package.json dependencies');
    assert.deepEqual(unused, [], 'in dependencies but never imported by the API: move to devDependencies');
    assert.deepEqual(
      HARNESS_ONLY.filter((name) => importedBy.has(name)),
      [],
    );
  });

  test('docker/api.Dockerfile installs, builds and starts as this test does, with no compiler in its final stage', () => {
    const stages = dockerStages(dockerfile);
    const named = (name: string) => stages.find((s) => s.name === name)?.instructions.join('\n') ?? '';
    assert.match(named('deps'), new RegExp(`RUN npm ${PRODUCTION_INSTALL.join(' ')}`));
    assert.match(named('build'), /RUN node scripts\/build-api\.mjs --outdir dist\/cli/);
    const runtime = stages.at(-1)!.instructions.join('\n');
    assert.doesNotMatch(runtime, /apt-get|build-essential|-dev\b|npm (ci|install)/);
    assert.match(runtime, /^USER node$/m);
    assert.match(runtime, /^COPY docker\/api-serve\.sh \/usr\/local\/bin\/storebench-serve$/m);
    assert.match(runtime, /^CMD \["storebench-serve"\]$/m);
    assert.match(runtime, /^HEALTHCHECK .*\/healthz/m);
  });

  describe('npm ci --omit=dev, then the compiled CLI', () => {
    let dir = '';
    let server: ChildProcess | undefined;
    let url = '';
    let port = 0;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'storebench-api-install-'));
      copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(REPO_ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    });
    after(() => {
      if (server?.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    test('installs none of the harness packages', (t) => {
      const npm = spawnSync('npm', [...PRODUCTION_INSTALL, '--prefer-offline'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
      });
      assert.equal(npm.status, 0, `npm ci --omit=dev failed:\n${npm.stdout}\n${npm.stderr}`);
      const installed = installedPackages(join(dir, 'node_modules'));
      const leaked = [...installed].filter((name) => HARNESS_ONLY.includes(name) || name.startsWith('@clinic/'));
      assert.deepEqual(leaked, []);
      for (const name of Object.keys(pkg.dependencies)) assert.ok(installed.has(name), `${name} not installed`);
      const mib = bytesUnder(join(dir, 'node_modules')) / 2 ** 20;
      t.diagnostic(`${installed.size} packages, ${mib.toFixed(1)} MiB in node_modules`);
    });

    test('serves from that install, started by docker/api-serve.sh with STOREBENCH_* variables', async () => {
      const built = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'scripts', 'build-api.mjs'), '--outdir', join(dir, 'dist', 'cli')],
        { encoding: 'utf8' },
      );
      assert.equal(built.status, 0, built.stderr);
      // As in the image: the compiled entry on PATH as `storebench`.
      mkdirSync(join(dir, 'bin'));
      symlinkSync(join(dir, 'dist', 'cli', 'storebench.mjs'), join(dir, 'bin', 'storebench'));
      const env: NodeJS.ProcessEnv = {
        PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
        HOME: dir,
        NODE_ENV: 'production',
        STOREBENCH_BACKEND: 'memory',
        STOREBENCH_HOST: '127.0.0.1',
        STOREBENCH_PORT: '0',
        STOREBENCH_WORKERS: '2',
        STOREBENCH_STATE_DIR: join(dir, 'state'),
      };
      server = spawn('sh', [join(REPO_ROOT, 'docker', 'api-serve.sh')], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const lines = createInterface({ input: server.stdout! });
      const serving = new Promise<string>((resolve, reject) => {
        lines.on('line', (line) => {
          const event = parseApiEvent(line);
          if (event?.event === 'serving' && event.backend === 'memory' && event.layout === '2 workers')
            resolve(event.url);
        });
        server!.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
        setTimeout(() => reject(new Error(`serve did not start in 30 s: ${stderr}`)), 30_000).unref();
      });
      url = await serving;
      port = Number(new URL(url).port);

      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
      assert.deepEqual(await (await fetch(`${url}/readyz`)).json(), { status: 'ready', backend: 'memory' });
      const usage = { patientId: '100', timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)', medication: 'Albuterol' };
      const created = await fetch(`${url}/api/usages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(usage),
      });
      assert.equal(created.status, 201);
      // The memory backend keeps data per worker process, so a read-back could reach the other worker.
      assert.match(((await created.json()) as { id: string }).id, /^\d+$/);
      const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi?: string };
      assert.match(openapi.openapi ?? '', /^3\./);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^storebench_http_requests_total\{/m);
    });

    test("the image's HEALTHCHECK command passes while it serves and fails once it stopped", async () => {
      assert.ok(server && port > 0, 'needs the server of the previous test');
      const line = dockerfile.replace(/\\\n\s*/g, ' ').match(/^HEALTHCHECK .*?CMD (\[.*\])$/m);
      assert.ok(line, 'no exec-form HEALTHCHECK in docker/api.Dockerfile');
      const [command, ...args] = JSON.parse(line[1]!) as string[];
      const check = () =>
        spawnSync(command!, args, { env: { ...process.env, STOREBENCH_PORT: String(port) }, timeout: 10_000 }).status;
      assert.equal(check(), 0);

      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, 'SIGTERM ends serve with exit code 0');
      assert.equal(check(), 1);
    });

    test('a harness command says the production build lacks its packages', () => {
      const report = spawnSync(join(dir, 'bin', 'storebench'), ['report', '--help'], { cwd: dir, encoding: 'utf8' });
      assert.equal(report.status, 1);
      assert.match(report.stderr, /Cannot find package '(chart\.js|chartjs-node-canvas)'/);
      assert.match(report.stderr, /the harness image \(docker\/harness\.Dockerfile\)/);
    });
  });
});
