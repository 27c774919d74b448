#!/usr/bin/env node
/**
 * `tsmq-broker`: runs the broker from the command line.
 *
 * Prints one `listening: <url>` line per connector, then a line `ready` on stdout once every
 * connector listens (scripts and tests wait for it). SIGINT/SIGTERM stop the broker and exit 0.
 * Exit status 1: bad arguments, a configuration error, or a connector that could not start.
 * @packageDocumentation
 */
import { type BrokerConfig, ConfigError, loadBrokerConfigFile, resolveBrokerConfig } from '@tsmq/config';
import { Broker } from './broker.js';
import { consoleLogger } from './logger.js';

const USAGE = `Usage: tsmq-broker [options]

Options:
  --config FILE      read the broker configuration from an activemq.xml file
  -Dname=value       set a property for \${name} placeholders in the configuration file
  --stomp-port N     port of the STOMP (TCP) connector; 0 picks a free port
  --ws-port N        port of the WebSocket connector; 0 picks a free port
  --data DIR         data directory (journal and temporary store)
  --help             print this help and exit

Without --config the broker listens for STOMP on 0.0.0.0:61613 and WebSocket on 0.0.0.0:61614.
Prints "listening: <url>" per connector, then "ready", on standard output.`;

/** Parsed command line. */
export interface CliArguments {
  help: boolean;
  configFile?: string;
  properties: Record<string, string>;
  stompPort?: number;
  wsPort?: number;
  dataDirectory?: string;
}

/** Thrown for a command line that cannot be understood. */
export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

function parsePort(value: string | undefined, option: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliUsageError(`${option} needs a port number (0-65535), got ${JSON.stringify(value ?? '')}`);
  }
  return n;
}

/** Parses `argv` (without the node and script paths). */
export function parseArguments(argv: readonly string[]): CliArguments {
  const args: CliArguments = { help: false, properties: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--config') args.configFile = value();
    else if (arg === '--stomp-port') args.stompPort = parsePort(argv[++i], arg);
    else if (arg === '--ws-port') args.wsPort = parsePort(argv[++i], arg);
    else if (arg === '--data') args.dataDirectory = value();
    else if (arg.startsWith('-D') && arg.includes('=')) {
      const eq = arg.indexOf('=');
      args.properties[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else throw new CliUsageError(`unknown option ${JSON.stringify(arg)}`);
  }
  return args;
}

/** Applies the port and directory options over a configuration. */
function applyOverrides(config: BrokerConfig, args: CliArguments): BrokerConfig {
  const setPort = (protocol: 'stomp' | 'ws', port: number | undefined) => {
    if (port === undefined) return;
    const c = config.transportConnectors.find((t) => t.protocol === protocol);
    if (!c) throw new CliUsageError(`--${protocol}-port given but the configuration has no ${protocol} connector`);
    c.port = port;
    c.uri = `${protocol}://${c.host}:${port}`;
  };
  setPort('stomp', args.stompPort);
  setPort('ws', args.wsPort);
  if (args.dataDirectory !== undefined) config.dataDirectory = args.dataDirectory;
  return config;
}

async function main(): Promise<number> {
  let args: CliArguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let config: BrokerConfig;
  try {
    if (args.configFile !== undefined) {
      const loaded = await loadBrokerConfigFile(args.configFile, { properties: args.properties, env: process.env });
      for (const w of loaded.warnings) {
        consoleLogger.warn(`${args.configFile}:${w.line}:${w.column}: ${w.elementPath}: ${w.message}`);
      }
      config = loaded.config;
    } else {
      config = resolveBrokerConfig();
    }
    config = applyOverrides(config, args);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliUsageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const broker = new Broker({ ...config, logger: consoleLogger });
  try {
    await broker.start();
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  console.log('ready');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  consoleLogger.info('stopping');
  await broker.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
