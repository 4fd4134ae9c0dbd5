import { readFileSync, readdirSync } from 'node:fs';
import type { ResourceUsage } from '../results/types.ts';

/** Linux reports CPU time in clock ticks of 1/100 s on every platform storebench runs on. */
const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

/** Who to sample: a role and its pids (a function is re-evaluated each sample, for process trees that change). */
export interface SampledRole {
  role: ResourceUsage['role'];
  pids: number[] | (() => number[]);
}

interface ProcStat {
  cpuTicks: number;
  rssBytes: number;
  /** Nanoseconds spent runnable but waiting for a CPU; 0 when schedstat is unavailable. */
  waitNs: number;
}

/** utime + stime and RSS of one pid from /proc/<pid>/stat; null when gone or not Linux. */
export function readProcStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    if (!Number.isFinite(utime + stime + rssPages)) return null;
    return { cpuTicks: utime + stime, rssBytes: rssPages * PAGE_BYTES, waitNs: readWaitNs(pid) };
  } catch {
    return null;
  }
}

function readWaitNs(pid: number): number {
  try {
    // "<on-cpu ns> <run-queue wait ns> <timeslices>"
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[1]) || 0;
  } catch {
    return 0;
  }
}

/** A pid and every live descendant (e.g. the postmaster and its backends, a cluster primary and its workers). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [rootPid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process exited while we listed it
    }
  }
  const result: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    result.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return result;
}

interface RoleAccumulator {
  role: SampledRole;
  lastTicks: Map<number, number>;
  lastWait: Map<number, number>;
  waitSum: number;
  lastAt: number;
  cpuSum: number;
  cpuMax: number;
  intervals: number;
  rssSum: number;
  rssMax: number;
  samples: number;
  seenPids: Set<number>;
  /** First CPU ticks and time seen per pid, for per-pid CPU over the step. */
  firstTicks: Map<number, { ticks: number; at: number }>;
}

/**
 * Samples CPU% (of one core) and RSS of each role's pids every intervalMs
 * from /proc while a step runs. CPU is the tick difference between samples,
 * so the first sample only sets the baseline.
 */
export class ResourceSampler {
  readonly #roles: RoleAccumulator[];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    roles: SampledRole[],
    readonly intervalMs = 500,
  ) {
    this.#roles = roles.map((role) => ({
      role,
      lastTicks: new Map(),
      lastWait: new Map(),
      waitSum: 0,
      lastAt: 0,
      cpuSum: 0,
      cpuMax: 0,
      intervals: 0,
      rssSum: 0,
      rssMax: 0,
      samples: 0,
      seenPids: new Set(),
      firstTicks: new Map(),
    }));
  }

  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling (taking a last sample) and returns the figures per role. */
  stop(): ResourceUsage[] {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    const now = performance.now();
    return this.#roles.map((a) => ({
      role: a.role.role,
      activePids: [...a.firstTicks].filter(([pid, first]) => {
        const last = a.lastTicks.get(pid);
        const seconds = (now - first.at) / 1000;
        return last !== undefined && seconds > 0 && (last - first.ticks) / CLOCK_TICKS_PER_S / seconds >= 0.1;
      }).length,
      pids: [...a.seenPids],
      cpuPercentAvg: a.intervals ? round1(a.cpuSum / a.intervals) : 0,
      cpuPercentMax: round1(a.cpuMax),
      cpuWaitPercentAvg: a.intervals ? round1(a.waitSum / a.intervals) : 0,
      rssBytesAvg: a.samples ? Math.round(a.rssSum / a.samples) : 0,
      rssBytesMax: a.rssMax,
      samples: a.samples,
    }));
  }

  #sample(): void {
    const now = performance.now();
    for (const a of this.#roles) {
      const pids = typeof a.role.pids === 'function' ? a.role.pids() : a.role.pids;
      let rss = 0;
      let deltaTicks = 0;
      let deltaWaitNs = 0;
      const waits = new Map<number, number>();
      let any = false;
      const ticks = new Map<number, number>();
      for (const pid of pids) {
        const stat = readProcStat(pid);
        if (!stat) continue;
        any = true;
        a.seenPids.add(pid);
        if (!a.firstTicks.has(pid)) a.firstTicks.set(pid, { ticks: stat.cpuTicks, at: now });
        rss += stat.rssBytes;
        ticks.set(pid, stat.cpuTicks);
        waits.set(pid, stat.waitNs);
        const waitBefore = a.lastWait.get(pid);
        if (waitBefore !== undefined) deltaWaitNs += stat.waitNs - waitBefore;
        // A pid new since the last sample contributes from the next interval on.
        const before = a.lastTicks.get(pid);
        if (before !== undefined) deltaTicks += stat.cpuTicks - before;
      }
      if (!any) continue;
      if (a.lastAt > 0) {
        const cpu = ((deltaTicks / CLOCK_TICKS_PER_S) * 100 * 1000) / Math.max(1, now - a.lastAt);
        a.cpuSum += cpu;
        a.cpuMax = Math.max(a.cpuMax, cpu);
        a.waitSum += (deltaWaitNs / 1e6 / Math.max(1, now - a.lastAt)) * 100;
        a.intervals++;
      }
      a.lastTicks = ticks;
      a.lastWait = waits;
      a.lastAt = now;
      a.rssSum += rss;
      a.rssMax = Math.max(a.rssMax, rss);
      a.samples++;
    }
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
