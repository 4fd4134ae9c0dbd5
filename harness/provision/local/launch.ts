import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { ServerKind } from '../kinds/index.ts';
import { killGroup, registerOwned } from '../process-registry.ts';
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
  /** Temp dir holding all its data and its log; removed on stop unless `keepDir`. */
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
  /** Runs once the server answers, before it is handed out (e.g. CREATE DATABASE). */
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

/** SIGTERM the process group, wait up to `graceMs`, then SIGKILL; resolves when it is gone. */
export async function terminate(pid: number, graceMs: number, child?: ChildProcess): Promise<void> {
  const gone = (): boolean => (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid));
  if (gone()) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (gone()) return;
  killGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 5_000;
  while (!gone() && Date.now() < hardDeadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Starts a native server in its own process group, waits until it answers a real query, and
 * returns it with a `stop()` that kills it and removes its temp dir. Unless `detached`, it is
 * registered so that SIGINT/SIGTERM/exit of this process stops it too.
 */
export async function launch(spec: LaunchSpec): Promise<ProvisionedServer> {
  const started = Date.now();
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
  if (pid === undefined) {
    if (!spec.keepDir) rmSync(spec.dir, { recursive: true, force: true });
    throw new Error(`could not start ${spec.command}: ${String((await spawnError).message)}`);
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await terminate(pid, spec.kind.stopGraceMs, spec.detached ? undefined : child);
      if (!spec.keepDir) rmSync(spec.dir, { recursive: true, force: true });
      unregister();
    })();
    return stopped;
  };
  // Registered even when detached, until it answers: Ctrl-C during start-up must not leave it behind.
  const unregister = registerOwned({ pid, dirs: spec.keepDir ? [] : [spec.dir], stop });

  const isDead = (): string | null =>
    spawnFailure
      ? spawnFailure.message
      : child.exitCode !== null || child.signalCode !== null
        ? `exit ${child.exitCode ?? child.signalCode}; log ${spec.logFile}:\n${logTail(spec.logFile)}`
        : null;
  try {
    // Only a listener this very process holds counts: another server on the port must not pass as ours.
    const ownDeadline = Date.now() + spec.readyTimeoutMs;
    while (!listenerOwnedBy(pid, spec.port)) {
      const dead = isDead();
      if (dead) throw new Error(`${spec.kind.name} exited before answering: ${dead}`);
      if (Date.now() > ownDeadline)
        throw new Error(`${spec.kind.name} never listened on ${spec.address ?? '127.0.0.1'}:${spec.port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { version } = await waitUntilAnswering(spec.kind, spec.probeUrl, {
      timeoutMs: Math.max(1_000, ownDeadline - Date.now()),
      isDead,
    });
    await spec.afterReady?.();
    const endpoint: ServerEndpoint = {
      kind: spec.kind.name,
      url: spec.endpointUrl,
      provisioner: 'local',
      version: spec.versionLabel ? spec.versionLabel(version) : version,
      pid,
      dataDir: spec.dir,
      startupMs: Date.now() - started,
      logFile: spec.logFile,
      ...(spec.gcLog && { gcLog: spec.gcLog }),
    };
    if (spec.detached) {
      unregister();
      child.unref();
    }
    return { endpoint, startupMs: endpoint.startupMs ?? 0, resettable: true, stop };
  } catch (error) {
    const tail = existsSync(spec.logFile) ? logTail(spec.logFile) : '';
    await stop();
    const message = (error as Error).message;
    throw new Error(message.includes('log ') ? message : `${message}\n--- ${spec.kind.name} log tail ---\n${tail}`);
  }
}
