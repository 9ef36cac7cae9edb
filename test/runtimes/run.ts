// `node --conditions=@bouncer/source --import tsx test/runtimes/run.ts [runtime…]`: the conformance
// cases for Hono on Node (@hono/node-server, the reference column), Bun, Deno and workerd; every
// runtime's answers must match Node's byte for byte on what each case declares comparable.
// Prints the runtime × case matrix; with BOUNCER_RUNTIMES_JSON set, writes the runtime columns'
// counts there (Node's column is counted by the main conformance run).
import { writeFileSync } from 'node:fs';
import { allCases, formatMatrix, honoApp, runConformance } from '@bouncer/conformance';
import { bunApp, cleanUp, denoApp, runtimeOutput, workerdApp } from './runner';

const all = [bunApp, denoApp, workerdApp];

/**
 * Where a runtime cannot do what Node does, the case must fail exactly this way, documented in the
 * @bouncer/hono README; any other outcome (including a pass) is a failure to look at.
 */
const DOCUMENTED: Record<string, Record<string, string>> = {
  deno: {
    // Deno's `info.completed` (the API Deno points to instead of the legacy `request.signal`)
    // resolves once the answer is handed to the socket, even if the client left before it existed.
    'a client abort fires the finish hook with aborted: true': 'aborted: expected true, got false',
  },
  workerd: {
    // workerd owns the connection: it drops a Worker's `Connection` field (hop-by-hop, RFC 9110
    // §7.6.1) and decides by itself whether to read on after an unread body.
    'a 413 for a declared oversized body says Connection: close once, with one Content-Length':
      'Connection field lines: expected 1, got 0',
  },
};
/**
 * Cases that test what only a Node host has, run on Node only: Node's silent field-line cap, and a
 * body on a GET (a Web `Request` cannot carry one, so Bun, Deno and workerd drop it before any
 * handler: nothing to count and nothing to bypass); and one that reads what the chain recorded in
 * the test process itself (metrics samples), which a chain built inside another runtime cannot share.
 */
const NODE_ONLY = new Set([
  "a request at Node's 1000-line cap → 431, so a proxy's X-Forwarded-For cannot be pushed out",
  'a GET with a chunked body is read and counted like any body, never a 500',
  'a chunked body is counted as it arrives: 413 while the client is still sending',
  'extras.metrics gets one sample per request: outcome, refusing policy, status',
]);
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const runtimes = only.length ? all.filter((a) => only.includes(a.name)) : all;
const node = { ...honoApp, name: 'node' };

try {
  const report = await runConformance(
    [node, ...runtimes],
    allCases.filter((c) => !NODE_ONLY.has(c.name)),
  );
  const documented: string[] = [];
  for (const r of report.results) {
    const expected = DOCUMENTED[r.adapter]?.[r.case];
    if (expected === undefined) continue;
    const matched = !r.ok && r.error === expected;
    documented.push(
      `${r.adapter} · ${r.case}: ${matched ? 'as documented' : `NOT as documented (${r.error ?? 'passed'})`}`,
    );
    r.ok = matched;
    if (matched) r.error = undefined;
  }
  console.log(formatMatrix(report, process.stdout.isTTY === true));
  const mine = report.results.filter((r) => r.adapter !== 'node');
  const passed = mine.filter((r) => r.ok).length;
  const failed = mine.length - passed;
  const nodeFailed = report.results.filter((r) => r.adapter === 'node' && !r.ok).length;
  if (documented.length) console.log(`\ndocumented runtime differences:\n  ${documented.join('\n  ')}`);
  if (runtimeOutput.length) console.log(`\nruntime output:\n${runtimeOutput.join('')}`);
  console.log(`\nruntimes: ${passed} passed, ${failed} failed (node reference column: ${nodeFailed} failed)`);
  if (process.env.BOUNCER_RUNTIMES_JSON) {
    writeFileSync(process.env.BOUNCER_RUNTIMES_JSON, JSON.stringify({ passed, failed: failed + nodeFailed }));
  }
  process.exitCode = failed + nodeFailed > 0 ? 1 : 0;
} finally {
  cleanUp();
}
