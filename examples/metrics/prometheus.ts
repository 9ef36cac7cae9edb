// Bouncer's request samples as Prometheus metrics with prom-client, scraped from `/metrics`.
import type { RequestSample } from '@bouncer/core';
import { Counter, Histogram, type Registry } from 'prom-client';

/** `extras.metrics` registering a counter and a latency histogram (seconds) in `registry`. */
export function promMetrics(registry: Registry): (sample: RequestSample) => void {
  const labelNames = ['method', 'status', 'outcome', 'policy', 'reason'] as const;
  const requests = new Counter({
    name: 'bouncer_requests_total',
    help: 'Requests seen by the bouncer, by outcome and refusing policy',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'bouncer_request_duration_seconds',
    help: 'Time from the bouncer’s start to the last byte of the response',
    labelNames: ['outcome', 'policy'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return (sample) => {
    const policy = sample.policy ?? 'none';
    requests.inc({
      method: sample.method,
      status: String(sample.status),
      outcome: sample.outcome,
      policy,
      reason: sample.reason ?? 'none',
    });
    duration.observe({ outcome: sample.outcome, policy }, sample.durationMs / 1000);
  };
}
