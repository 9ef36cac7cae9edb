import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestParser } from '../src/_server/parser';
import { createServer, type RawRequest, type RawResponse, type RawServer } from '../src/index';
import { encode, mutate, mutation, request } from './_gen';
import { count, parseResponses, roundTrip } from './_wire';

const LIMITS = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  maxRequestTargetLength: 8 * 1024,
  maxBodySize: 1024 * 1024,
};

function parse(parts: Buffer[]): string[] {
  const events: string[] = [];
  const parser = new RequestParser(
    {
      onHead: (h) => events.push(`head ${h.method} ${h.target} ${h.rawHeaders.join('|')}`),
      onBody: (c) => events.push(`body ${c.toString('latin1')}`),
      onComplete: (t) => events.push(`complete ${t.join('|')}`),
      onError: (e) => events.push(`error ${e.status}`),
    },
    LIMITS,
  );
  for (const p of parts) parser.execute(p);
  // Body chunk boundaries depend on the split; compare bodies as one string per message.
  const merged: string[] = [];
  for (const e of events) {
    const last = merged.length - 1;
    if (e.startsWith('body ') && merged[last]?.startsWith('body ')) merged[last] += e.slice(5);
    else merged.push(e);
  }
  return merged;
}

const PARSER_RUNS = 2000;
const SERVER_RUNS = 200;
const SERVER_IDLE_RUNS = 25;
const SERVER_ABORT_RUNS = 60;

describe('property: parser', () => {
  it(`parses any split of well-formed pipelined requests identically (${PARSER_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 4 }), fc.nat(), (reqs, cut) => {
        const input = Buffer.concat(reqs.map((r) => encode(r)));
        const whole = parse([input]);
        expect(whole.filter((e) => e.startsWith('complete')).length).toBe(reqs.length);
        expect(whole.some((e) => e.startsWith('error'))).toBe(false);
        const k = cut % (input.length + 1);
        expect(parse([input.subarray(0, k), input.subarray(k)])).toEqual(whole);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`never throws and never completes more messages than were well-formed, under mutation (${PARSER_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.array(request, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (reqs, ms) => {
          let input: Buffer = Buffer.concat(reqs.map((r) => encode(r)));
          for (const m of ms) input = mutate(input, m);
          const events = parse([input]);
          expect(events.filter((e) => e.startsWith('complete')).length).toBeLessThanOrEqual(reqs.length);
          const errors = events.filter((e) => e.startsWith('error'));
          expect(errors.length).toBeLessThanOrEqual(1);
          if (errors.length === 1) expect(events.at(-1)).toBe(errors[0]);
        },
      ),
      { numRuns: PARSER_RUNS },
    );
  });
});

describe('property: server', () => {
  // Two servers: one answers half-closed clients (so every answer can be checked), the other
  // (node:http's default) aborts what is pending when the FIN arrives.
  let server: RawServer;
  let aborting: RawServer;
  let port: number;
  let abortingPort: number;
  const reported: unknown[] = [];
  beforeAll(async () => {
    const options = {
      headersTimeout: 150,
      requestTimeout: 300,
      keepAliveTimeout: 100,
      onError: (e: unknown) => reported.push(e),
      async handler(req: RawRequest, res: RawResponse) {
        await req.bytes();
        res.end('ok');
      },
    };
    server = createServer({ ...options, allowHalfOpen: true });
    aborting = createServer(options);
    ({ port } = await server.listen(0, '127.0.0.1'));
    ({ port: abortingPort } = await aborting.listen(0, '127.0.0.1'));
  });
  afterAll(() => Promise.all([server.close({ deadline: 100 }), aborting.close({ deadline: 100 })]));

  const check = (data: Buffer, wellFormed: number) => {
    // A mutated target the core's strict reading refuses is answered 400 on a connection that
    // stays open (not a framing error): it is an answer, not the final error, so it is skipped.
    const statuses = parseResponses(data)
      .filter((r) => !(r.status === 400 && r.headers.connection !== 'close'))
      .map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeLessThanOrEqual(wellFormed);
    // At most one error answer, and only as the last one.
    expect(statuses.slice(0, ok)).toEqual(Array(ok).fill(200));
    expect(statuses.length - ok).toBeLessThanOrEqual(1);
  };

  it(`mutated requests never crash the server and never get extra answers (${SERVER_RUNS} runs, half-closed)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(request, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { maxLength: 2 }),
        async (reqs, ms) => {
          let input: Buffer = Buffer.concat(reqs.map((r) => encode(r)));
          for (const m of ms) input = mutate(input, m);
          const { data, closed } = await roundTrip(port, input, { end: true, timeoutMs: 2000 });
          expect(closed).toBe(true);
          check(data, reqs.length);
          // Half-open allowed: every request received intact before the FIN is answered.
          if (ms.length === 0) expect(parseResponses(data).length).toBe(reqs.length);
        },
      ),
      { numRuns: SERVER_RUNS },
    );
  });

  it(`a client that half-closes is cut off cleanly when half-open is off (${SERVER_ABORT_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(request, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { maxLength: 2 }),
        async (reqs, ms) => {
          let input: Buffer = Buffer.concat(reqs.map((r) => encode(r)));
          for (const m of ms) input = mutate(input, m);
          const { data, closed } = await roundTrip(abortingPort, input, { end: true, timeoutMs: 2000 });
          expect(closed).toBe(true);
          check(data, reqs.length);
        },
      ),
      { numRuns: SERVER_ABORT_RUNS },
    );
  });

  it(`connections left open are closed by the timers, never hang (${SERVER_IDLE_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 2 }), mutation, async (reqs, m) => {
        const input = mutate(Buffer.concat(reqs.map((r) => encode(r))), m);
        const { data, closed } = await roundTrip(port, input, { timeoutMs: 1500 });
        expect(closed).toBe(true);
        check(data, reqs.length);
      }),
      { numRuns: SERVER_IDLE_RUNS },
    );
  });

  it('still serves a normal request afterwards, and reported nothing unexpected', async () => {
    const { data } = await roundTrip(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { until: count(1) });
    expect(parseResponses(data)[0].status).toBe(200);
    expect(reported).toEqual([]);
  });
});
