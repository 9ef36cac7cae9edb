import { writeFileSync } from 'node:fs';
import { token } from '@bouncer/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RawAnswer,
  rawExchange,
  STACKS,
  type Stack,
  startTargetApp,
  type TargetApp,
} from './_target-apps';

/**
 * The differential test of the request-target: every hostile target goes to all four stacks,
 * once without a token and once with a valid one. Either the request is refused (4xx, the
 * application never ran), or the path the bouncer judged is the path the router routed — so
 * no public rule can be reached through a path the application reads differently.
 */
interface Row {
  method?: string;
  target: string;
  host?: string;
  /** Why the stacks may legitimately answer with different statuses (each still safe). */
  differs?: string;
}

export const HOSTILE: readonly Row[] = [
  { target: '/health' },
  { target: '/docs/a' },
  { target: 'http://x/health' },
  { target: 'https://x/health' },
  { target: 'http://x:80/health' },
  { target: 'http://[::1]/health' },
  { target: 'http://x?/health' },
  { target: 'http://x#/health' },
  { target: 'http://x;y?/health' },
  { target: 'http://x?a=/health' },
  { target: 'http:///health' },
  { target: 'http://x' },
  { target: 'HTTP://x/health' },
  { target: 'Http://x/health' },
  { target: 'http://user@x/health' },
  { target: 'http://x\\@y/health' },
  { target: 'http:/health' },
  { target: 'ftp://x/health' },
  { target: 'x/health' },
  { target: 'http://x/docs/../admin' },
  { target: '/health#frag' },
  { target: '/health?x#y' },
  { target: '/health?' },
  { target: '/health;x' },
  { target: '/health/' },
  { target: '/HEALTH' },
  { target: '/%68ealth' },
  { target: '/health%3F' },
  { target: '/%zz' },
  { target: '/h\u00e9alth' },
  { target: '/health\\' },
  { target: '\\health' },
  { target: '/docs\\..\\admin' },
  { target: '//health' },
  { target: '//x/health' },
  { target: '/./health' },
  { target: '/health/.' },
  { target: '/docs/../admin' },
  { target: '/docs/%2e%2e/admin' },
  { target: '/docs/.%2E/admin' },
  { target: '/docs/%2e/admin' },
  { target: '/docs/..%2Fadmin' },
  { target: '/docs%2F..%2Fadmin' },
  { target: '/docs/a%2F..%2F..%2Fadmin' },
  { target: '/docs/%252e%252e/admin' },
  { target: '/docs/..;/admin' },
  { target: '/docs/x?/../../admin' },
  { target: '/docsecret' },
  { target: '/docs' },
  { method: 'POST', target: '/docs/a' },
  { method: 'HEAD', target: '/docs/a' },
  { method: 'DELETE', target: '/health' },
  { target: '*' },
  { method: 'OPTIONS', target: '*' },
  {
    method: 'get',
    target: '/health',
    differs:
      "Node's parser knows only registered methods and answers 400 itself; the raw server takes any " +
      'token (RFC 9110 §9.1), and since methods are case-sensitive `get` matches no GET rule',
  },
  { method: 'HEAD', target: '/health' },
  { target: '/health', host: 'x?' },
  { target: '/health', host: 'x/admin' },
  { target: '/health', host: 'x#' },
  { target: '/health', host: 'a@b' },
];

interface Cell {
  status: number;
  judged: string | undefined;
  routed: string | undefined;
}

function cell(answer: RawAnswer): Cell {
  const judged = answer.headers['x-judged-path'];
  const header = answer.headers['x-routed-path'];
  const routed = header === undefined ? undefined : decodeURIComponent(header);
  return {
    status: answer.status,
    judged: judged === undefined || judged === '!' ? judged : decodeURIComponent(judged),
    routed,
  };
}

/** Hono routes the percent-decoded path (`decodeURI`, `%25` kept): the same resource, spelt decoded. */
function sameResource(stack: Stack, judged: string, routed: string): boolean {
  if (stack !== 'hono') return judged === routed;
  try {
    return decodeURI(judged.replace(/%25/g, '%2525')) === routed;
  } catch {
    return judged === routed;
  }
}

/** The chain's public rules, method included: `GET /health` and `GET /docs/*`. */
/** The public rules are GET rules, and HEAD follows GET (every router serves HEAD from GET routes). */
const PUBLIC = (method: string, path: string) =>
  (method === 'GET' || method === 'HEAD') &&
  (path === '/health' || path === '/docs' || path.startsWith('/docs/'));

function head(row: Row, bearer?: string): string {
  const lines = [`${row.method ?? 'GET'} ${row.target} HTTP/1.1`, `Host: ${row.host ?? '127.0.0.1'}`];
  if (bearer) lines.push(`Authorization: Bearer ${bearer}`);
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

const apps = new Map<Stack, TargetApp>();
const table = new Map<string, Map<Stack, { anonymous: Cell; token: Cell }>>();
let bearer = '';

beforeAll(async () => {
  bearer = await token();
  for (const stack of STACKS) apps.set(stack, await startTargetApp(stack));
});

afterAll(async () => {
  for (const app of apps.values()) await app.close();
  const out = process.env.BOUNCER_TARGET_TABLE;
  if (out) writeFileSync(out, markdown());
});

const label = (row: Row) => `${row.method ?? 'GET'} ${row.target}${row.host ? ` (Host: ${row.host})` : ''}`;

describe('hostile request-targets: the bouncer judges the path the router routes, or the request is refused', () => {
  for (const row of HOSTILE) {
    it(label(row), async () => {
      const results = new Map<Stack, { anonymous: Cell; token: Cell }>();
      for (const stack of STACKS) {
        const app = apps.get(stack)!;
        const anonymous = cell(await rawExchange(app.port, head(row)));
        const withToken = cell(await rawExchange(app.port, head(row, bearer)));
        results.set(stack, { anonymous, token: withToken });
      }
      table.set(label(row), results);
      for (const [stack, { anonymous, token: withToken }] of results) {
        for (const [who, c] of [
          ['anonymous', anonymous],
          ['token', withToken],
        ] as const) {
          const where = `${stack} ${who}: ${JSON.stringify(c)}`;
          expect(c.status, where).toBeGreaterThan(0);
          if (c.routed === undefined) {
            // Never reached the application: it must have been refused.
            expect(c.status, where).toBeGreaterThanOrEqual(400);
            continue;
          }
          expect(c.status, where).toBeLessThan(300);
          expect(c.judged, where).toBeDefined();
          expect(sameResource(stack, c.judged!, c.routed), where).toBe(true);
          if (who === 'anonymous') expect(PUBLIC(row.method ?? 'GET', c.judged!), where).toBe(true);
        }
      }
      // Every stack gives the same class of status: the refusal of a hostile target is not
      // stack-specific.
      if (row.differs) return;
      const statuses = new Set([...results.values()].map((r) => Math.floor(r.token.status / 100)));
      expect(statuses.size, JSON.stringify(Object.fromEntries(results))).toBe(1);
    });
  }
});

function show(c: Cell): string {
  if (c.routed !== undefined) return `${c.status} → \`${c.routed}\``;
  return String(c.status);
}

function markdown(): string {
  const lines = [
    '| request | ' + STACKS.map((s) => `${s} (no token / token)`).join(' | ') + ' |',
    `|---|${STACKS.map(() => '---').join('|')}|`,
  ];
  for (const [name, results] of table) {
    const cells = STACKS.map((s) => {
      const r = results.get(s)!;
      return `${show(r.anonymous)} / ${show(r.token)}`;
    });
    lines.push(`| \`${name.replace(/\|/g, '\\|')}\` | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
