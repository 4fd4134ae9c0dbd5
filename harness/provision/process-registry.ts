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
/** The signal that asked this process to stop, once one did: from then on a run starts nothing new. */
let stopSignal: NodeJS.Signals | undefined;
/** Stops of processes registered after the signal (a start under way when it came): the exit waits for them too. */
const lateStops = new Set<Promise<void>>();
/** How long the graceful stop of everything may take before the exit hook kills what is left (Cassandra's grace is 30 s). */
export const STOP_DEADLINE_MS = 60_000;

/** Thrown where a run would start something new (a server, a trial) after a signal asked it to stop. */
export class RunStopped extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`${signal}: the run was asked to stop`);
    this.name = 'RunStopped';
  }
}

/** The exit status a stop on `signal` ends with (128 + the signal's number). */
export function stopStatus(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143;
}

/** Throws RunStopped once a signal asked this process to stop; called before a run starts anything new. */
export function throwIfStopRequested(): void {
  if (stopSignal) throw new RunStopped(stopSignal);
}

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
  // A server paused while others were measured would not hear its SIGTERM until its grace ran out.
  if (!stopping) for (const o of owned) if (o.pid !== undefined) killGroup(o.pid, 'SIGCONT');
  stopping ??= Promise.allSettled([...owned.values()].map((o) => o.stop()))
    .then(() => Promise.allSettled([...resources].map((r) => r.remove())))
    .then(() => {
      stopping = undefined;
    });
  return stopping;
}

function onSignal(signal: NodeJS.Signals): void {
  // A second signal while stopping means "now": fall through to the synchronous exit hook.
  if (stopSignal) process.exit(stopStatus(signal));
  stopSignal = signal;
  const extra = resources.size > 0 ? ` and removing ${[...resources].map((r) => r.name).join(', ')}` : '';
  console.error(`\n[storebench] ${signal}: stopping ${owned.size} server(s) this run started${extra}…`);
  // A stop that hangs (a server that ignores SIGTERM and SIGKILL alike, a wedged removal) must not keep the process:
  // after the deadline the exit hook kills what is left.
  setTimeout(() => {
    console.error(`[storebench] still stopping after ${STOP_DEADLINE_MS / 1000} s: killing what is left`);
    process.exit(stopStatus(signal));
  }, STOP_DEADLINE_MS).unref();
  void stopAllOwned()
    .then(settleLateStops)
    .finally(() => process.exit(stopStatus(signal)));
}

/** Waits until every stop begun by a registration during the stop has ended (one may begin while waiting). */
async function settleLateStops(): Promise<void> {
  while (lateStops.size > 0) await Promise.allSettled([...lateStops]);
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
  // Started while the run stops (a start already under way when the signal came): stopped at once too, and the
  // exit waits for that stop as for the others (else the exit hook would SIGKILL it mid-way).
  if (stopSignal) {
    const late: Promise<void> = entry
      .stop()
      .catch(() => undefined)
      .finally(() => lateStops.delete(late));
    lateStops.add(late);
  }
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
