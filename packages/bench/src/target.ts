/**
 * A broker under test, however it was started: its address, credentials, STOMP dialect and
 * (when known) its process, for memory readings.
 */
import type { Credentials } from './stomp-session.js';
import type { Endpoint } from './transport.js';

/** Which broker a target is; decides the dialect (prefetch header) and what can be measured. */
export type BrokerKind = 'tsmq' | 'activemq' | 'rabbitmq' | 'stomp';

/** A broker the scenarios run against. */
export interface Target {
  /** Name in the report. */
  label: string;
  kind: BrokerKind;
  host: string;
  port: number;
  credentials: Credentials;
  /** STOMP over WebSocket endpoint; absent when the broker has none (the report prints n/a). */
  ws?: { url: string; protocols: string[] };
  /** The broker's process id for memory readings, when it runs on this machine. */
  pid(): number | undefined;
  /** Kills the broker and starts it again on the same data; only for brokers this tool started. */
  restart?(): Promise<void>;
  /**
   * This tool started the broker, so it may suspend it (SIGSTOP) while the other brokers of a
   * comparison run; a broker found already running is never suspended.
   */
  startedHere?: boolean;
}

/** The TCP endpoint of a target. */
export function tcpEndpoint(target: Target): Endpoint {
  return { kind: 'tcp', host: target.host, port: target.port };
}

/**
 * The SUBSCRIBE header that sets the prefetch: RabbitMQ's `prefetch-count`, ActiveMQ's
 * `activemq.prefetchSize` (which our broker follows). For an unknown broker the CONNECTED
 * `server` header decides.
 */
export function prefetchHeaderFor(kind: BrokerKind, server: string): string {
  if (kind === 'rabbitmq' || (kind === 'stomp' && /^rabbitmq/i.test(server))) return 'prefetch-count';
  return 'activemq.prefetchSize';
}

/**
 * Parses `host:port[,login,passcode,vhost]` (the `--target` option).
 * @returns the parts, or undefined when the text is not of that form
 */
export function parseTargetSpec(spec: string): { host: string; port: number; credentials: Credentials } | undefined {
  const [address, login, passcode, vhost] = spec.split(',');
  const colon = address?.lastIndexOf(':') ?? -1;
  if (!address || colon <= 0) return undefined;
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const credentials: Credentials = {};
  if (login) credentials.login = login;
  if (passcode !== undefined) credentials.passcode = passcode;
  if (vhost) credentials.vhost = vhost;
  return { host: address.slice(0, colon), port, credentials };
}
