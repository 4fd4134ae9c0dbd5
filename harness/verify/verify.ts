import { scaleLabel, type Scale } from '../../core/dataset/index.ts';
import { primaryCount, type StepContext, type VerifyStep, type Workload } from '../../core/workloads/index.ts';
import { firstDifference, valueAt } from './compare.ts';

export interface VerifyOptions {
  /** Base URL of the memory reference, e.g. `http://127.0.0.1:4000`. */
  reference: string;
  /** Base URL per candidate name. */
  candidates: Record<string, string>;
  workload: Workload;
  scale: Scale;
  /** The dataset seed every server was filled with (default 1). */
  datasetSeed?: number;
  /** Include write round trips (they undo themselves: the data set is left as found). Default true. */
  mutate?: boolean;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** Throw a VerifyMismatchError on any difference (default), or only return the report. */
  throwOnDiff?: boolean;
}

/** An answer as compared: status, the JSON body (or text when not JSON) and the headers the step names. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string | null>;
}

/** One request on which a candidate answered differently from the reference. */
export interface VerifyDiff {
  candidate: string;
  /** `METHOD /path` as sent to the candidate, e.g. `GET /products/181/styles`. */
  request: string;
  /** What differs: `status`, `header location`, or a JSON path into the body such as `$.results[0].skus["37"].quantity`. */
  where: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  workload: string;
  scale: string;
  datasetSeed: number;
  requests: number;
  candidates: string[];
  diffs: VerifyDiff[];
  ok: boolean;
}

export class VerifyMismatchError extends Error {
  constructor(readonly report: VerifyReport) {
    super(formatVerifyReport(report));
    this.name = 'VerifyMismatchError';
  }
}

/**
 * Send the same deterministic sample of requests to the reference and to each
 * candidate (all seeded with the same data set) and compare status, headers
 * and JSON. Each server runs the plan in order, one request at a time, since
 * later steps may read what earlier ones wrote.
 */
export async function verifyBackends(options: VerifyOptions): Promise<VerifyReport> {
  const datasetSeed = options.datasetSeed ?? 1;
  const plan = options.workload.verifyPlan({
    primary: primaryCount(options.workload, options.scale),
    datasetSeed,
    mutate: options.mutate ?? true,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const expected = await runPlan(options.reference, plan, timeoutMs);
  const diffs: VerifyDiff[] = [];
  for (const [candidate, url] of Object.entries(options.candidates)) {
    const actual = await runPlan(url, plan, timeoutMs);
    for (let i = 0; i < plan.length; i++) {
      const diff = compareAnswers(expected[i]!, actual[i]!);
      if (diff) diffs.push({ candidate, request: actual[i]!.request, ...diff });
    }
  }
  const report: VerifyReport = {
    workload: options.workload.name,
    scale: scaleLabel(options.scale),
    datasetSeed,
    requests: plan.length,
    candidates: Object.keys(options.candidates),
    diffs,
    ok: diffs.length === 0,
  };
  if (!report.ok && options.throwOnDiff !== false) throw new VerifyMismatchError(report);
  return report;
}

function compareAnswers(expected: Answer, actual: Answer): Omit<VerifyDiff, 'candidate' | 'request'> | undefined {
  if (expected.status !== actual.status) {
    return { where: 'status', expected: expected.status, actual: actual.status };
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    if (actual.headers?.[name] !== value)
      return { where: `header ${name}`, expected: value, actual: actual.headers?.[name] };
  }
  const [want, got] = [comparable(expected), comparable(actual)];
  const where = firstDifference(want, got);
  if (where === undefined) return undefined;
  return { where, expected: valueAt(want, where), actual: valueAt(got, where) };
}

/**
 * What must match in a body. An error's message is each adapter's own wording
 * (`game 7 exists` vs `create overview 7: already exists`); its status, its stable
 * code and the field it names are the contract, so only those are compared.
 */
function comparable(answer: Answer): unknown {
  const body = answer.body;
  if (answer.status < 400 || body === null || typeof body !== 'object' || !('error' in body)) return body;
  const { error: _message, ...rest } = body as Record<string, unknown>;
  return { ...rest, error: typeof _message === 'string' ? '<message>' : _message };
}

async function runPlan(
  baseUrl: string,
  plan: VerifyStep[],
  timeoutMs: number,
): Promise<(Answer & { request: string })[]> {
  const context: StepContext = {};
  const answers: (Answer & { request: string })[] = [];
  const base = baseUrl.replace(/\/+$/, '');
  for (const step of plan) {
    const path = typeof step.path === 'function' ? step.path(context) : step.path;
    const request = `${step.method} ${path}`;
    let response: Response;
    try {
      response = await fetch(base + path, {
        method: step.method,
        headers: step.body === undefined ? {} : { 'content-type': 'application/json' },
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // A server that cannot answer is a difference too, not a crash of the whole verification.
      answers.push({ request, status: 0, body: `request failed: ${(err as Error).message}` });
      continue;
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // not JSON: compared as text
    }
    step.remember?.(body, context);
    const headers = step.headers && Object.fromEntries(step.headers.map((h) => [h, response.headers.get(h)]));
    answers.push({ request, status: response.status, body: step.normalize ? step.normalize(body) : body, headers });
  }
  return answers;
}

/** A diff as the CLI prints it: one block per differing request. */
export function formatVerifyReport(report: VerifyReport): string {
  const head = `verify ${report.workload} scale=${report.scale} dataset-seed=${report.datasetSeed}: ${report.requests} requests x ${report.candidates.length} candidate(s)`;
  if (report.ok) return `${head}: all answers match the reference`;
  const lines = report.diffs.map(
    (d) =>
      `  ${d.candidate}: ${d.request}\n    at ${d.where}\n    reference: ${preview(d.expected)}\n    ${d.candidate}: ${preview(d.actual)}`,
  );
  return `${head}: ${report.diffs.length} difference(s)\n${lines.join('\n')}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
