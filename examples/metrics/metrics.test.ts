import { createServer } from 'node:http';
import { listenLoopback } from '@bouncer/node-http';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { otelMetrics } from './otel';
import { promMetrics } from './prometheus';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Four requests: two served, one over the rate limit, one from a denied address. */
async function traffic(url: string): Promise<void> {
  for (const ip of ['198.51.100.1', '198.51.100.1', '198.51.100.1', '203.0.113.9']) {
    const res = await fetch(`${url}/hello`, { headers: { 'x-forwarded-for': ip } });
    await res.arrayBuffer();
  }
}

describe('metrics examples', () => {
  it('OpenTelemetry: counts requests by outcome and policy, and records latency', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    closers.push(() => provider.shutdown());
    metrics.setGlobalMeterProvider(provider);
    const server = await listenLoopback(
      createServer(createApp(otelMetrics(metrics.getMeter('bouncer-test')))),
    );
    closers.push(server.close);

    await traffic(server.url);
    await new Promise((done) => setTimeout(done, 50)); // finish hooks run after the last byte
    await reader.forceFlush();
    const scopes = exporter.getMetrics().at(-1)!.scopeMetrics;
    const byName = new Map(scopes.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));

    const counts = byName.get('bouncer.requests')!.dataPoints.map((p) => ({
      outcome: p.attributes['bouncer.outcome'],
      policy: p.attributes['bouncer.policy'],
      status: p.attributes['http.response.status_code'],
      value: p.value,
    }));
    expect(counts).toEqual(
      expect.arrayContaining([
        { outcome: 'ok', policy: 'none', status: 200, value: 2 },
        { outcome: 'rejected', policy: 'rateLimit', status: 429, value: 1 },
        { outcome: 'rejected', policy: 'ipFilter', status: 403, value: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
    const latency = byName.get('bouncer.request.duration')!;
    expect(latency.descriptor.unit).toBe('s');
    const total = latency.dataPoints.reduce((n, p) => n + (p.value as { count: number }).count, 0);
    expect(total).toBe(4);
  });

  it('prom-client: the same counts on /metrics, in the exposition format', async () => {
    const registry = new Registry();
    const app = createApp(promMetrics(registry), () => registry.metrics());
    const server = await listenLoopback(createServer(app));
    closers.push(server.close);

    await traffic(server.url);
    await new Promise((done) => setTimeout(done, 50));
    const text = await (
      await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.2' } })
    ).text();
    expect(text).toContain('# TYPE bouncer_requests_total counter');
    expect(text).toMatch(
      /bouncer_requests_total\{method="GET",status="200",outcome="ok",policy="none",reason="none"\} 2/,
    );
    expect(text).toMatch(
      /bouncer_requests_total\{[^}]*status="429",outcome="rejected",policy="rateLimit"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /bouncer_requests_total\{[^}]*status="403",outcome="rejected",policy="ipFilter"[^}]*\} 1/,
    );
    expect(text).toMatch(/bouncer_request_duration_seconds_count\{outcome="ok",policy="none"\} 2/);
  });
});
