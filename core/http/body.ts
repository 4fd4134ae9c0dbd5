import { isUtf8 } from 'node:buffer';
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
 * non-JSON content type -> 415, unparsable -> 400, a client that leaves mid-body -> ClientClosedRequestError. Invalid UTF-8 is not replaced by U+FFFD (a silent
 * change): each bad byte becomes a lone surrogate, which the workload's validation rejects naming the field.
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
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const text = isUtf8(bytes) ? bytes.toString('utf8') : decodeKeepingInvalidBytes(bytes);
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        return next(new ValidationError(undefined, 'malformed JSON body'));
      }
      next();
    });
  };
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  const within = (at: number, low = 0x80, high = 0xbf): boolean => {
    const byte = bytes[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return within(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const second = within(i + 1, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf);
    return second && within(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const second = within(i + 1, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf);
    return second && within(i + 2) && within(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Decodes a body that is not valid UTF-8 with each byte of a bad sequence as the lone surrogate
 * U+DC80..U+DCFF (Python's "surrogateescape"): inside a JSON string it reaches the field's validation,
 * elsewhere JSON.parse rejects it.
 */
function decodeKeepingInvalidBytes(bytes: Buffer): string {
  let text = '';
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += bytes.toString('utf8', runStart, i) + String.fromCharCode(0xdc00 | bytes[i]!);
    i += 1;
    runStart = i;
  }
  return text + bytes.toString('utf8', runStart);
}
