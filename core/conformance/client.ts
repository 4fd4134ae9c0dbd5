import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Backend } from '../backend.ts';
import { createApp } from '../http/app.ts';

/** One HTTP answer; the body is parsed as JSON when the server says it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request to the API under test: a body that is a string or bytes is sent as it is, anything else as JSON. */
export type HttpCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

/** A request a behaviour sends, as data (for the lists a workload gives the outage and no-server behaviours). */
export interface ConformanceRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** An HTTP client of the app at `base()` (read at each call: the suite learns its port in before()). */
function client(base: () => string): HttpCall {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body =
        typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    const res = await fetch(`${base()}${path}`, init);
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.includes('json') ?? false;
    return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text };
  };
}

/** The whole API on `backend` on a free loopback port; `log` receives what the app logs about 5xx answers. */
async function listen(
  backend: Backend,
  log: (message: string, err: unknown) => void = () => {},
): Promise<{ server: Server; url: string }> {
  const server = createServer(createApp(backend, { log }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The API serving one backend for the tests of one describe. */
export interface ServedBackend {
  http: HttpCall;
  /** The backend; set once the describe's before() ran. */
  backend(): Backend;
  /** What the app logged about its 5xx answers, in order. */
  logged: readonly string[];
}

/**
 * Registers the describe's before() and after(): before() builds the backend with `make` (which also
 * prepares it) and serves the API on it on a free loopback port; after() stops serving, closes the
 * backend and runs `cleanup`.
 */
export function serveForTests(make: () => Promise<Backend>, cleanup?: () => Promise<void>): ServedBackend {
  let backend: Backend | undefined;
  let server: Server | undefined;
  let url = '';
  const logged: string[] = [];
  before(async () => {
    backend = await make();
    ({ server, url } = await listen(backend, (message) => logged.push(message)));
  });
  after(async () => {
    await stop(server);
    await backend?.close();
    await cleanup?.();
  });
  return { http: client(() => url), backend: () => backend!, logged };
}

/** The reply is `status` with a JSON `{error}` body, naming `field` when given. */
export function assertError(reply: Reply, status: number, field?: string): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  const body = reply.body as { error?: unknown; field?: unknown };
  assert.equal(typeof body.error, 'string', 'error body is JSON {error}');
  if (field !== undefined) assert.equal(body.field, field, `error names field ${field}: ${JSON.stringify(body)}`);
}

/** Path ids that are not a positive 32-bit integer: every route taking a numeric id answers 400 for each. */
export const BAD_IDS = ['abc', '-1', '1.5', '0', '1e3', '99999999999', '2147483648', '%20'];
