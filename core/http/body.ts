import type { NextFunction, Request, Response } from 'express';
import {
  ClientClosedRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.ts';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * JSON body reader for POST/PUT, written by hand because express.json()
 * (body-parser, type-is, raw-body, iconv) costs ~30% of our ceiling.
 * Oversized -> 413 (by Content-Length before reading, or while streaming),
 * non-JSON content type -> 415, unparsable -> 400, a client that leaves mid-body -> ClientClosedRequestError.
 */
export function jsonBody(limitBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
    const type = req.headers['content-type'];
    if (!type || !JSON_TYPE.test(type)) {
      return next(new UnsupportedMediaTypeError('content-type must be application/json'));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) return next(new PayloadTooLargeError(`body larger than ${limitBytes} bytes`));

    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        next(new PayloadTooLargeError(`body larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    // The only error a request stream raises is the connection closing before the body's end.
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        next(new ClientClosedRequestError({ cause: err }));
      }
    });
    req.on('end', () => {
      if (failed) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        return next(new ValidationError(undefined, 'malformed JSON body'));
      }
      next();
    });
  };
}
