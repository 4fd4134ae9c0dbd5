import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { ServerKind } from '../kinds/index.ts';
import { killGroup, registerOwned, type Owned } from '../process-registry.ts';
import { waitUntilAnswering } from '../readiness.ts';
import type { ProvisionedServer, ServerEndpoint, ServerKindDescriptor } from '../types.ts';

/** What one native server needs to be started, awaited and cleaned up. */
export interface LaunchSpec {
  /** Its name, probe and stop grace period. */
  kind: ServerKindDescriptor<ServerKind>;
  command: string;
  args: string[];
  /** The JVM's garbage-collection log (`-Xlog:gc`), for servers that run on a JVM. */
  gcLog?: string;
  /** Temp dir holding all its data and its log; removed on stop unless `keepDir`, kept by a crash and a restart. */
  dir: string;
  /** Leave `dir` on stop: the caller owns it (a node killed and started again on the same data). */
  keepDir?: boolean;
  logFile: string;
  /** The URL readiness probes (may differ from the endpoint URL, e.g. postgres' maintenance db). */
  probeUrl: string;
  endpointUrl: string;
  port: number;
  /** The address it listens on (default 127.0.0.1), for messages. */
  address?: string;
  /** Runs it inside this network namespace (`ip netns exec`, which keeps the pid): a host of a storebench network. */
  namespace?: string;
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  /** Overrides what the probe reports, for stand-ins whose self-reported version misleads. */
  versionLabel?: (probed: string) => string;
  /** Runs once the server first answers, before it is handed out (e.g. CREATE DATABASE); not after a restart. */
  afterReady?: () => Promise<void>;
  detached: boolean;
}

export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Is `pid` alive (and not a zombie)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // "pid (comm) S ..." — state Z is a zombie: dead, only not yet reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** Socket inodes listening on TCP `port` (IPv4 and IPv6) in the network namespace of `pid`, from /proc/<pid>/net/tcp{,6}. */
function listeningInodes(pid: number, port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local "ADDR:PORT", f[3] state (0A = LISTEN), f[9] inode
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
  }
  return inodes;
}

/**
 * Does process `pid` itself hold the listening socket on `port`? Guards against a probe answered by
 * some other server that grabbed the port between picking it and our server binding it.
 */
export function listenerOwnedBy(pid: number, port: number): boolean {
  const inodes = listeningInodes(pid, port);
  if (inodes.size === 0) return false;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return true;
      } catch {
        // fd closed meanwhile
      }
    }
  } catch {
    return false;
  }
  return false;
}

/** SIGTERM the process group, wait up to `graceMs`, then SIGKILL; resolves when it is gone. */
export async function terminate(pid: number, graceMs: number, child?: ChildProcess): Promise<'exited' | 'killed'> {
  const gone = (): boolean => (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid));
  if (gone()) return 'exited';
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (gone()) return 'exited';
  killGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 5_000;
  while (!gone() && Date.now() < hardDeadline) await new Promise((r) => setTimeout(r, 50));
  return 'killed';
}

/**
 * The command line that runs the server: as is, or inside its network namespace (`ip netns exec` and
 * `setpriv` both exec, so the pid we get is the server's own).
 */
function namespaced(spec: LaunchSpec): string[] {
  if (spec.namespace === undefined) return [spec.command, ...spec.args];
  const user =
    spec.uid !== undefined
      ? ['setpriv', `--reuid=${spec.uid}`, `--regid=${spec.gid ?? spec.uid}`, '--init-groups']
      : [];
  return ['ip', 'netns', 'exec', spec.namespace, ...user, spec.command, ...spec.args];
}

/** One process of a launched server (a restart makes another). */
interface ServerProcess {
  pid: number;
  child: ChildProcess;
  /** Why it is gone (spawn failure, exit with its log tail), or null while it runs. */
  isDead(): string | null;
}

/** Spawns the server in its own process group, output appended to its log. */
async function spawnServer(spec: LaunchSpec): Promise<ServerProcess> {
  const logFd = openSync(spec.logFile, 'a');
  const [command, ...args] = namespaced(spec);
  let child: ChildProcess;
  try {
    child = spawn(command!, args, {
      cwd: spec.dir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: spec.env ?? process.env,
      // Entering a namespace needs root: the user switch then happens inside it (namespaced()).
      ...(spec.uid !== undefined && spec.namespace === undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
  } finally {
    closeSync(logFd);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let spawnFailure: Error | undefined;
  void spawnError.then((e) => (spawnFailure = e));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.command}: ${String((await spawnError).message)}`);
  const isDead = (): string | null =>
    spawnFailure
      ? spawnFailure.message
      : child.exitCode !== null || child.signalCode !== null
        ? `exit ${child.exitCode ?? child.signalCode}; log ${spec.logFile}:\n${logTail(spec.logFile)}`
        : null;
  return { pid, child, isDead };
}

/** Waits until this very process listens on the port and answers the kind's real query; returns the version. */
async function untilAnswering(spec: LaunchSpec, server: ServerProcess): Promise<string> {
  // Only a listener this very process holds counts: another server on the port must not pass as ours.
  const ownDeadline = Date.now() + spec.readyTimeoutMs;
  while (!listenerOwnedBy(server.pid, spec.port)) {
    const dead = server.isDead();
    if (dead) throw new Error(`${spec.kind.name} exited before answering: ${dead}`);
    if (Date.now() > ownDeadline)
      throw new Error(`${spec.kind.name} never listened on ${spec.address ?? '127.0.0.1'}:${spec.port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { version } = await waitUntilAnswering(spec.kind, spec.probeUrl, {
    timeoutMs: Math.max(1_000, ownDeadline - Date.now()),
    isDead: server.isDead,
  });
  return version;
}

/** The error of a start that failed, with the log's tail unless the message already carries it. */
function startFailure(spec: LaunchSpec, error: unknown): Error {
  const tail = existsSync(spec.logFile) ? logTail(spec.logFile) : '';
  const message = (error as Error).message;
  return new Error(message.includes('log ') ? message : `${message}\n--- ${spec.kind.name} log tail ---\n${tail}`);
}

/** Resolves once the process and, within a second more, every process of its group are gone. */
async function untilGroupGone(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!server.isDead() && isAlive(server.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const groupDeadline = Date.now() + 1_000;
  while (Date.now() < groupDeadline) {
    try {
      process.kill(-server.pid, 0);
    } catch {
      return; // no process left in the group
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts a native server in its own process group, waits until it answers a real query, and
 * returns it with a `stop()` that kills it and removes its temp dir, `crash()` (kill -9 of the group) or
 * `halt()` (a clean shutdown), and `restart()` (the same command on the same data dir and port). Unless `detached`,
 * it is registered so that SIGINT/SIGTERM/exit of this process stops it too.
 */
export async function launch(spec: LaunchSpec): Promise<ProvisionedServer> {
  const started = Date.now();
  let running: ServerProcess | undefined;
  try {
    running = await spawnServer(spec);
  } catch (error) {
    if (!spec.keepDir) rmSync(spec.dir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (running) await terminate(running.pid, spec.kind.stopGraceMs, spec.detached ? undefined : running.child);
      if (!spec.keepDir) rmSync(spec.dir, { recursive: true, force: true });
      unregister();
    })();
    return stopped;
  };
  // Registered even when detached, until it answers: Ctrl-C during start-up must not leave it behind.
  const owned: Owned = { pid: running.pid, dirs: spec.keepDir ? [] : [spec.dir], stop };
  let unregister = registerOwned(owned);
  /** A detached server outlives this process once it answers: no longer ours to stop on exit. */
  const release = (server: ServerProcess): void => {
    if (!spec.detached) return;
    unregister();
    server.child.unref();
  };

  let version: string;
  try {
    version = await untilAnswering(spec, running);
    await spec.afterReady?.();
  } catch (error) {
    const failure = startFailure(spec, error);
    await stop();
    throw failure;
  }
  const endpoint: ServerEndpoint = {
    kind: spec.kind.name,
    url: spec.endpointUrl,
    provisioner: 'local',
    version: spec.versionLabel ? spec.versionLabel(version) : version,
    pid: running.pid,
    dataDir: spec.dir,
    startupMs: Date.now() - started,
    logFile: spec.logFile,
    ...(spec.gcLog && { gcLog: spec.gcLog }),
  };
  release(running);

  /** No process of it runs any more: its data dir and port stay for `restart()`. */
  const forgetProcess = (): void => {
    running = undefined;
    owned.pid = undefined;
    delete endpoint.pid;
  };
  /** Ends the running process (kill -9, or SIGTERM with the kind's grace) and waits until its whole group is gone. */
  const end = async (how: 'kill' | 'terminate'): Promise<{ graceful: boolean }> => {
    if (!running || stopped) return { graceful: true };
    const server = running;
    let ended: 'exited' | 'killed' = 'killed';
    if (how === 'kill') killGroup(server.pid, 'SIGKILL');
    else ended = await terminate(server.pid, spec.kind.stopGraceMs, server.child);
    await untilGroupGone(server);
    forgetProcess();
    return { graceful: ended === 'exited' };
  };
  const crash = async (): Promise<void> => {
    await end('kill');
  };
  const halt = (): Promise<{ graceful: boolean }> => end('terminate');

  const restart = async (): Promise<{ readyMs: number }> => {
    if (stopped) throw new Error(`${spec.kind.name}: restart() after stop()`);
    if (running) throw new Error(`${spec.kind.name} is running: crash() or halt() it before restart()`);
    const begun = Date.now();
    const server = await spawnServer(spec);
    running = server;
    owned.pid = server.pid;
    endpoint.pid = server.pid;
    if (spec.detached) unregister = registerOwned(owned);
    try {
      await untilAnswering(spec, server);
    } catch (error) {
      // The data dir stays for a look at what went wrong; stop() removes it.
      await terminate(server.pid, spec.kind.stopGraceMs, server.child);
      forgetProcess();
      throw startFailure(spec, error);
    }
    release(server);
    return { readyMs: Date.now() - begun };
  };

  return { endpoint, startupMs: endpoint.startupMs ?? 0, resettable: true, stop, crash, halt, restart };
}
