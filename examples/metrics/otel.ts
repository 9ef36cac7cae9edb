// Bouncer's request samples as OpenTelemetry metrics. Only `@opentelemetry/api` is needed here:
// the application installs whichever SDK and exporter it runs (OTLP, Prometheus, …).
import type { RequestSample } from '@bouncer/core';
import type { Meter } from '@opentelemetry/api';

/**
 * `extras.metrics` for a meter: a counter of requests by outcome and refusing policy, and the
 * latency histogram in seconds (as OpenTelemetry's HTTP semantic conventions measure durations).
 */
export function otelMetrics(meter: Meter): (sample: RequestSample) => void {
  const requests = meter.createCounter('bouncer.requests', {
    description: 'Requests seen by the bouncer, by outcome and refusing policy',
  });
  const duration = meter.createHistogram('bouncer.request.duration', {
    description: 'Time from the bouncer’s start to the last byte of the response',
    unit: 's',
  });
  return (sample) => {
    const attributes = {
      'http.request.method': sample.method,
      'http.response.status_code': sample.status,
      'bouncer.outcome': sample.outcome,
      'bouncer.policy': sample.policy ?? 'none',
      'bouncer.reason': sample.reason ?? 'none',
    };
    requests.add(1, attributes);
    duration.record(sample.durationMs / 1000, attributes);
  };
}
