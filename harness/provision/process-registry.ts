import { rmSync } from 'node:fs';

/**
 * Everything a harness run started itself (server processes, temp data dirs), so that Ctrl-C,
 * SIGTERM or a normal exit never leaves a database running or a temp dir behind.
 * Processes are spawned in their own process group (detached) so a terminal Ctrl-C does not hit
 * them half-way; this registry then stops them in order and removes their dirs.
 */
export interface Owned {
  /** Its process group leader; undefined while it has none (a server killed to simulate a crash, not yet restarted). */
  pid: number | undefined;
  dirs: string[];
  /** Graceful stop of this entry (SIGTERM, wait, SIGKILL, remove dirs). */
  stop: () => Promise<void>;
}

/**
 * Something a run set up that is not a process (network namespaces, links): undone after every
 * owned process is stopped, since a namespace outlives its name while a process still runs in it.
 */
interface OwnedResource {
  name: string;
  /** Undoes it; awaited by a graceful stop. */
  remove: () => Promise<void>;
  /** Undoes it synchronously, for the exit hook (no event loop left). */
  removeSync: () => void;
}

const owned = new Set<Owned>();
const resources = new Set<OwnedResource>();
let handlersInstalled = false;
let stopping: Promise<void> | undefined;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Stops everything still registered (processes in parallel, then the other resources) and waits for it. */
export function stopAllOwned(): Promise<void> {
  stopping ??= Promise.allSettled([...owned.values()].map((o) => o.stop()))
    .then(() => Promise.allSettled([...resources].map((r) => r.remove())))
    .then(() => {
      stopping = undefined;
    });
  return stopping;
}

function onSignal(signal: NodeJS.Signals): void {
  // A second signal while stopping means "now": fall through to the synchronous exit hook.
  if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
  const extra = resources.size > 0 ? ` and removing ${[...resources].map((r) => r.name).join(', ')}` : '';
  console.error(`\n[storebench] ${signal}: stopping ${owned.size} server(s) this run started${extra}…`);
  void stopAllOwned().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
}

/** Last resort on exit: no time for graceful stops, so SIGKILL and remove dirs synchronously. */
function onExit(): void {
  for (const o of owned) {
    if (o.pid !== undefined) killGroup(o.pid, 'SIGKILL');
    for (const dir of o.dirs) rmSync(dir, { recursive: true, force: true });
  }
  owned.clear();
  for (const r of resources) {
    try {
      r.removeSync();
    } catch {
      // best effort: the process is exiting
    }
  }
  resources.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', onExit);
}

/**
 * Registers a started process (and its dirs) for cleanup on exit signals; returns the unregister function.
 * The entry is kept as given: a caller that restarts the process updates its `pid`.
 */
export function registerOwned(entry: Owned): () => void {
  installHandlers();
  owned.add(entry);
  return () => {
    owned.delete(entry);
  };
}

/** Registers a resource (not a process) to undo on exit signals, after the processes; returns the unregister function. */
export function registerOwnedResource(resource: OwnedResource): () => void {
  installHandlers();
  resources.add(resource);
  return () => {
    resources.delete(resource);
  };
}

/** The pids this run started and still owns (servers, API processes, balancers): part of the run, not interference. */
export function ownedPids(): number[] {
  return [...owned].flatMap((o) => (o.pid === undefined ? [] : [o.pid]));
}

/** How many processes this run still owns (for tests and diagnostics). */
export function ownedCount(): number {
  return owned.size;
}

export { killGroup };
