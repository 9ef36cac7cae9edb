// Debian packages some suites need (Chromium for browser tests, wrk for the benchmark).
// Installed with apt-get when missing and we are root; otherwise the caller is told why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = {
  chromium: { bin: '/usr/bin/chromium', pkg: 'chromium' },
  wrk: { bin: '/usr/bin/wrk', pkg: 'wrk' },
};

export function ensureSystemTools(wanted) {
  const missing = Object.entries(PACKAGES).filter(([k, v]) => wanted[k] && !existsSync(v.bin));
  if (missing.length === 0) return true;
  const names = missing.map(([, v]) => v.pkg);
  if (process.getuid?.() !== 0) {
    console.warn(
      `missing ${names.join(', ')} and not root: install with \`sudo apt-get install -y ${names.join(' ')}\``,
    );
    return false;
  }
  console.log(`installing ${names.join(', ')} with apt-get (Debian packages)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env,
  });
  return r.status === 0 && missing.every(([, v]) => existsSync(v.bin));
}

export function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
