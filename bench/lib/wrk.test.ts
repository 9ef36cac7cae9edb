import { describe, expect, it } from 'vitest';
import { parseDuration, parseWrk, wrkArgs } from './wrk';

// Captured from wrk 4 on this machine against a node:http server answering 404.
const NOT_FOUND_RUN = `Running 1s test @ http://127.0.0.1:45367/x
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   406.09us  720.78us   9.27ms   91.13%
    Req/Sec    45.95k    17.92k   57.64k    80.00%
  Latency Distribution
     50%  166.00us
     75%  256.00us
     90%    0.95ms
     99%    3.72ms
  45780 requests in 1.00s, 5.72MB read
  Non-2xx or 3xx responses: 45780
Requests/sec:  45562.80
Transfer/sec:      5.69MB
`;

const SLOW_RUN = `Running 5s test @ http://127.0.0.1:40419/prices
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms   30.20ms   1.02s    98.00%
    Req/Sec     5.40k   400.00     6.00k    70.00%
  Latency Distribution
     50%    6.13ms
     75%    7.00ms
     90%    9.00ms
     99%    1.20s
  26855 requests in 5.00s, 6.10MB read
  Socket errors: connect 0, read 2, write 1, timeout 4
Requests/sec:   5371.00
Transfer/sec:      1.22MB
`;

describe('parseWrk', () => {
  it('reads requests/s, the p50 and p99 latencies in milliseconds, and the request count', () => {
    const r = parseWrk(NOT_FOUND_RUN);
    expect(r.requestsPerSec).toBe(45562.8);
    expect(r.p50Ms).toBeCloseTo(0.166, 6);
    expect(r.p99Ms).toBeCloseTo(3.72, 6);
    expect(r.requests).toBe(45780);
  });

  it('counts answers outside 2xx/3xx so a misconfigured variant is flagged', () => {
    expect(parseWrk(NOT_FOUND_RUN).non2xx).toBe(45780);
    expect(parseWrk(SLOW_RUN).non2xx).toBe(0);
  });

  it('sums the socket errors and reads latencies given in seconds', () => {
    const r = parseWrk(SLOW_RUN);
    expect(r.socketErrors).toBe(7);
    expect(r.p99Ms).toBe(1200);
  });

  it('refuses output without a latency distribution (wrk run without --latency, or a crash)', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(
      /latency distribution/,
    );
  });
});

describe('parseDuration', () => {
  it('converts every unit wrk prints to milliseconds', () => {
    expect(parseDuration('812.00us')).toBeCloseTo(0.812, 6);
    expect(parseDuration('3.5ms')).toBe(3.5);
    expect(parseDuration('2.00s')).toBe(2000);
    expect(parseDuration('1.00m')).toBe(60_000);
  });

  it('throws on a value it cannot read', () => {
    expect(() => parseDuration('-nan%')).toThrow(/unreadable/);
  });
});

describe('wrkArgs', () => {
  it('runs one thread with keep-alive connections, the latency report and each header as -H', () => {
    expect(
      wrkArgs({
        url: 'http://127.0.0.1:1/prices',
        seconds: 5,
        headers: ['Origin: https://a.example', 'Authorization: Bearer x'],
      }),
    ).toEqual([
      '-t1',
      '-c50',
      '-d5s',
      '--latency',
      '-H',
      'Origin: https://a.example',
      '-H',
      'Authorization: Bearer x',
      'http://127.0.0.1:1/prices',
    ]);
  });
});
