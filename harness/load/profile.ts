import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import type { ProfileRecord } from '../results/types.ts';

export interface ProfileOptions {
  tool: 'doctor' | 'flame';
  /** The server command, starting with `node` (clinic only wraps node), e.g. ['node', 'bin/storebench.mjs', 'serve', ...]. */
  command: string[];
  /** Where the server listens once up (checked by TCP connect). */
  url: string;
  /** The run folder; profiles land in `<runDir>/profiles/`. */
  runDir: string;
  backend: string;
  workload: string;
  target: number;
  /** How long to wait for the server to listen. Default 60 s. */
  startTimeoutMs?: number;
  /** How long clinic may take to analyse and write its HTML after the server stops. Default 180 s. */
  analyseTimeoutMs?: number;
}

/**
 * Runs `during` against a server started under `clinic doctor|flame` and
 * stores the HTML report in the run folder. Never throws for a clinic
 * problem: the record says what went wrong. `during` errors still propagate.
 */
export async function profileServer(
  options: ProfileOptions,
  during: (pid: number) => Promise<void>,
): Promise<ProfileRecord> {
  const record: ProfileRecord = {
    tool: options.tool,
    backend: options.backend,
    workload: options.workload,
    target: options.target,
    ok: false,
    htmlPath: null,
    error: null,
  };
  const clinic = resolve('node_modules/.bin/clinic');
  if (!existsSync(clinic)) {
    record.error = 'clinic is not installed (npm install --save-dev clinic@13)';
    return record;
  }
  if (options.command[0] !== 'node') {
    record.error = `clinic wraps node processes only; the server command starts with ${options.command[0]}`;
    return record;
  }
  const dest = join(options.runDir, 'profiles', `${options.tool}-${options.backend}-${options.workload}`);
  await mkdir(dest, { recursive: true });
  // Its own process group, so SIGINT reaches clinic and the server together, like Ctrl+C.
  const child = spawn(clinic, [options.tool, '--dest', dest, '--', ...options.command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_INSIGHT: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const up = await waitForPort(options.url, options.startTimeoutMs ?? 60_000, exited);
    if (!up) {
      record.error = `server under clinic did not listen on ${options.url}: ${lastLines(output)}`;
      return record;
    }
    await during(child.pid!);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
    }
    const done = await Promise.race([
      exited,
      new Promise<null>((r) => setTimeout(() => r(null), options.analyseTimeoutMs ?? 180_000).unref()),
    ]);
    if (done === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      record.error ??= `clinic did not finish within ${(options.analyseTimeoutMs ?? 180_000) / 1000}s`;
    }
  }
  if (record.error) return record;
  const html = await findHtml(dest);
  if (html) {
    record.ok = true;
    record.htmlPath = relative(options.runDir, html);
  } else record.error = `clinic wrote no HTML report: ${lastLines(output)}`;
  return record;
}

/** Polls a TCP connect to `url` until it succeeds, the process exits (`exited` settles) or the time runs out. */
export async function waitForPort(url: string, timeoutMs: number, exited: Promise<unknown>): Promise<boolean> {
  const { hostname, port } = new URL(url);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const ok = await new Promise<boolean>((resolveConnect) => {
      const socket = connect({ host: hostname, port: Number(port || 80) });
      socket.once('connect', () => {
        socket.destroy();
        resolveConnect(true);
      });
      socket.once('error', () => resolveConnect(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function findHtml(dir: string): Promise<string | null> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) return join(entry.parentPath, entry.name);
  }
  return null;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || '(no output)';
}
