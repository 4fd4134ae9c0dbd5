import { setTimeout as sleep } from 'node:timers/promises';
import { BackendUnavailableError, DatabaseRequiredError } from '../errors.ts';
import { errorOrigin, type Logger } from '../logging/index.ts';

/** Retry delays of the start-up preparation: the first, and the ceiling it doubles up to. */
export const PREPARE_RETRY = { firstMs: 500, maxMs: 10_000 } as const;

/** The database preparation a serving process waits for (the migration), done once in the background. */
export interface Preparation {
  /** Resolves once done; keeps retrying until then (never rejects). */
  readonly done: Promise<void>;
  isDone(): boolean;
  /** Why the last attempt failed, while not done. */
  lastError(): unknown;
  /** Stops retrying (shutdown). */
  stop(): void;
}

/** A preparation that needs nothing (no migration at start). */
export function alreadyPrepared(): Preparation {
  return { done: Promise.resolve(), isDone: () => true, lastError: () => undefined, stop: () => {} };
}

/**
 * Runs `prepare` until it succeeds: after a failure it waits 0.5 s, then twice as long each time up to
 * 10 s (each wait drawn from 75-100% of that, so restarted pods do not retry in step), logging one
 * `warn` line per failure with the database error's class. The process serves meanwhile: /healthz 200,
 * /readyz 503, data routes whatever the database answers.
 */
export function prepareInBackground(what: string, prepare: () => Promise<void>, logger: Logger): Preparation {
  let done = false;
  let last: unknown;
  const stopper = new AbortController();
  const run = async (): Promise<void> => {
    for (let attempt = 1, delay: number = PREPARE_RETRY.firstMs; ; attempt++) {
      try {
        await prepare();
        done = true;
        if (attempt > 1) logger.info({ attempt }, `${what}: done, ready`);
        return;
      } catch (error) {
        if (stopper.signal.aborted) return;
        last = error;
        const retryInMs = Math.round(delay * (0.75 + Math.random() * 0.25));
        logger.warn(
          { attempt, retryInMs, dbError: errorOrigin(error) },
          `${what} failed: the database is not ready, retrying`,
        );
        await sleep(retryInMs, undefined, { signal: stopper.signal }).catch(() => {});
        if (stopper.signal.aborted) return;
        delay = Math.min(delay * 2, PREPARE_RETRY.maxMs);
      }
    }
  };
  return { done: run(), isDone: () => done, lastError: () => (done ? undefined : last), stop: () => stopper.abort() };
}

/**
 * `/readyz` of a serving process: 503 until the preparation is done, then whatever the database
 * answers to a ping.
 */
export function readiness(preparation: Preparation, ping: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (!preparation.isDone()) {
      const cause = preparation.lastError();
      throw new BackendUnavailableError('not ready: the schema is not migrated yet', {
        ...(cause !== undefined && { cause }),
      });
    }
    await ping();
  };
}

/** One attempt at `prepare`; a failure becomes a DatabaseRequiredError naming the database error. */
export async function prepareNow(what: string, prepare: () => Promise<void>): Promise<void> {
  try {
    await prepare();
  } catch (error) {
    const origin = errorOrigin(error);
    const code = origin.code ? ` ${origin.code}` : '';
    throw new DatabaseRequiredError(`${what} failed: ${origin.class}${code}: ${origin.message}`);
  }
}
