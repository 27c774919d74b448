/**
 * The command line of `npm run bench`.
 */
import { BenchUsageError } from './errors.js';

/** Everything a benchmark run is told. */
export interface BenchOptions {
  /** Scenario numbers to run (1..10); all when absent. */
  scenarios?: number[];
  /** Per scenario, how long producers send. */
  durationMs: number;
  /** Unrecorded scenario-1 load per broker before the first scenario (JIT warm-up, for the JVM peer above all). */
  warmupMs: number;
  /** Scenario 9's backlog depth. */
  deep: number;
  /** Scenario 8's idle connections. */
  idleConnections: number;
  /** Rounds per scenario; in a comparison the brokers alternate within each round. */
  rounds: number;
  /** Another broker to run against instead of ours: `host:port[,login,passcode,vhost]`. */
  target?: string;
  /** Its STOMP over WebSocket URL (scenario 10), e.g. `ws://127.0.0.1:15774/ws`. */
  ws?: string;
  /** Its name in the report. */
  label?: string;
  /** Start the peer brokers too and run ours and theirs alternately. */
  compare: boolean;
  /** Run our broker under `node --cpu-prof` and keep the profile. */
  profile: boolean;
  /** Extra arguments for our broker's CLI. */
  brokerArgs: string[];
  /** Also write the results as JSON to this file. */
  json?: string;
  quick: boolean;
  help: boolean;
}

/** The usage text printed by `--help`. */
export const USAGE = `Usage: npm run bench -- [options]

Starts our broker and runs the load scenarios against it with a raw STOMP 1.2 load generator.

  --scenarios 1,3,5        run only these scenarios (1..10; default all)
  --duration SECONDS       how long producers send, per scenario (default 5)
  --quick                  short smoke run: 1 s per scenario, --deep 20000, 500 idle connections
  --warmup SECONDS         unrecorded scenario-1 load per broker first (default 2; 0 with --quick)
  --deep N                 scenario 9 backlog depth (default 1000000)
  --idle N                 scenario 8 idle connections (default 2000)
  --rounds N               rounds per scenario (default 1, or 2 with --compare)
  --target HOST:PORT[,LOGIN,PASSCODE,VHOST]
                           run against another STOMP broker instead of ours
  --ws URL                 that broker's STOMP over WebSocket URL, for scenario 10
  --label NAME             that broker's name in the report (default: its CONNECTED server header)
  --compare                also start ActiveMQ and RabbitMQ (../shared/peers) and alternate
                           ours and theirs per scenario; prints ratios ours/theirs
  --profile                run our broker under node --cpu-prof and keep the profile
  --broker-arg ARG         pass ARG to our broker's CLI (repeatable)
  --json FILE              also write the raw results as JSON
  --help                   this text
`;

function positiveNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0) throw new BenchUsageError(`${name} needs a positive number, got ${String(value)}`);
  return n;
}

/** Parses the arguments after `--`. @throws BenchUsageError */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    durationMs: quick ? 1000 : 5000,
    warmupMs: quick ? 0 : 2000,
    deep: quick ? 20_000 : 1_000_000,
    idleConnections: quick ? 500 : 2000,
    rounds: 0,
    compare: false,
    profile: false,
    brokerArgs: [],
    quick,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BenchUsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--quick':
        break;
      case '--scenarios': {
        const list = value()
          .split(',')
          .map((s) => Number(s.trim()));
        if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 10)) throw new BenchUsageError('--scenarios takes numbers 1..10, e.g. 1,3,5');
        options.scenarios = list;
        break;
      }
      case '--duration':
        options.durationMs = positiveNumber(arg, value()) * 1000;
        break;
      case '--warmup': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds < 0) throw new BenchUsageError('--warmup needs a number of seconds >= 0');
        options.warmupMs = seconds * 1000;
        break;
      }
      case '--deep':
        options.deep = Math.floor(positiveNumber(arg, value()));
        break;
      case '--idle':
        options.idleConnections = Math.floor(positiveNumber(arg, value()));
        break;
      case '--rounds':
        options.rounds = Math.floor(positiveNumber(arg, value()));
        break;
      case '--target':
        options.target = value();
        break;
      case '--ws':
        options.ws = value();
        break;
      case '--label':
        options.label = value();
        break;
      case '--compare':
        options.compare = true;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--broker-arg':
        options.brokerArgs.push(value());
        break;
      case '--json':
        options.json = value();
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new BenchUsageError(`unknown option ${arg}`);
    }
  }
  if (options.rounds === 0) options.rounds = options.compare ? 2 : 1;
  if (options.compare && options.target) throw new BenchUsageError('--compare and --target exclude each other');
  return options;
}
