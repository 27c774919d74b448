import type { AuthenticationConfig } from '@tsmq/config';
/** What a client presented in CONNECT. */
export interface Credentials {
  login: string | undefined;
  passcode: string | undefined;
  /** `host:port` of the client. */
  remoteAddress: string;
  /** Name of the connector the client came through. */
  connector: string;
}

/** Who a connection acts as once authenticated. */
export interface Principal {
  user: string;
  groups: readonly string[];
}

/**
 * Decides whether a CONNECT is let in. The security plugin implements this; without one every
 * login is accepted, as ActiveMQ does without a security plugin.
 */
export interface Authenticator {
  /** The principal for these credentials, or null to refuse the connection. */
  authenticate(credentials: Credentials): Principal | null;
}

// Principals are shared where they can be: a broker may hold many connections of the same user.
const NO_GROUPS: readonly string[] = Object.freeze([]);
const ANONYMOUS: Principal = Object.freeze({ user: 'anonymous', groups: NO_GROUPS });

/** Accepts every client, as the user it says it is. */
export const acceptAnyone: Authenticator = {
  authenticate: (c) => (c.login === undefined ? ANONYMOUS : { user: c.login, groups: NO_GROUPS }),
};

/**
 * ActiveMQ's `simpleAuthenticationPlugin`: users with passwords and groups from the
 * configuration; a CONNECT without login is let in as the anonymous user only when
 * `anonymousAccessAllowed`.
 */
export function simpleAuthenticator(config: AuthenticationConfig): Authenticator {
  const users = new Map(config.users.map((u) => [u.username, u]));
  const anonymous: Principal = Object.freeze({ user: config.anonymousUser, groups: Object.freeze([config.anonymousGroup]) });
  return {
    authenticate(c) {
      if (c.login === undefined) return config.anonymousAccessAllowed ? anonymous : null;
      const user = users.get(c.login);
      if (!user || user.password !== (c.passcode ?? '')) return null;
      return { user: user.username, groups: user.groups };
    },
  };
}
