import type { ServerKindDescriptor } from './types.ts';

/**
 * Polls the kind's probe (a real query) until it answers, `isDead()` reports the process gone, or
 * the timeout passes. Returns the version and the time it took.
 */
export async function waitUntilAnswering(
  kind: Pick<ServerKindDescriptor, 'name' | 'probe'>,
  url: string,
  options: { timeoutMs: number; isDead?: () => string | null; intervalMs?: number },
): Promise<{ version: string; waitedMs: number }> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    const dead = options.isDead?.();
    if (dead) throw new Error(`${kind.name} exited before answering: ${dead}`);
    try {
      const version = await kind.probe(url, Math.min(5_000, options.timeoutMs));
      return { version, waitedMs: Date.now() - started };
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `${kind.name} at ${url} did not answer a query within ${options.timeoutMs} ms: ${String((lastError as Error)?.message ?? lastError)}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
