import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { processTree, waitForPort } from '../load/index.ts';
import type { LoadTarget, OpenTarget } from './target.ts';

/** A server someone runs at `url`, or one this target starts from `command` and stops again. */
export interface CommandTargetOptions {
  label: string;
  url: string;
  /** The server command as words; started on open, stopped (SIGTERM, then SIGKILL after 15 s) on close. */
  command?: string[];
  /** Process trees sampled as the server and as the database. */
  serverPids?: number[];
  databasePids?: number[];
}

export function commandTarget(options: CommandTargetOptions): LoadTarget {
  const { command } = options;
  return {
    label: options.label,
    open: async (): Promise<OpenTarget> => {
      const serverPids = [...(options.serverPids ?? [])];
      let child: ChildProcess | null = null;
      if (command) {
        child = await startServer(command, options.url);
        serverPids.push(child.pid!);
      }
      const dbPids = options.databasePids ?? [];
      return {
        url: options.url,
        ...(serverPids.length > 0 && { serverPids: () => serverPids.flatMap(processTree) }),
        ...(dbPids.length > 0 && { databasePids: () => dbPids.flatMap(processTree) }),
        close: async () => {
          if (child) await stopServer(child);
        },
      };
    },
    ...(command && { profileCommand: () => ({ command, url: options.url }) }),
  };
}

/** Starts `command` and waits until `url` accepts connections; throws (after stopping it) when it never does. */
export async function startServer(command: string[], url: string, timeoutMs = 60_000): Promise<ChildProcess> {
  const [file, ...args] = command;
  const child = spawn(file!, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = once(child, 'exit');
  if (await waitForPort(url, timeoutMs, exited)) return child;
  await stopServer(child);
  throw new Error(`the server command did not listen on ${url}`);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
