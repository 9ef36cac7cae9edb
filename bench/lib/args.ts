// Command-line options of `pnpm bench`.

export interface BenchArgs {
  /** Measured rounds; every variant runs once per round, interleaved. @default 3 (1 with --quick) */
  rounds: number;
  /** Seconds per wrk measurement. @default 5 (2 with --quick) */
  seconds: number;
  /** Seconds of unrecorded load per server before the first round. @default 3 (1 with --quick) */
  warmupSeconds: number;
  /** @default 50 */
  connections: number;
  quick: boolean;
  /** Comma-separated variant ids or stack prefixes (`express,raw:bouncer`). @default all */
  only?: string;
  micro: boolean;
  memory: boolean;
}

const USAGE = `usage: pnpm bench [--quick] [--rounds N] [--duration S] [--warmup S] [--connections N] [--only ids] [--no-micro] [--no-memory]`;

function positive(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a whole number ≥ 1, got ${raw}\n${USAGE}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const args: BenchArgs = {
    rounds: quick ? 1 : 3,
    seconds: quick ? 2 : 5,
    warmupSeconds: quick ? 1 : 3,
    connections: 50,
    quick,
    micro: true,
    memory: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--quick':
        break;
      case '--rounds':
        args.rounds = positive(flag, argv[++i]);
        break;
      case '--duration':
        args.seconds = positive(flag, argv[++i]);
        break;
      case '--warmup':
        args.warmupSeconds = positive(flag, argv[++i]);
        break;
      case '--connections':
        args.connections = positive(flag, argv[++i]);
        break;
      case '--only':
        args.only = argv[++i];
        if (!args.only) throw new Error(`--only needs variant ids\n${USAGE}`);
        break;
      case '--no-micro':
        args.micro = false;
        break;
      case '--no-memory':
        args.memory = false;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}
