import type { StepResult } from '../results/types.ts';
import type { LadderOptions } from './ladder.ts';

type Hooks = Pick<LadderOptions, 'onStepStart' | 'onLive' | 'onStepEnd'>;

/**
 * Progress of a ladder on a stream: one live, rewritten status line on a TTY;
 * on anything else (CI logs, files) one plain line per step start and end, and
 * a live line at most every 5 s.
 */
export class ProgressDisplay {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #lastPlain = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  /** Ladder hooks for one backend/workload; `unit` is "RPS" or "conn". */
  hooks(backend: string, workload: string, unit: string, stepSeconds: number): Hooks {
    let count = 0;
    return {
      onStepStart: ({ index, count: total, target }) => {
        count = total;
        this.#line(
          `[${backend}/${workload}] ${stepOf(index, total)}: ${target} ${unit}${remainingText(index, total, stepSeconds)}`,
          true,
        );
      },
      onLive: (live) => {
        const elapsed = (live.elapsedMs / 1000).toFixed(0);
        const total = (live.totalMs / 1000).toFixed(0);
        const text =
          `[${backend}/${workload}] ${stepOf(live.index, count)} ${live.target} ${unit}: ${elapsed}/${total}s ` +
          `live ${live.rps} RPS, p99 ${live.p99Ms.toFixed(1)} ms, in flight ${live.inFlight}, queued ${live.queued}`;
        if (this.#tty) this.#stream.write(`\r\x1b[2K${text}`);
        else if (Date.now() - this.#lastPlain >= 5000) this.#line(text, false);
      },
      onStepEnd: (step) => this.#line(stepLine(step), true),
    };
  }

  #line(text: string, always: boolean): void {
    if (!always && !this.#tty) this.#lastPlain = Date.now();
    this.#stream.write(this.#tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}

/** `ended after 3 of 6 s` for a step whose certain miss ended it early (the reason follows in the report). */
export function endedEarlyText(ended: NonNullable<StepResult['endedEarly']>): string {
  return `ended after ${ended.afterS} of ${ended.plannedS} s`;
}

/** One human line per finished step. */
export function stepLine(step: StepResult): string {
  const l = step.latencyMs;
  const flags = [step.slo.met ? 'SLO ok' : `SLO missed (${step.slo.reasons.join('; ')})`];
  if (step.endedEarly) flags.push(endedEarlyText(step.endedEarly));
  if (!step.valid) flags.push(`INVALID: ${step.invalidReasons.join('; ')}`);
  const cpu = step.resources
    .filter((r) => r.samples > 0)
    .map((r) => `${r.role} ${r.cpuPercentAvg}%${r.cpuWaitPercentAvg ? ` (+${r.cpuWaitPercentAvg}% waiting)` : ''}`)
    .join(' ');
  return (
    `[${step.backend}/${step.workload}] ${step.kind} ${step.target}: offered ${step.offeredRps} achieved ${step.achievedRps} RPS, ` +
    `p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} p99.9 ${l.p999} max ${l.max} ms, errors ${(step.errors.rate * 100).toFixed(2)}%` +
    `${cpu ? `, cpu ${cpu}` : ''} — ${flags.join(', ')}`
  );
}

/** `step 3/8` on a ladder; `step 3` on a search, whose number of steps is not known in advance (count 0). */
function stepOf(index: number, count: number): string {
  return count > 0 ? `step ${index + 1}/${count}` : `step ${index + 1}`;
}

function remainingText(index: number, count: number, stepSeconds: number): string {
  return count > 0 ? ` (ladder ~${(count - index) * stepSeconds}s left)` : ' (search)';
}
