import { describe, expect, it } from 'vitest';
import { startServer } from './processes';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startServer', () => {
  it('starts a server script in its own process, learns its port, and stops it', async () => {
    const server = await startServer('net-ceiling.ts', []);
    expect(server.pid).not.toBe(process.pid);
    const res = await fetch(`http://127.0.0.1:${server.port}/prices`);
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(3);
    await server.stop();
    expect(alive(server.pid)).toBe(false);
  });

  it('reports a server that exits before announcing its port, with its stderr', async () => {
    await expect(startServer('express.ts', ['no-such-mode'])).rejects.toThrow(
      /did not start[\s\S]*mode must be one of/,
    );
  });
});
