import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import type { MachineUsage, ResourceUsage } from '../results/types.ts';
import { readStorageReads, storageReadsSince, type StorageReads } from './vmstat.ts';
import { roundTo } from '../stats/round.ts';

/** Linux reports CPU time in clock ticks of 1/100 s on every platform storebench runs on. */
const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;
/** PF_KTHREAD in /proc/<pid>/stat flags: a kernel thread (ksoftirqd, kworker...), never counted as interference. */
const PF_KTHREAD = 0x00200000;

/** Who to sample: a role and the roots of its process trees (a function is re-evaluated each sample). */
export interface SampledRole {
  role: ResourceUsage['role'];
  /** Root pids; every live descendant belongs to the role too (database backends, cluster workers), unless `ownOnly`. */
  pids: number[] | (() => number[]);
  /**
   * Only the listed pids, not their descendants: the load generator, whose process is also the parent of
   * the API processes and database servers it started (counting them made the system under test's CPU
   * look like the generator's, and valid steps look generator-bound).
   */
  ownOnly?: boolean;
  /**
   * Also sample the main thread of each listed pid on its own (its event loop, for a Node process): the
   * load generator's limit is its one event loop, not the GC and worker threads V8 runs beside it.
   */
  mainThread?: boolean;
}

/** One process as read from /proc. */
interface ProcInfo {
  ppid: number;
  comm: string;
  kernel: boolean;
  threads: number;
  /** Nanoseconds on a CPU: clock ticks of every thread, or their schedstat sum after `withThreadTimes`. */
  cpuNs: number;
  /** Nanoseconds runnable but waiting for a CPU; 0 when schedstat is unavailable. */
  waitNs: number;
  rssBytes: number;
  /** The main thread alone (`/proc/<pid>/task/<pid>/schedstat`), read with the other threads by `withThreadTimes`. */
  main?: { cpuNs: number; waitNs: number };
}

/** "<on-cpu ns> <run-queue wait ns> <timeslices>" of one thread (or of a process's main thread), or null. */
export function readSchedstat(path: string): [number, number] | null {
  try {
    const [run, wait] = readFileSync(path, 'latin1').split(' ');
    const cpu = Number(run);
    return Number.isFinite(cpu) ? [cpu, Number(wait) || 0] : null;
  } catch {
    return null;
  }
}

/**
 * One process from `/proc/<pid>/stat`: its CPU counts every thread, at clock-tick resolution (the census
 * of every process on the machine reads only this). See `withThreadTimes` for nanoseconds.
 */
function readProc(pid: number): ProcInfo | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    const ppid = Number(fields[1]);
    const flags = Number(fields[6]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    const threads = Number(fields[17]);
    const rssPages = Number(fields[21]);
    if (!Number.isFinite(ticks + rssPages + ppid)) return null;
    const cpuNs = (ticks * 1e9) / CLOCK_TICKS_PER_S;
    const kernel = (flags & PF_KTHREAD) !== 0;
    return { ppid, comm, kernel, threads, cpuNs, waitNs: 0, rssBytes: rssPages * PAGE_BYTES };
  } catch {
    return null;
  }
}

/**
 * The same process with nanoseconds on a CPU and waiting for one, summed over its threads' schedstat
 * (the processes of a role, every sample). `/proc/<pid>/schedstat` alone covers the main thread only: a
 * JVM's main thread sleeps while its other 200 threads work. Where nothing can be read, the ticks stay.
 */
function withThreadTimes(pid: number, info: ProcInfo): ProcInfo {
  let paths = [`/proc/${pid}/schedstat`];
  if (info.threads > 1) {
    try {
      paths = readdirSync(`/proc/${pid}/task`).map((tid) => `/proc/${pid}/task/${tid}/schedstat`);
    } catch {
      // gone meanwhile: the main thread's figure, or ticks
    }
  }
  let run = 0;
  let wait = 0;
  let read = 0;
  let main: ProcInfo['main'];
  for (const path of paths) {
    const figures = readSchedstat(path);
    if (!figures) continue;
    run += figures[0];
    wait += figures[1];
    read++;
    // The main thread's task id is the pid (a single-threaded process has only its own schedstat).
    if (paths.length === 1 || path === `/proc/${pid}/task/${pid}/schedstat`) {
      main = { cpuNs: figures[0], waitNs: figures[1] };
    }
  }
  // (A thread that exits takes its nanoseconds with it: that interval's delta is clamped at 0.)
  return read > 0 ? { ...info, cpuNs: run, waitNs: wait, ...(main && { main }) } : info;
}

/** utime + stime (as ns), wait and RSS of one pid; null when gone or not Linux. */
export function readProcStat(pid: number): { cpuNs: number; waitNs: number; rssBytes: number } | null {
  const stat = readProc(pid);
  if (!stat) return null;
  const info = withThreadTimes(pid, stat);
  return { cpuNs: info.cpuNs, waitNs: info.waitNs, rssBytes: info.rssBytes };
}

/** Every live process, read once. */
function census(): Map<number, ProcInfo> {
  const all = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return all;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const pid = Number(entry);
    const info = readProc(pid);
    if (info) all.set(pid, info);
  }
  return all;
}

/** The pids of the trees rooted at `roots` in a census. */
function trees(all: Map<number, ProcInfo>, roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, info] of all) {
    const list = children.get(info.ppid);
    if (list) list.push(pid);
    else children.set(info.ppid, [pid]);
  }
  const seen = new Set<number>();
  const stack = roots.filter((pid) => all.has(pid));
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/** A pid and every live descendant (e.g. the postmaster and its backends, a cluster primary and its workers). */
export function processTree(rootPid: number): number[] {
  const all = census();
  return all.has(rootPid) ? trees(all, [rootPid]) : [rootPid];
}

/** Machine-wide CPU counters from /proc/stat, in ns of CPU time. */
function machineCounters(): { busyNs: number; stealNs: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n')[0]!;
    const [, user, nice, system, , , , , steal] = line.trim().split(/\s+/).map(Number);
    const toNs = (ticks: number | undefined) => ((ticks ?? 0) * 1e9) / CLOCK_TICKS_PER_S;
    return { busyNs: toNs(user) + toNs(nice) + toNs(system), stealNs: toNs(steal) };
  } catch {
    return null;
  }
}

interface RoleAccumulator {
  role: SampledRole;
  cpuSum: number;
  cpuMax: number;
  waitSum: number;
  mainSum: number;
  mainWaitSum: number;
  rssSum: number;
  rssMax: number;
  samples: number;
  seenPids: Set<number>;
  /** CPU ns per pid over the whole step, for the count of pids doing the work. */
  pidNs: Map<number, number>;
}

export interface SamplerOptions {
  /** Sampling period. Default 500 ms. */
  intervalMs?: number;
  /**
   * Gaps shorter than this are not turned into a CPU figure (the next sample covers them):
   * a counter difference over a tiny gap says little, and can only be noise.
   */
  minGapMs?: number;
  /** Other processes the run started (paused databases, helpers): part of the run, not interference. */
  runPids?: () => number[];
}

export interface SampledUsage {
  roles: ResourceUsage[];
  machine: MachineUsage;
}

/**
 * Samples CPU% (of one core), run-queue wait and RSS of each role's process trees, and the machine
 * as a whole, every interval while a step runs. CPU comes from schedstat nanoseconds over gaps of
 * at least `minGapMs`, and never exceeds what the machine has. The CPU of processes outside the run
 * (not a role's tree, not started by the run, not a kernel thread) is summed as interference.
 */
export class ResourceSampler {
  readonly #roles: RoleAccumulator[];
  readonly #intervalMs: number;
  readonly #minGapMs: number;
  readonly #runPids: () => number[];
  readonly #cores = Math.max(1, os.cpus().length);
  #timer: NodeJS.Timeout | undefined;
  #last: { at: number; procs: Map<number, ProcInfo>; machine: { busyNs: number; stealNs: number } | null } | null =
    null;
  #startedAt = 0;
  #storageAtStart: StorageReads | null = null;
  #machine = { busySum: 0, stealSum: 0, otherSum: 0, intervals: 0, others: new Map<string, number>() };

  constructor(roles: SampledRole[], options: SamplerOptions | number = {}) {
    const o = typeof options === 'number' ? { intervalMs: options } : options;
    this.#intervalMs = o.intervalMs ?? 500;
    this.#minGapMs = o.minGapMs ?? Math.min(50, this.#intervalMs / 2);
    this.#runPids = o.runPids ?? (() => []);
    this.#roles = roles.map((role) => ({
      role,
      cpuSum: 0,
      cpuMax: 0,
      waitSum: 0,
      mainSum: 0,
      mainWaitSum: 0,
      rssSum: 0,
      rssMax: 0,
      samples: 0,
      seenPids: new Set(),
      pidNs: new Map(),
    }));
  }

  get intervals(): number {
    return this.#machine.intervals;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#storageAtStart = readStorageReads();
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling (taking a last sample when the gap allows) and returns the figures. */
  stop(): SampledUsage {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    const seconds = Math.max(1e-3, (performance.now() - this.#startedAt) / 1000);
    const m = this.#machine;
    const avg = (sum: number, n: number) => (n ? roundTo(sum / n, 1) : 0);
    const storageNow = this.#storageAtStart ? readStorageReads() : null;
    const storage = storageNow && this.#storageAtStart ? storageReadsSince(this.#storageAtStart, storageNow) : null;
    const topOthers = [...m.others.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .filter(([, ns]) => ns / 1e9 / seconds >= 0.02)
      .map(([name, ns]) => `${name} ${roundTo((ns / 1e9 / seconds) * 100, 1)}%`);
    return {
      roles: this.#roles.map((a) => ({
        role: a.role.role,
        activePids: [...a.pidNs.values()].filter((ns) => ns / 1e9 / seconds >= 0.1).length,
        pids: [...a.seenPids],
        cpuPercentAvg: avg(a.cpuSum, m.intervals),
        cpuPercentMax: roundTo(a.cpuMax, 1),
        cpuWaitPercentAvg: avg(a.waitSum, m.intervals),
        ...(a.role.mainThread && {
          mainThread: {
            cpuPercentAvg: avg(a.mainSum, m.intervals),
            cpuWaitPercentAvg: avg(a.mainWaitSum, m.intervals),
          },
        }),
        rssBytesAvg: a.samples ? Math.round(a.rssSum / a.samples) : 0,
        rssBytesMax: a.rssMax,
        samples: a.samples,
      })),
      machine: {
        cores: this.#cores,
        busyPercentAvg: avg(m.busySum, m.intervals),
        stealPercentAvg: avg(m.stealSum, m.intervals),
        otherPercentAvg: avg(m.otherSum, m.intervals),
        topOthers,
        samples: m.intervals,
        ...(storage && { storageRead: { mib: roundTo(storage.readKiB / 1024, 1), majorFaults: storage.majorFaults } }),
      },
    };
  }

  #sample(): void {
    const now = performance.now();
    const last = this.#last;
    if (last && now - last.at < this.#minGapMs) return;
    const procs = census();
    const machine = machineCounters();
    const limit = this.#cores * 100;
    const gapNs = last ? (now - last.at) * 1e6 : 0;
    const percent = (ns: number) => Math.min(limit, Math.max(0, (ns / gapNs) * 100));
    const delta = (pid: number, field: 'cpuNs' | 'waitNs'): number => {
      const before = last?.procs.get(pid);
      const after = procs.get(pid);
      if (!after) return 0;
      // A pid new since the last sample: all its time is new (it started, or joined a role, in the gap).
      return Math.max(0, after[field] - (before?.[field] ?? 0));
    };
    const inRoles = new Set<number>();
    for (const a of this.#roles) {
      const roots = typeof a.role.pids === 'function' ? a.role.pids() : a.role.pids;
      const pids = a.role.ownOnly ? roots.filter((pid) => procs.has(pid)) : trees(procs, roots);
      if (pids.length === 0) continue;
      let rss = 0;
      let cpuNs = 0;
      let waitNs = 0;
      let mainNs = 0;
      let mainWaitNs = 0;
      for (const pid of pids) {
        const info = withThreadTimes(pid, procs.get(pid)!);
        if (a.role.mainThread) {
          const before = last?.procs.get(pid)?.main;
          if (before && info.main) {
            mainNs += Math.max(0, info.main.cpuNs - before.cpuNs);
            mainWaitNs += Math.max(0, info.main.waitNs - before.waitNs);
          }
        }
        procs.set(pid, info);
        inRoles.add(pid);
        a.seenPids.add(pid);
        rss += procs.get(pid)!.rssBytes;
        if (last) {
          const ns = last.procs.has(pid) ? delta(pid, 'cpuNs') : 0;
          cpuNs += ns;
          waitNs += last.procs.has(pid) ? delta(pid, 'waitNs') : 0;
          a.pidNs.set(pid, (a.pidNs.get(pid) ?? 0) + ns);
        }
      }
      if (last) {
        const cpu = percent(cpuNs);
        a.cpuSum += cpu;
        a.cpuMax = Math.max(a.cpuMax, cpu);
        a.waitSum += percent(waitNs);
        a.mainSum += percent(mainNs);
        a.mainWaitSum += percent(mainWaitNs);
      }
      a.rssSum += rss;
      a.rssMax = Math.max(a.rssMax, rss);
      a.samples++;
    }
    if (last) {
      const m = this.#machine;
      const run = new Set([...inRoles, ...trees(procs, [process.pid, ...this.#runPids()])]);
      let otherNs = 0;
      for (const [pid, info] of procs) {
        if (run.has(pid) || info.kernel) continue;
        const ns = delta(pid, 'cpuNs');
        if (ns === 0) continue;
        otherNs += ns;
        const name = `${info.comm} (pid ${pid})`;
        m.others.set(name, (m.others.get(name) ?? 0) + ns);
      }
      m.otherSum += percent(otherNs);
      if (machine && last.machine) {
        m.busySum += percent(machine.busyNs - last.machine.busyNs);
        m.stealSum += percent(machine.stealNs - last.machine.stealNs);
      }
      m.intervals++;
    }
    this.#last = { at: now, procs, machine };
  }
}
