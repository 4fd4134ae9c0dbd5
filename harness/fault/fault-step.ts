import { seededRandom, type LoadMix } from '../../core/workloads/index.ts';
import { driveStep, rateConnections } from '../load/index.ts';
import type { HostNetwork } from '../network/index.ts';
import type { RunningCluster } from '../provision/clusters/index.ts';
import type { FaultRunRecord, SloRecord } from '../results/index.ts';
import { faultLabel, type FaultSpec } from './fault-spec.ts';
import { TimelineRecorder, type TimelineSecond } from './timeline.ts';
import { WriteLedger } from './ledger.ts';
import { withLedger } from './mix-ledger.ts';
import { readBack, readBackRecord } from './read-back.ts';
import { roundTo } from '../stats/round.ts';

/** A steady step with a failure in it. */
export interface FaultStepOptions {
  /** The API under load. */
  url: string;
  mix: LoadMix;
  rateRps: number;
  /** What the rate is a fraction of (the target's measured max), for the record; null when unknown. */
  maxRps: number | null;
  /** Unmeasured seconds before the measured window (the fault's clock starts after them). */
  warmupS: number;
  durationS: number;
  fault: FaultSpec;
  cluster: RunningCluster;
  /** Needed for a partition: the network the member's host is on. */
  network?: HostNetwork;
  slo: SloRecord;
  requestTimeoutMs?: number;
  requestSeed?: number;
  /** Labels of the record. */
  label: string;
  workload: string;
  log?: (line: string) => void;
}

/** The fault's own clock: seconds since the start of the measured window. */
type Clock = () => number;

/**
 * One steady step at a fixed rate, open model, with the fault injected `fault.atS` seconds into the
 * measured window: every request's outcome goes into a per-second timeline, every acknowledged
 * create into a ledger. The cluster reacts as its layout says (a promotion after the failover
 * delay). After the step a cut link is mended (fencing an old primary first), and every
 * acknowledged write is read back through the API: acknowledged writes lost is a count.
 */
export async function runFaultStep(options: FaultStepOptions): Promise<FaultRunRecord> {
  const { fault, cluster } = options;
  const log = options.log ?? (() => undefined);
  const member = cluster.member(fault.member);
  const memberRole = member.role();
  if (fault.action === 'partition' && (!options.network || !member.hostName)) {
    throw new Error(
      `partition:${fault.member} needs hosts in network namespaces (--rtt with a delay, or --hosts netns)`,
    );
  }
  if (fault.atS >= options.durationS) throw new RangeError(`the fault at ${fault.atS} s is after the step's end`);
  const ledger = new WriteLedger();
  const mix = withLedger(options.mix, ledger);
  const started = performance.now() + 5; // the driver starts its schedule 5 ms after it is called
  const measuredFrom = started + options.warmupS * 1000;
  const clock: Clock = () => roundTo((performance.now() - measuredFrom) / 1000, 2);
  const timeline = new TimelineRecorder(measuredFrom);
  const events: FaultRunRecord['events'] = [];
  const note = (what: string): void => {
    events.push({ atS: clock(), what });
    log(`fault ${options.label}: ${clock().toFixed(1)} s: ${what}`);
  };
  let lostAtS: number | undefined;
  const actions: Promise<unknown>[] = [];
  let cut = false;
  const act = (label: string, work: () => Promise<unknown>): void => {
    actions.push(work().catch((error: unknown) => note(`${label} failed: ${(error as Error).message.split('\n')[0]}`)));
  };

  const inject = (): void => {
    act('the fault', async () => {
      if (fault.action === 'kill') {
        await member.kill();
        note(`${fault.member} (${memberRole}) killed (kill -9)`);
      } else {
        await options.network!.partition(member.hostName!);
        cut = true;
        note(`${fault.member} (${memberRole}) cut off the network`);
      }
      lostAtS = clock();
      act('failover', async () => {
        const reaction = await cluster.afterMemberLost(fault.member);
        if (reaction) note(reaction);
      });
      if (fault.forS !== undefined) {
        await new Promise((r) => setTimeout(r, fault.forS! * 1000));
        await mend();
      }
    });
  };
  const mend = async (): Promise<void> => {
    if (fault.action === 'kill') {
      note(`${fault.member}: restarting on its data`);
      await member.restart();
      note(`${fault.member} answers again`);
    } else if (cut) {
      const fenced = await cluster.beforeHeal(fault.member);
      if (fenced) note(fenced);
      await options.network!.heal(member.hostName!);
      cut = false;
      note(`${fault.member}'s link mended`);
    }
  };

  const timer = setTimeout(inject, Math.max(0, measuredFrom + fault.atS * 1000 - performance.now()));
  const measurement = await driveStep(
    options.url,
    mix,
    {
      kind: 'rate',
      target: options.rateRps,
      connections: rateConnections(options.rateRps),
      warmupMs: options.warmupS * 1000,
      durationMs: options.durationS * 1000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    },
    seededRandom(options.requestSeed ?? 7),
    undefined,
    (outcome) => timeline.record(outcome),
  ).finally(() => clearTimeout(timer));
  // The failover manager and a restart may still be busy: their outcome belongs to the record.
  await Promise.all(actions);
  if (cut) {
    // The read-back is of the whole cluster, after recovery: mend what the step left cut.
    await mend();
  }

  const readFrom = performance.now();
  const result = readBackRecord(ledger, await readBack(options.url, ledger), (performance.now() - readFrom) / 1000);
  log(
    `fault ${options.label}: ${result.acknowledged} writes acknowledged, ${result.lost} lost, ` +
      `${result.unreadable} unreadable (read back in ${result.seconds} s)`,
  );
  const seconds = timeline.seconds().filter((s) => s.second >= 0 && s.second < options.durationS);
  const errors: Record<string, number> = {};
  for (const s of seconds) for (const [k, n] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + n;
  const faultAtS = lostAtS ?? fault.atS;
  const firstError = timeline.firstErrorAfterMs(fault.atS * 1000);
  return {
    backend: options.label,
    workload: options.workload,
    fault: faultLabel(fault),
    memberRole,
    rateRps: options.rateRps,
    fraction: options.maxRps ? Math.round((options.rateRps / options.maxRps) * 100) / 100 : null,
    maxRps: options.maxRps,
    warmupS: options.warmupS,
    durationS: measurement.durationS,
    timeline: seconds,
    events,
    timeToFirstErrorS: firstError === undefined ? null : Math.round((firstError / 1000 - fault.atS) * 100) / 100,
    timeToRecoveryS: timeToRecovery(seconds, faultAtS, options.slo),
    requests: seconds.reduce((a, s) => a + s.requests, 0),
    errors,
    readBack: result,
  };
}

/**
 * Seconds from the fault until the first second from which every later second kept its failed
 * requests within the SLO's error rate; 0 when no second after the fault exceeded it; null when the
 * last second still did. Availability only: latency is in the timeline, where one slow second on a
 * shared machine does not move the recovery.
 */
export function timeToRecovery(seconds: TimelineSecond[], faultAtS: number, slo: SloRecord): number | null {
  const after = seconds.filter((s) => s.second + 1 > faultAtS);
  const good = (s: TimelineSecond): boolean => {
    const failed = Object.values(s.errors).reduce((a, b) => a + b, 0);
    return s.requests > 0 && failed / s.requests <= slo.maxErrorRate;
  };
  let lastBad = -1;
  after.forEach((s, i) => {
    if (!good(s)) lastBad = i;
  });
  if (lastBad < 0) return 0;
  if (lastBad === after.length - 1) return null;
  return Math.round((after[lastBad + 1]!.second - faultAtS) * 100) / 100;
}
