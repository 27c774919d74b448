import type { SessionModeValue } from '../constants.js';
import { JMSException } from '../errors.js';
import type { TlsSettings, TransportConnector } from '../transport/transport.js';
import { parseBrokerUrl } from '../url.js';
import { Connection } from './connection.js';
import { JMSContext } from './jms-context.js';
import type { Credentials } from './stomp-client.js';

/** Options of a {@link ConnectionFactory}; names follow ActiveMQConnectionFactory where one exists. */
export interface ConnectionFactoryOptions {
  /** `tcp://host:61613`, `ws://host:61614`, `failover:(...)?...`. Default `tcp://localhost:61613`. */
  brokerURL?: string;
  /** STOMP `login` (ActiveMQConnectionFactory's `userName`). */
  userName?: string;
  /** STOMP `passcode` (ActiveMQConnectionFactory's `password`). */
  password?: string;
  /** Same as {@link ConnectionFactoryOptions.userName}, under its STOMP name. */
  login?: string;
  /** Same as {@link ConnectionFactoryOptions.password}, under its STOMP name. */
  passcode?: string;
  /**
   * Called before every connect and reconnect; its result overrides userName/password. Use it for
   * short-lived tokens.
   */
  credentials?: () => Promise<Credentials> | Credentials;
  /** CONNECT `host` header (STOMP virtual host); default the broker's host name. */
  virtualHost?: string;
  /** Client ID for every connection (then `setClientID` is refused, as JMS requires). */
  clientID?: string;
  /**
   * Heart-beats in ms: how often this client sends (`outgoing`) and wants to hear from the broker
   * (`incoming`); 0 disables. Default 10000 both ways. A broker silent for twice the agreed period
   * is reported as a missed heart-beat.
   */
  heartBeat?: { outgoing: number; incoming: number };
  /** Largest frame body sent or accepted; larger messages are refused before sending. Default 100 MiB. */
  maxFrameSize?: number;
  /** Milliseconds to open the transport and get CONNECTED. Default 10000. */
  connectTimeout?: number;
  /** Milliseconds close() waits for the broker's DISCONNECT receipt. Default 5000. */
  closeTimeout?: number;
  /** `activemq.prefetchSize` of each consumer: unacknowledged messages the broker may push ahead. Default 1000. */
  prefetch?: number;
  /** For `ssl://` and `wss://` in Node. */
  tls?: TlsSettings;
  /** Replaces the transport layer (custom transports, tests). */
  transportConnector?: TransportConnector;
  /** STOMP versions to offer, e.g. `['1.1']` for an old broker; default 1.0, 1.1 and 1.2 (the highest common one is used). */
  stompVersions?: Array<'1.0' | '1.1' | '1.2'>;
}

const DEFAULT_URL = 'tcp://localhost:61613';
const MiB = 1024 * 1024;

/**
 * JMS `ConnectionFactory` (ActiveMQ's `ActiveMQConnectionFactory`): `new ConnectionFactory('tcp://host:61613')`
 * or `new ConnectionFactory({ brokerURL, userName, password, clientID })`.
 */
export class ConnectionFactory {
  private readonly options: ConnectionFactoryOptions;

  constructor(brokerURL?: string | ConnectionFactoryOptions, options: ConnectionFactoryOptions = {}) {
    this.options = typeof brokerURL === 'string' ? { ...options, brokerURL } : { ...(brokerURL ?? {}), ...options };
    // Fail on a bad URL now rather than at the first connection.
    parseBrokerUrl(this.options.brokerURL ?? DEFAULT_URL);
  }

  /** The broker URL connections use. */
  getBrokerURL(): string {
    return this.options.brokerURL ?? DEFAULT_URL;
  }

  /**
   * A new connection, with the factory's credentials or the ones given. The STOMP CONNECT is sent on
   * first use, so `setClientID` may still follow; authentication errors surface then.
   */
  async createConnection(userName?: string, password?: string): Promise<Connection> {
    const o = this.options;
    const { endpoints, failover } = parseBrokerUrl(o.brokerURL ?? DEFAULT_URL);
    const login = userName ?? o.userName ?? o.login;
    const passcode = password ?? o.password ?? o.passcode;
    const provider = o.credentials;
    const heartBeat = o.heartBeat ?? { outgoing: 10_000, incoming: 10_000 };
    const maxFrameSize = o.maxFrameSize ?? 100 * MiB;
    if (!Number.isSafeInteger(maxFrameSize) || maxFrameSize <= 0) {
      throw new JMSException(`maxFrameSize must be a positive integer, not ${maxFrameSize}`, { code: 'INVALID_ARGUMENT' });
    }
    return new Connection({
      endpoints,
      failover,
      credentials: provider !== undefined && userName === undefined ? provider : () => ({ login, passcode }),
      virtualHost: o.virtualHost,
      clientID: o.clientID,
      heartBeat: [heartBeat.outgoing, heartBeat.incoming],
      maxFrameSize,
      connectTimeout: o.connectTimeout ?? 10_000,
      closeTimeout: o.closeTimeout ?? 5_000,
      prefetch: o.prefetch ?? 1000,
      tls: o.tls,
      transportConnector: o.transportConnector,
      acceptVersions: o.stompVersions,
    });
  }

  /** JMS 2.0: a connection and session in one object (see {@link JMSContext}). */
  async createContext(userName?: string, password?: string, sessionMode?: SessionModeValue): Promise<JMSContext> {
    const connection = await this.createConnection(userName, password);
    return JMSContext.open(connection, sessionMode);
  }
}

/** The same factory under ActiveMQ's class name, so ported code reads the same. */
export { ConnectionFactory as ActiveMQConnectionFactory };
