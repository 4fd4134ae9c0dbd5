import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Backend } from '../backend.ts';
import { createApp } from '../http/app.ts';
import { createApiServer } from '../http/http-server.ts';
import { createLogger } from '../logging/index.ts';

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

/** One line the app logged, parsed (`msg`, `level`, and the line's other fields). */
export type LogRecord = { msg: string; level: string } & Record<string, unknown>;

/** The whole API on `backend` on a free loopback port, as `serve` runs it; `log` receives every line the app logs. */
async function listen(backend: Backend, log: (record: LogRecord) => void): Promise<{ server: Server; url: string }> {
  const logger = createLogger('debug', { write: (line: string) => log(JSON.parse(line) as LogRecord) });
  const { server } = createApiServer(createApp(backend, { logger }));
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
  /** Every line the app logged (5xx answers, client aborts), in order. */
  logged: readonly LogRecord[];
  /** Where the API listens (for raw-socket requests); known once the describe's before() ran. */
  address(): { host: string; port: number };
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
  const logged: LogRecord[] = [];
  before(async () => {
    backend = await make();
    ({ server, url } = await listen(backend, (record) => logged.push(record)));
  });
  after(async () => {
    await stop(server);
    await backend?.close();
    await cleanup?.();
  });
  const address = () => ({ host: '127.0.0.1', port: Number(new URL(url).port) });
  return { http: client(() => url), backend: () => backend!, logged, address };
}

/** The stable code of each error status (core/errors.ts); a client branches on it. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'VALIDATION',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL',
  503: 'BACKEND_UNAVAILABLE',
};

/**
 * The reply is `status` with a JSON `{error, code}` body, `code` the stable one of that status, naming
 * `field` when given; the message leaks nothing from inside (no address, no driver or database text).
 */
export function assertError(reply: Reply, status: number, field?: string): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  const body = reply.body as { error?: unknown; code?: unknown; field?: unknown };
  assert.equal(typeof body.error, 'string', 'error body is JSON {error, code}');
  assert.equal(body.code, CODE_OF_STATUS[status], `stable code of ${status}: ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', ...(body.field === undefined ? [] : ['field'])].sort());
  assertNoInternals(JSON.stringify(body));
  if (field !== undefined) assert.equal(body.field, field, `error names field ${field}: ${JSON.stringify(body)}`);
}

/** What a body must never carry: an address, a driver's or database's message, a stack frame. */
const INTERNALS = [
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/, // 127.0.0.1:5432
  /\b(?:localhost|\[::1\]):\d+/,
  /\bE[A-Z]{4,}\b/, // ECONNREFUSED, ETIMEDOUT
  /\bat .+\(.*:\d+:\d+\)/, // a stack frame
  /(?:postgres|cassandra|mongo|redis|sql|relation|syntax|driver|topology|server selection|host)/i,
];

export function assertNoInternals(text: string): void {
  for (const pattern of INTERNALS) assert.doesNotMatch(text, pattern, `leaks internals: ${text}`);
}

/** Path ids that are not a positive 32-bit integer: every route taking a numeric id answers 400 for each. */
export const BAD_IDS = ['abc', '-1', '1.5', '0', '1e3', '99999999999', '2147483648', '%20'];
