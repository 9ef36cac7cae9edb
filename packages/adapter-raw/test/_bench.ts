import { createServer as nodeServer } from 'node:http';
import { connect } from 'node:net';
import { compose } from '@bouncer/core';
import { createServer } from '../src/index';

const REQ = Buffer.from('GET /hello?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n');
async function load(port: number, ms: number, conns = 32): Promise<number> {
  let done = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: conns }, () => new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let buf = '';
      s.on('connect', () => s.write(REQ));
      s.on('data', (d) => {
        buf += d.toString('latin1');
        let i: number;
        while ((i = buf.indexOf('\r\n\r\n')) !== -1) {
          const m = /content-length: (\d+)/i.exec(buf.slice(0, i));
          const len = m ? Number(m[1]) : 0;
          if (buf.length < i + 4 + len) break;
          buf = buf.slice(i + 4 + len);
          done++;
          if (Date.now() < end) s.write(REQ);
          else { s.destroy(); resolve(); return; }
        }
      });
    })),
  );
  return done;
}
const body = JSON.stringify({ hello: 'world' });
const n = nodeServer((_q, res) => { res.setHeader('Content-Type', 'application/json'); res.end(body); });
await new Promise<void>((r) => n.listen(0, '127.0.0.1', r));
const chain = compose([
  async (ctx, next) => { ctx.res.set('X-Content-Type-Options', 'nosniff'); ctx.res.set('X-Frame-Options', 'DENY'); await next(); ctx.res.set('X-Request-Id', '1'); },
  (ctx, next) => { if (ctx.req.header('authorization') === 'x') return ctx.reject(401); return next(); },
]);
const raw = createServer({ chain, handler: (_q, res) => { res.setHeader('Content-Type', 'application/json'); res.end(body); } });
const rawPlain = createServer({ handler: (_q, res) => { res.setHeader('Content-Type', 'application/json'); res.end(body); } });
const rp = (await raw.listen(0)).port;
const rpp = (await rawPlain.listen(0)).port;
const np = (n.address() as any).port;
await load(np, 500); await load(rp, 500); await load(rpp, 500);
for (let round = 0; round < 2; round++) {
  console.log('node', await load(np, 2000), 'raw+chain', await load(rp, 2000), 'raw', await load(rpp, 2000));
}
n.close(); n.closeAllConnections(); await raw.close({ deadline: 10 }); await rawPlain.close({ deadline: 10 });
