import type { ResourceUsage, SloRecord, StepResult } from '../results/types.ts';

/** Storage reads during a step that can explain its miss: this many MiB, or this many major page faults. */
const STORAGE_READ_MIB = 1;
const STORAGE_MAJOR_FAULTS = 100;

/** A pause or stall this long (half the SLO's p99) is enough on its own to decide a step's p99. */
export function stallFloorMs(slo: SloRecord): number {
  return slo.p99Ms / 2;
}

/**
 * The most likely cause of a step that missed the SLO (or was invalid), from what the step
 * recorded, most specific first: the measurement itself (load generator, interference), errors,
 * stop-the-world pauses long enough to show in p99, a stalled disk (for a target with a database),
 * then saturation of a CPU. Undefined for a step
 * that met the SLO.
 */
export function explainMiss(step: StepResult, slo: SloRecord): string | undefined {
  if (step.valid && step.slo.met) return undefined;
  if (!step.valid) return `not a measurement of the server: ${step.invalidReasons[0]}`;
  const role = (name: ResourceUsage['role']) => step.resources.find((r) => r.role === name && r.samples > 1);
  const server = role('server');
  const database = role('database');
  const statusErrors = Object.entries(step.errors.byStatus)
    .map(([code, n]) => `${n} × HTTP ${code}`)
    .join(', ');
  if (step.errors.rate > slo.maxErrorRate) {
    const classes = [statusErrors, step.errors.timeouts && `${step.errors.timeouts} timeouts`]
      .filter(Boolean)
      .join(', ');
    return `errors: ${(step.errors.rate * 100).toFixed(1)}% of requests failed (${classes || 'socket errors'})`;
  }
  // A pause stalls every request in flight or arriving during it: one of a few tens of ms decides p99.
  const pauseFloor = stallFloorMs(slo);
  const api = step.pauses?.api;
  const db = step.pauses?.database;
  if (api && api.gcMaxMs >= pauseFloor) {
    return `a ${Math.round(api.gcMaxMs)} ms garbage-collection pause in the API process (${api.gcCount} collections, ${Math.round(api.gcTotalMs)} ms in all)`;
  }
  if (db && db.gcMaxMs >= pauseFloor) {
    return `a ${Math.round(db.gcMaxMs)} ms garbage-collection pause in the database's JVM (${db.gcCount} collections, ${Math.round(db.gcTotalMs)} ms in all)`;
  }
  // A durable write waits for the disk: a stall of the disk stalls the database's commits.
  const disk = step.machine?.diskSync;
  if (database && disk && disk.maxMs >= pauseFloor) {
    return `the disk stalled: a 4 KiB write + fdatasync took up to ${Math.round(disk.maxMs)} ms (median ${disk.p50Ms} ms)`;
  }
  // A read that misses the page cache waits for storage (files evicted while the target waited).
  const storage = step.machine?.storageRead;
  if (storage && (storage.mib >= STORAGE_READ_MIB || storage.majorFaults >= STORAGE_MAJOR_FAULTS)) {
    return `reads from storage: ${storage.mib} MiB read and ${storage.majorFaults} major page faults during the step (files not in the page cache)`;
  }
  // A major collection's marking runs on V8's helper threads: on a core shared with the database it
  // stalls the API far longer than the pause it reports, while most requests stay fast.
  if (api?.majorGcCount && step.latencyMs.p50 <= slo.p99Ms / 10) {
    return `a major garbage collection of the API process fell inside the step (${api.majorGcCount}; its marking competes for the CPU the API shares, p50 stayed ${step.latencyMs.p50} ms)`;
  }
  const busy = (r: ResourceUsage | undefined) => (r ? r.cpuPercentAvg + (r.cpuWaitPercentAvg ?? 0) : 0);
  const cores = step.machine?.cores ?? 1;
  if (database && (database.cpuWaitPercentAvg ?? 0) >= 30) {
    return `the database was waiting for a CPU (${database.cpuPercentAvg}% running + ${database.cpuWaitPercentAvg}% waiting)`;
  }
  if (server && (server.cpuWaitPercentAvg ?? 0) >= 30) {
    return `the API was waiting for a CPU (${server.cpuPercentAvg}% running + ${server.cpuWaitPercentAvg}% waiting)`;
  }
  if (server && server.cpuPercentAvg >= 85 * Math.max(1, Math.min(server.activePids ?? 1, cores))) {
    return `the API process saturated its CPU (${server.cpuPercentAvg}%)`;
  }
  if (database && busy(database) >= 85) return `the database saturated its CPU (${database.cpuPercentAvg}%)`;
  if (api?.loopDelayMaxMs && api.loopDelayMaxMs >= pauseFloor) {
    return `the API's event loop was blocked for up to ${Math.round(api.loopDelayMaxMs)} ms`;
  }
  const waits = step.databaseWaits;
  if (waits) {
    const [top] = Object.entries(waits).sort((a, b) => b[1] - a[1]);
    if (top && top[0] !== 'CPU') return `database sessions mostly waiting on ${top[0]} (${top[1]} samples)`;
  }
  if (step.achievedRps < step.offeredRps * slo.minAchievedRatio) {
    return `the server could not keep up: ${step.achievedRps} of ${step.offeredRps} RPS answered`;
  }
  return `no pause or saturation seen (p99 ${step.latencyMs.p99} ms, p50 ${step.latencyMs.p50} ms)`;
}
