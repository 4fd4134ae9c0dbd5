import type { NextFunction, Request, Response } from 'express';
import { MethodNotAllowedError, NotFoundError } from '../errors.ts';

/** One path the API serves: its pattern as Express writes it (the metrics' `route` label) and its methods. */
export interface RouteEntry {
  /** `/products/:product_id/styles` */
  route: string;
  /** Upper case, as served: HEAD wherever GET is (Express answers it), OPTIONS everywhere. */
  methods: ReadonlySet<string>;
  /** The value of an `Allow` header for this path. */
  allow: string;
}

/** Which path pattern a request path falls under, if any. */
export interface RouteTable {
  resolve(path: string): RouteEntry | undefined;
}

/**
 * The route table of the API from its OpenAPI paths (`/products/{product_id}`), which a test keeps equal
 * to the routes Express serves. Matching follows Express's defaults: case-insensitive, one optional
 * trailing slash, a parameter is one non-empty segment.
 */
export function routeTable(paths: Record<string, Record<string, unknown>>): RouteTable {
  const entries = Object.entries(paths).map(([path, operations]) => {
    const served = Object.keys(operations).map((m) => m.toUpperCase());
    if (served.includes('GET')) served.push('HEAD');
    served.push('OPTIONS');
    const source = path
      .split(/\{\w+\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    const entry: RouteEntry = {
      route: path.replace(/\{(\w+)\}/g, ':$1'),
      methods: new Set(served),
      allow: served.join(', '),
    };
    return { pattern: new RegExp(`^${source}/?$`, 'i'), entry };
  });
  return {
    resolve(path) {
      for (const { pattern, entry } of entries) if (pattern.test(path)) return entry;
      return undefined;
    },
  };
}

const ROUTE = Symbol('storebench route');

/** The route entry the guard resolved for this request (undefined for an unknown path). */
export function routeOf(req: Request): RouteEntry | undefined {
  return (req as Request & { [ROUTE]?: RouteEntry })[ROUTE];
}

/**
 * Ahead of body parsing and the routers: an unknown path is 404 and a known path asked with another method
 * 405 with `Allow`, whatever the body (so a GET-only path never answers 415 to a POST); OPTIONS answers
 * 204 with `Allow` for a known path.
 */
export function routeGuard(table: RouteTable) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const entry = table.resolve(req.path);
    if (!entry) return next(new NotFoundError('no such path'));
    (req as Request & { [ROUTE]?: RouteEntry })[ROUTE] = entry;
    if (req.method === 'OPTIONS') {
      res.status(204).set('Allow', entry.allow).end();
      return;
    }
    if (!entry.methods.has(req.method)) return next(new MethodNotAllowedError(entry.allow));
    next();
  };
}
