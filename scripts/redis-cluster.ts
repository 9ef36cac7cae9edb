// A real Redis Cluster on loopback for tests and benchmarks: six `redis-server --cluster-enabled`
// processes (three masters, three replicas) in a temporary directory, joined by
// `redis-cli --cluster create`, stopped by PID. Helpers kill a master, migrate a slot by hand
// (the Cluster specification's "Live resharding" steps) and find which node serves a key.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  child: ChildProcess;
  id: string;
}

export interface TestCluster {
  nodes: ClusterNode[];
  /** `127.0.0.1:port,…` for REDIS_CLUSTER. */
  spec: string;
  /** The node currently serving `slot` as master. */
  masterOf(slot: number): Promise<ClusterNode>;
  /** SIGKILLs a node (no shutdown, no last write); resolves once its replica has taken over and the cluster is ok. */
  kill(node: ClusterNode): Promise<number>;
  /** Waits until every live node reports `cluster_state:ok` and the same owner for every slot, and every replica is in sync. */
  waitOk(timeoutMs?: number): Promise<void>;
  /** Starts a killed node again on its port and config: it rejoins as a replica of its successor. */
  restart(node: ClusterNode): Promise<void>;
  admin(node: ClusterNode): Redis;
  stop(): Promise<void>;
}

/** Cluster bus ports are the data port + 10000 (Redis Cluster specification, "Ports"). */
async function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 500; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (ports.includes(port) || ports.includes(port + 10_000) || ports.includes(port - 10_000)) continue;
    if ((await free(port)) && (await free(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free loopback ports for the Redis Cluster');
  return ports;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a 3-master, 3-replica cluster. `nodeTimeoutMs` is `cluster-node-timeout`: how long a
 * master may be silent before its replica is promoted (Redis default 15 s; short here).
 */
export async function startCluster(options: { nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'bouncer-cluster-'));
  const ports = await freePorts(6);
  const nodes: ClusterNode[] = [];
  const admins = new Map<number, Redis>();
  const launch = (port: number) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'warning'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
        ...['--cluster-node-timeout', String(nodeTimeoutMs)],
        ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      ],
      { stdio: 'ignore' },
    );
  const stop = async () => {
    for (const r of admins.values()) r.disconnect();
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.child.exitCode !== null || n.child.signalCode !== null) return resolve();
            n.child.once('exit', () => resolve());
            n.child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) nodes.push({ port, child: launch(port), id: '' });
    const admin = (node: ClusterNode) => {
      let r = admins.get(node.port);
      if (!r) {
        r = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
        r.on('error', () => {});
        admins.set(node.port, r);
      }
      return r;
    };
    for (const node of nodes) {
      for (let i = 0; ; i++) {
        try {
          node.id = String(await admin(node).call('CLUSTER', 'MYID'));
          break;
        } catch (error) {
          if (i > 100) throw error;
          await sleep(50);
        }
      }
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
    const waitOk = async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          alive().map(async (n) => {
            const info = String(
              await admin(n)
                .call('CLUSTER', 'INFO')
                .catch(() => ''),
            );
            const slots = await admin(n)
              .call('CLUSTER', 'SLOTS')
              .catch(() => []);
            // A replica that never synced would refuse to take over (its data counts as too old).
            const replication = String(
              await admin(n)
                .info('replication')
                .catch(() => ''),
            );
            const synced =
              !replication.includes('role:slave') || replication.includes('master_link_status:up');
            return { ok: info.includes('cluster_state:ok') && synced, slots: JSON.stringify(slots) };
          }),
        );
        if (states.every((s) => s.ok && s.slots === states[0].slots)) return;
        if (Date.now() > deadline) throw new Error(`Redis Cluster not ok within ${timeoutMs} ms`);
        await sleep(100);
      }
    };
    await waitOk();
    const masterOf = async (slot: number) => {
      const ranges = (await admin(alive()[0]).call('CLUSTER', 'SLOTS')) as [
        number,
        number,
        [string, number],
      ][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const node = nodes.find((n) => n.port === Number(range?.[2][1]));
      if (!node) throw new Error(`no master for slot ${slot}`);
      return node;
    };
    const kill = async (node: ClusterNode) => {
      const started = Date.now();
      admins.get(node.port)?.disconnect();
      admins.delete(node.port);
      await new Promise<void>((resolve) => {
        node.child.once('exit', () => resolve());
        node.child.kill('SIGKILL');
      });
      // The others notice only after cluster-node-timeout: wait until no live node names it as a master.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const views = await Promise.all(
          alive().map((n) =>
            admin(n)
              .call('CLUSTER', 'SLOTS')
              .catch(() => []),
          ),
        );
        const named = views.some((ranges) =>
          (ranges as [number, number, [string, number]][]).some(([, , master]) => master[1] === node.port),
        );
        if (!named) break;
        if (Date.now() > deadline) throw new Error(`no replica took over from ${node.port} within 30 s`);
        await sleep(50);
      }
      await waitOk();
      return Date.now() - started;
    };
    const restart = async (node: ClusterNode) => {
      node.child = launch(node.port);
      await waitOk();
    };
    return {
      nodes,
      restart,
      spec: ports.map((p) => `127.0.0.1:${p}`).join(','),
      masterOf,
      kill,
      waitOk,
      admin,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Moves `slot` and its keys from `source` to `target` with the Cluster specification's manual
 * steps ("Live resharding"): IMPORTING on the target, MIGRATING on the source, MIGRATE the keys
 * (clients meanwhile get ASK for keys already moved), then SETSLOT NODE everywhere (MOVED from then
 * on). `pauseMs` holds each intermediate state, so requests run through every one of them.
 */
export async function migrateSlot(
  cluster: TestCluster,
  slot: number,
  source: ClusterNode,
  target: ClusterNode,
  pauseMs = 100,
): Promise<number> {
  const src = cluster.admin(source);
  const dst = cluster.admin(target);
  await dst.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.id);
  await src.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.id);
  await sleep(pauseMs);
  let moved = 0;
  for (;;) {
    const keys = (await src.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '100')) as string[];
    if (keys.length === 0) break;
    await src.call('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', ...keys);
    moved += keys.length;
  }
  await sleep(pauseMs);
  // The target first, then the source, then the rest (the order redis-cli uses).
  await dst.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id);
  await src.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id);
  for (const n of cluster.nodes) {
    if (n === source || n === target || n.child.exitCode !== null || n.child.signalCode !== null) continue;
    await cluster
      .admin(n)
      .call('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id)
      .catch(() => {}); // a replica answers an error; it learns the new owner from its master
  }
  return moved;
}

/** The cluster slot of a Redis key, as the server computes it. */
export async function slotOf(cluster: TestCluster, key: string): Promise<number> {
  return Number(await cluster.admin(cluster.nodes[0]).call('CLUSTER', 'KEYSLOT', key));
}
