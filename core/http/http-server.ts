import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** The node:http server of the API, with the drain that ends it. */
export interface ApiServer {
  server: Server;
  /**
   * Graceful stop: no new connections; every response from now on carries `Connection: close` (those
   * in flight included), so a client never sends another request on a connection we are about to close;
   * a connection idle for `idleMs` is closed; whatever is left after `graceMs` is cut. Resolves once
   * every connection is gone.
   */
  drain(options: { graceMs: number; idleMs?: number }): Promise<void>;
}

/** When a keep-alive connection last finished a response, so the drain can tell idle from about-to-be-used. */
const IDLE_SINCE = Symbol('idle since');
type TrackedSocket = Socket & { [IDLE_SINCE]?: number };

/**
 * Serves `app` over HTTP/1.1 keep-alive. A CONNECT request (which node:http would otherwise hand to a
 * 'connect' listener or drop with the connection) goes through the app like any other method, so it gets
 * the same 405 or 404 answer, then the connection closes.
 */
export function createApiServer(app: (req: IncomingMessage, res: ServerResponse) => void): ApiServer {
  // Connections stay open past nginx's and Node clients' keep-alive, so the client side closes first.
  const server = createServer({ keepAliveTimeout: 65_000 });
  const inFlight = new Set<ServerResponse>();
  const sockets = new Set<TrackedSocket>();
  let draining = false;

  server.on('connection', (socket: TrackedSocket) => {
    socket[IDLE_SINCE] = performance.now();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      (req.socket as TrackedSocket)[IDLE_SINCE] = performance.now();
    });
    app(req, res);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    // The usual CONNECT target is `host:port`, which is no path of ours (Express cannot route it): a 404.
    if (!req.url?.startsWith('/')) req.url = `/${req.url ?? ''}`;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => socket.end());
    app(req, res);
  });

  const drain = async ({ graceMs, idleMs = 1000 }: { graceMs: number; idleMs?: number }): Promise<void> => {
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // net.Server's close, not http.Server's: that one also drops every idle connection at once, and a
    // request already on its way over such a connection would meet a reset.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    const sweep = setInterval(() => {
      const busy = new Set([...inFlight].map((res) => res.socket));
      const now = performance.now();
      for (const socket of sockets) {
        if (!busy.has(socket) && now - (socket[IDLE_SINCE] ?? 0) >= idleMs) socket.destroy();
      }
    }, 100);
    const cut = setTimeout(() => {
      for (const socket of sockets) socket.destroy(); // CONNECT's sockets too, which node:http no longer tracks
    }, graceMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(cut);
    }
  };
  return { server, drain };
}
