import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { createApp } from '../../core/http/app.ts';
import { openApiDocument } from '../../core/http/openapi.ts';
import { createMemoryBackend } from './index.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routesOf(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

test('the OpenAPI document lists exactly the routes the app serves', () => {
  const app = createApp(createMemoryBackend()) as unknown as { router: { stack: Layer[] } };
  const served = routesOf(app.router.stack).sort();
  const documented = Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(served, documented);
});

test('SIGTERM lets an in-flight request finish, then the process exits 0', { timeout: 30_000 }, async () => {
  // A child serves a memory backend whose store answers after 800 ms; we signal it mid-request.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `
      import { serve } from './core/http/index.ts';
      import { createMemoryBackend } from './adapters/memory/index.ts';
      const backend = createMemoryBackend();
      const slow = backend.overview.get.bind(backend.overview);
      backend.overview.get = async (id) => { await new Promise((r) => setTimeout(r, 800)); return slow(id); };
      const s = await serve({ createBackend: async () => backend, port: 0 });
      console.log('URL ' + s.url);
      `,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = /URL (\S+)/.exec(line.toString())![1]!;
  const inFlight = fetch(`${url}/api/overview/1`);
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  const reply = await inFlight;
  assert.equal(reply.status, 404, 'the in-flight request got its real answer');
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0);
  await assert.rejects(fetch(`${url}/healthz`), 'no longer accepting');
});

test('docs/openapi.json is the served document (regenerate with npm run openapi)', async () => {
  const { readFile } = await import('node:fs/promises');
  const onDisk = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(openApiDocument)));
});

test('experiment routes: GET /experiment/busy holds the event loop for ms, only when mounted', async () => {
  const { createServer } = await import('node:http');
  const serveApp = async (experimentRoutes: boolean) => {
    const server = createServer(createApp(createMemoryBackend(), { experimentRoutes }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
  };
  const on = await serveApp(true);
  const off = await serveApp(false);
  try {
    const started = performance.now();
    const response = await fetch(`${on.url}/experiment/busy?ms=40`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { busyMs: number }).busyMs, 40);
    assert.ok(performance.now() - started >= 40, 'took at least the busy time');
    for (const bad of ['0', '1001', 'abc', '1.5']) {
      const rejected = await fetch(`${on.url}/experiment/busy?ms=${bad}`);
      assert.equal(rejected.status, 400, `ms=${bad}`);
      assert.equal(((await rejected.json()) as { field: string }).field, 'ms');
    }
    assert.equal((await fetch(`${off.url}/experiment/busy?ms=5`)).status, 404);
  } finally {
    await on.close();
    await off.close();
  }
});
