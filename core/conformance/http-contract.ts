import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { openApiDocument } from '../http/openapi.ts';
import { assertError, type ServedBackend } from './client.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Every documented path with `1` for its parameters, and the Allow header it must answer with. */
const PATHS = Object.entries(openApiDocument.paths).map(([template, operations]) => {
  const served = Object.keys(operations).map((m) => m.toUpperCase());
  const allow = [...served, ...(served.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  return { path: template.replace(/\{\w+\}/g, '1'), served, allow };
});

/** Sends raw bytes, returns everything the server wrote until it closed the connection (or `ms` passed). */
async function rawExchange(address: { host: string; port: number }, bytes: string, ms = 3000): Promise<string> {
  const socket = connect(address.port, address.host);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(bytes);
  const timer = setTimeout(() => socket.destroy(), ms);
  await once(socket, 'close');
  clearTimeout(timer);
  return received;
}

/**
 * The HTTP contract every backend serves alike (issue 14 items 6 and 10): methods, OPTIONS, CONNECT,
 * request ids, and a client leaving mid-request.
 */
export function describeHttpContract({ http, logged, address }: ServedBackend): void {
  describe('HTTP contract', () => {
    test('a method a path does not serve is 405 with Allow, whatever the body (never 415 or 404)', async () => {
      for (const { path, served, allow } of PATHS) {
        for (const method of METHODS.filter((m) => !served.includes(m))) {
          // fetch sends no body with GET.
          for (const body of method === 'GET' ? [undefined] : [undefined, 'not json']) {
            const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'text/plain' };
            const reply = await http(method, path, body, headers);
            assertError(reply, 405);
            assert.equal(reply.headers.get('allow'), allow, `${method} ${path}`);
          }
        }
      }
    });

    test('OPTIONS answers 204 with the Allow of each path; unknown paths are 404 for every method', async () => {
      for (const { path, allow } of PATHS) {
        const reply = await http('OPTIONS', path);
        assert.equal(reply.status, 204, `OPTIONS ${path}`);
        assert.equal(reply.headers.get('allow'), allow, `OPTIONS ${path}`);
      }
      for (const method of [...METHODS, 'OPTIONS']) {
        assertError(
          await http(method, '/no/such/path', method === 'GET' ? undefined : 'x', { 'content-type': 'text/plain' }),
          404,
        );
      }
    });

    test('CONNECT gets an HTTP answer (405 on a path, 404 on host:port), then the connection closes', async () => {
      const onPath = await rawExchange(address(), 'CONNECT /products HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.match(onPath, /^HTTP\/1\.1 405 /);
      assert.match(onPath, /\r\nAllow: GET, HEAD, OPTIONS\r\n/i);
      assert.match(onPath, /"code":"METHOD_NOT_ALLOWED"/);
      const proxying = await rawExchange(
        address(),
        'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      );
      assert.match(proxying, /^HTTP\/1\.1 404 /);
    });

    test('X-Request-Id: a client id comes back, one is made when absent or unusable, on errors too', async () => {
      const kept = await http('GET', '/healthz', undefined, { 'x-request-id': 'trace-42.a:b' });
      assert.equal(kept.headers.get('x-request-id'), 'trace-42.a:b');
      const made = await Promise.all([http('GET', '/healthz'), http('GET', '/products/abc')]);
      const ids = made.map((reply) => reply.headers.get('x-request-id') ?? '');
      for (const id of ids) assert.match(id, /^[0-9a-f-]{36}$/);
      assert.notEqual(ids[0], ids[1]);
      const replaced = await http('GET', '/healthz', undefined, { 'x-request-id': 'x'.repeat(200) });
      assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });

    test('a client that leaves mid-body is no error: a debug line, and 499 on its route in the metrics', async () => {
      const before = logged.length;
      const socket = connect(address().port, address().host);
      await once(socket, 'connect');
      socket.write(
        'POST /api/usages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"pat',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = logged.slice(before);
      assert.deepEqual(
        lines.map((line) => [line.level, line.msg, line.route]),
        [['debug', 'client closed the request', '/api/usages']],
      );
      const metrics = String((await http('GET', '/metrics')).body);
      assert.match(metrics, /storebench_http_requests_total\{method="POST",route="\/api\/usages",status="499"\} 1/);
      assert.doesNotMatch(metrics, /route="unmatched",status="200"/);
    });
  });
}
