import type { BackendName } from '../backends/index.ts';
import { faultLabel, runFaultStep } from '../fault/index.ts';
import { DEFAULT_SLO } from '../load/index.ts';
import type { HostNetwork } from '../network/index.ts';
import type { RunningCluster } from '../provision/clusters/index.ts';
import type { RunResult } from '../results/index.ts';
import type { LoadTarget, OpenTarget } from '../runner/index.ts';
import { mixFor, type Scenario } from '../scenario/index.ts';
import type { FaultRunPlan } from './layout-dimensions.ts';

/** A target whose database gets a failure once every trial is measured. */
interface FaultTarget {
  label: string;
  backend: BackendName;
  cluster: RunningCluster;
  /** Its API, kept up (paused) after its last trial instead of closed. */
  kept?: OpenTarget;
}

/**
 * The failure runs of a compare. Each database gets at most one (the first `--fault` naming one of
 * its members): it runs after every trial, since a killed member stays lost, through the first
 * layout of that database, whose API is kept up (paused) past its last trial for it.
 */
export class FaultRuns {
  private readonly targets: FaultTarget[] = [];

  constructor(private readonly plan: FaultRunPlan) {}

  /** Wraps the first target of a database: its close() only pauses it (kept until it opens again, or for the failure). */
  wrap(target: LoadTarget, backend: BackendName, cluster: RunningCluster | undefined): LoadTarget {
    if (!cluster || !this.plan.specs.some((s) => cluster.members.some((m) => m.name === s.member))) return target;
    const entry: FaultTarget = { label: target.label, backend, cluster };
    this.targets.push(entry);
    return {
      ...target,
      open: async (again?: boolean, trial?: number) => {
        // A target opened for every trial: only the API of the last one is kept for the failure run.
        const earlier = entry.kept;
        delete entry.kept;
        await earlier?.close();
        const open = await target.open(again, trial);
        return {
          ...open,
          close: async () => {
            await open.pause?.();
            entry.kept = open;
          },
        };
      },
    };
  }

  /** Runs the failure of every wrapped target, then closes it; every kept API is closed even on error. */
  async run(context: {
    scenario: Scenario;
    result: RunResult;
    network?: HostNetwork;
    save: () => Promise<void>;
    log: (line: string) => void;
  }): Promise<void> {
    const { scenario, result, log } = context;
    try {
      for (const entry of this.targets) {
        const open = entry.kept;
        if (!open) continue;
        entry.kept = undefined;
        const spec = this.plan.specs.find((s) => entry.cluster.members.some((m) => m.name === s.member))!;
        const workload = this.plan.workload;
        const passes = (result.trials ?? [])
          .filter((t) => t.backend === entry.label && t.workload === workload && t.pass !== null)
          .map((t) => t.pass!)
          .sort((a, b) => a - b);
        const maxRps = passes.length > 0 ? passes[Math.floor((passes.length - 1) / 2)]! : null;
        if (maxRps === null && this.plan.rateRps === undefined) {
          result.notes.push(
            `${entry.label}: ${faultLabel(spec)} not run: no measured max on ${workload} to take a fraction of (--fault-rps sets a rate)`,
          );
          await open.close();
          continue;
        }
        const rateRps = this.plan.rateRps ?? Math.max(1, Math.round(maxRps! * this.plan.load));
        const of = this.plan.rateRps === undefined ? `${this.plan.load} of ${maxRps}` : 'fixed';
        log(`compare: ${entry.label}: ${faultLabel(spec)} during ${this.plan.durationS} s at ${rateRps} RPS (${of})…`);
        try {
          await open.resume?.();
          const record = await runFaultStep({
            url: open.url,
            mix: mixFor(workload, scenario),
            rateRps,
            maxRps,
            warmupS: this.plan.warmupS,
            durationS: this.plan.durationS,
            fault: spec,
            cluster: entry.cluster,
            ...(context.network && { network: context.network }),
            slo: scenario.slo ?? DEFAULT_SLO,
            requestTimeoutMs: scenario.requestTimeoutMs,
            requestSeed: scenario.requestSeed + 2000,
            label: entry.label,
            workload,
            log,
          });
          (result.faultRuns ??= []).push(record);
        } catch (error) {
          result.notes.push(`${entry.label}: ${faultLabel(spec)} failed: ${(error as Error).message.split('\n')[0]}`);
        } finally {
          await open.close();
        }
        await context.save();
      }
    } finally {
      for (const entry of this.targets) await entry.kept?.close().catch(() => undefined);
    }
  }
}
