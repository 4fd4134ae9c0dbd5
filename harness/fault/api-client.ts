import { Agent, request } from 'node:http';

/** One answer of the API: its status and its body parsed as JSON (the text when it is not JSON). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Why no answer came: none within the timeout, or the connection failed. */
export class NoAnswer extends Error {
  constructor(
    readonly reason: 'timeout' | 'socket-error',
    /** The socket's error code (e.g. ECONNRESET), for a socket-error. */
    readonly errorCode?: string,
  ) {
    super(errorCode ? `${reason} (${errorCode})` : reason);
  }
}

/**
 * Keep-alive connections to the API, as many as requests in flight: a write waits for its own answer
 * only, never for another's connection. node:http, not fetch: a third of the CPU per request, which the
 * API under test, in the same process on a shared machine, needs more.
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** Sends one request (JSON body when given) and resolves with the answer, or rejects with NoAnswer. */
export function callApi(method: string, url: string, body: unknown, timeoutMs: number): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error instanceof NoAnswer ? error : new NoAnswer('socket-error', (error as NodeJS.ErrnoException).code));
    };
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(url, {
      method,
      agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    });
    const timer = setTimeout(() => {
      fail(new NoAnswer('timeout'));
      req.destroy();
    }, timeoutMs);
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.end(payload);
  });
}
