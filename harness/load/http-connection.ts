import { connect, type Socket } from 'node:net';

/** What came back for one request. */
export interface HttpResponse {
  status: number;
  /** The body as text, only when the caller asked for it (wantBody); otherwise ''. */
  body: string;
  /** Bytes of the body. */
  bodyBytes: number;
}

export type ResponseCallback = (error: Error | null, response: HttpResponse | null) => void;

/**
 * One keep-alive HTTP/1.1 connection with a minimal response parser
 * (Content-Length and chunked bodies). A load generator needs far less than
 * node:http does per request, and the CPU saved is load it can offer: on two
 * shared cores the client's cost decides how fast a server can be measured.
 * One request in flight at a time (no pipelining).
 */
export class HttpConnection {
  #socket: Socket | null = null;
  #connecting = false;
  #pending: { bytes: Buffer; wantBody: boolean; callback: ResponseCallback } | null = null;
  #buffer: Buffer | null = null;
  // Parser state of the response in progress.
  #status = 0;
  #headerDone = false;
  #contentLength = -1;
  #chunked = false;
  #closeAfter = false;
  #bodyParts: Buffer[] = [];
  #bodyBytes = 0;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  get busy(): boolean {
    return this.#pending !== null;
  }

  /** Sends a request (already serialized); the callback runs exactly once. */
  send(bytes: Buffer, wantBody: boolean, callback: ResponseCallback): void {
    if (this.#pending) throw new Error('HttpConnection: a request is already in flight');
    this.#pending = { bytes, wantBody, callback };
    this.#resetParser();
    if (this.#socket && !this.#connecting) this.#socket.write(bytes);
    else if (!this.#socket) this.#open();
  }

  /** Drops the socket; an in-flight request fails with `error`. */
  destroy(error: Error = new Error('connection destroyed')): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#connecting = false;
    socket?.removeAllListeners();
    socket?.on('error', () => {});
    socket?.destroy();
    this.#fail(error);
  }

  #open(): void {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.#socket = socket;
    this.#connecting = true;
    socket.on('connect', () => {
      this.#connecting = false;
      if (this.#pending) socket.write(this.#pending.bytes);
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => {
      if (this.#socket === socket) this.destroy(error);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#connecting = false;
      // A body delimited by the connection closing ends here; anything else in flight was cut off.
      if (this.#pending && this.#headerDone && this.#contentLength < 0 && !this.#chunked) this.#complete();
      else this.#fail(new Error('socket closed by server'));
    });
  }

  #resetParser(): void {
    this.#buffer = null;
    this.#status = 0;
    this.#headerDone = false;
    this.#contentLength = -1;
    this.#chunked = false;
    this.#closeAfter = false;
    this.#bodyParts = [];
    this.#bodyBytes = 0;
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = null;
    pending?.callback(error, null);
  }

  #complete(): void {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    const body = pending.wantBody ? Buffer.concat(this.#bodyParts).toString('utf8') : '';
    const response: HttpResponse = { status: this.#status, body, bodyBytes: this.#bodyBytes };
    if (this.#closeAfter) {
      const socket = this.#socket;
      this.#socket = null;
      socket?.removeAllListeners();
      socket?.on('error', () => {});
      socket?.destroy();
    }
    pending.callback(null, response);
  }

  #onData(chunk: Buffer): void {
    if (!this.#pending) return; // bytes nobody asked for: ignore
    let data = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
    this.#buffer = null;
    if (!this.#headerDone) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        this.#buffer = data;
        return;
      }
      if (!this.#parseHead(data.toString('latin1', 0, end))) return;
      data = data.subarray(end + 4);
    }
    if (this.#chunked) this.#onChunked(data);
    else if (this.#contentLength >= 0) {
      this.#takeBody(data.subarray(0, this.#contentLength - this.#bodyBytes));
      if (this.#bodyBytes >= this.#contentLength) this.#complete();
    } else this.#takeBody(data); // until the server closes
  }

  #parseHead(head: string): boolean {
    const lines = head.split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.slice(9, 12));
    if (!statusLine.startsWith('HTTP/1.') || !Number.isInteger(status)) {
      this.destroy(new Error(`bad status line: ${statusLine.slice(0, 40)}`));
      return false;
    }
    this.#status = status;
    this.#headerDone = true;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') this.#contentLength = Number(value);
      else if (name === 'transfer-encoding' && value.includes('chunked')) this.#chunked = true;
      else if (name === 'connection' && value === 'close') this.#closeAfter = true;
    }
    if (statusLine.startsWith('HTTP/1.0') && !/\r\nconnection: *keep-alive/i.test(head)) this.#closeAfter = true;
    // No body by definition: 1xx, 204, 304.
    if (status === 204 || status === 304 || status < 200) this.#contentLength = 0;
    return true;
  }

  #takeBody(part: Buffer): void {
    if (part.length === 0) return;
    this.#bodyBytes += part.length;
    if (this.#pending?.wantBody) this.#bodyParts.push(part);
  }

  #onChunked(data: Buffer): void {
    let offset = 0;
    for (;;) {
      const lineEnd = data.indexOf('\r\n', offset);
      if (lineEnd < 0) break;
      const size = parseInt(data.toString('latin1', offset, lineEnd), 16);
      if (Number.isNaN(size)) {
        this.destroy(new Error('bad chunk size'));
        return;
      }
      if (size === 0) {
        // Last chunk; trailers are not used by the servers under test. Needs the final CRLF.
        if (data.length < lineEnd + 4) break;
        this.#complete();
        return;
      }
      const start = lineEnd + 2;
      if (data.length < start + size + 2) break;
      this.#takeBody(data.subarray(start, start + size));
      offset = start + size + 2;
    }
    this.#buffer = offset < data.length ? data.subarray(offset) : null;
  }
}

/** Serializes a request once; the bytes are reused for every send. */
export function serializeRequest(
  hostHeader: string,
  method: string,
  path: string,
  body: string | undefined,
  extraHeaders = '',
): Buffer {
  if (body === undefined) {
    return Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\n${extraHeaders}\r\n`, 'latin1');
  }
  const payload = Buffer.from(body, 'utf8');
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}
