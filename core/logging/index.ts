import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Levels `STOREBENCH_LOG_LEVEL` may name, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The API's logger: one JSON object per line, `level` as its name (`"info"`), `time` in ISO 8601, the
 * process id. Lines go to stdout through `process.stdout`, the same writer as the harness's event lines
 * (harness/protocol/api-events.ts), so the two never tear each other's lines; on Linux that writer is
 * synchronous for pipes and files, and a line is written whole.
 */
export function createLogger(level: LogLevel = 'info', destination: DestinationStream = process.stdout): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that writes nothing (tests, and code paths given no logger). */
export const silentLogger: Logger = pino({ level: 'silent' });

/** What the log says about an error's origin: the class of the driver's error, its code and message. */
export interface ErrorOrigin {
  class: string;
  code?: string;
  message: string;
}

/**
 * The innermost cause of an error (a driver's error under our BackendUnavailableError): its class
 * (`MongoServerSelectionError`, `NoHostAvailableError`, `DatabaseError`...), its code (errno or
 * SQLSTATE) and message. This detail goes to the log, never to a client.
 */
export function errorOrigin(error: unknown): ErrorOrigin {
  let inner = error;
  for (let depth = 0; depth < 5 && inner instanceof Error && inner.cause !== undefined; depth++) inner = inner.cause;
  if (!(inner instanceof Error)) return { class: typeof inner, message: String(inner) };
  const code = (inner as { code?: unknown }).code;
  return {
    class: inner.constructor.name,
    ...(code !== undefined && code !== null && { code: String(code) }),
    message: inner.message,
  };
}
