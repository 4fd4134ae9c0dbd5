import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { killGroup, registerOwned } from '../provision/process-registry.ts';
import { netdelayBinary } from './requirements.ts';

/** The delaying relay of one network (scripts/servers/netdelay/netdelay.c), in its router namespace. */
export interface DelayRelay {
  pid: number;
  /** True when it runs at real-time priority, as a kernel qdisc would (else the scheduler may wake it late). */
  realTime: boolean;
  /** Holds every packet `oneWayMs` ± up to `jitterMs` from now on; resolves once the relay applied it. */
  set(oneWayMs: number, jitterMs: number): Promise<void>;
  /** Packets held since it started. */
  packets(): Promise<number>;
  /** Lets held packets go, ends it and waits for it. */
  stop(): Promise<void>;
  /** SIGKILL, for the exit hook. */
  kill(): void;
}

/**
 * Starts the relay in `namespace` bound to NFQUEUE 0 (the caller adds the iptables rule that feeds
 * it). It runs at SCHED_FIFO priority where allowed: a packet due in 250 us must not wait for a busy
 * CPU's next time slice.
 */
export async function startDelayRelay(namespace: string): Promise<DelayRelay> {
  const child = spawn('ip', ['netns', 'exec', namespace, netdelayBinary(), '0', '0', '0'], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the delaying relay');
  const exited = once(child, 'exit');
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => errors.push(line));
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const i = waiting.findIndex((w) => line.startsWith(w.prefix));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line);
  });
  const reply = (prefix: string): Promise<string> =>
    Promise.race([
      new Promise<string>((resolve) => waiting.push({ prefix, resolve })),
      exited.then(([code]) => {
        throw new Error(`the delaying relay exited (${String(code)}): ${errors.join(' | ')}`);
      }),
    ]);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end(); // EOF: it releases what it holds and exits
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      unregister();
    })();
    return stopped;
  };
  const unregister = registerOwned({ pid, dirs: [], stop });
  try {
    await reply('ready');
  } catch (error) {
    await stop();
    throw error;
  }
  let realTime = true;
  try {
    execFileSync('chrt', ['-f', '-p', '50', String(pid)], { stdio: 'ignore' });
  } catch {
    realTime = false;
  }
  return {
    pid,
    realTime,
    set: async (oneWayMs, jitterMs) => {
      const applied = reply('delay');
      child.stdin!.write(`delay ${Math.round(oneWayMs * 1000)} ${Math.round(jitterMs * 1000)}\n`);
      await applied;
    },
    packets: async () => {
      const counted = reply('packets');
      child.stdin!.write('stats\n');
      return Number(/^packets (\d+)/.exec(await counted)?.[1] ?? 0);
    },
    stop,
    kill: () => killGroup(pid, 'SIGKILL'),
  };
}
