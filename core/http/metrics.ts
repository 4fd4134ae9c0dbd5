import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one API process: rate, errors, latency, saturation. */
export interface HttpMetrics {
  registry: Registry;
  /** A request arrived (the in-flight gauge). */
  started(): void;
  /**
   * A request is over: answered with `status`, or 499 when the client left first. `route` is the matched
   * route pattern, which keeps label cardinality bounded (`unmatched` for paths the API does not serve).
   */
  finished(method: string, route: string, status: number, seconds: number): void;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  // Default metrics include nodejs_eventloop_lag_* (event-loop delay), heap and CPU.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const requests = new Counter({
    name: 'storebench_http_requests_total',
    help: 'HTTP requests by route and status (499: the client closed the connection before the answer)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'storebench_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'storebench_http_requests_in_flight',
    help: 'HTTP requests being served',
    registers: [registry],
  });
  return {
    registry,
    started: () => inFlight.inc(),
    finished(method, route, status, seconds) {
      inFlight.dec();
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
  };
}
