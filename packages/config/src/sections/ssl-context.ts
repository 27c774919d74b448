import type { ConfigReader } from '../reader.js';
import type { TlsConfig } from '../types.js';
import type { XmlElement } from '../xml/document.js';

/**
 * A keystore setting that cannot be used. It only matters when a TLS connector needs it: ActiveMQ's
 * stock files reference JKS stores without listening on TLS, and they must still load.
 */
export interface TlsProblem {
  element: XmlElement;
  /** Absent when the setting came from a `-Djavax.net.ssl.*` property. */
  attribute?: string;
  detail: string;
}

/** TLS material from `<sslContext>` (or `-Djavax.net.ssl.*`), plus what was wrong with it. */
export interface TlsSettings {
  tls?: TlsConfig;
  problems: TlsProblem[];
}

type StoreFormat = 'pkcs12' | 'pem' | 'jks';

const JKS_KEYSTORE_ADVICE =
  'Java keystores (JKS/JCEKS) cannot be read here; convert it to PKCS#12 with ' +
  '"keytool -importkeystore -srckeystore broker.ks -destkeystore broker.p12 -deststoretype PKCS12" and use the .p12 file';
const TRUSTSTORE_ADVICE =
  'a trust store must be a PEM file of CA certificates; convert it with ' +
  '"keytool -importkeystore -srckeystore broker.ts -destkeystore trust.p12 -deststoretype PKCS12" then ' +
  '"openssl pkcs12 -in trust.p12 -nokeys -out trust.pem"';

function stripResourcePrefix(location: string): string {
  return location.startsWith('file:') ? location.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : location;
}

function formatOf(path: string, declaredType: string | undefined): StoreFormat | undefined {
  const type = declaredType?.trim().toLowerCase();
  if (type === 'pkcs12' || type === 'p12' || type === 'pfx') return 'pkcs12';
  if (type === 'pem') return 'pem';
  if (type === 'jks' || type === 'jceks') return 'jks';
  const lower = path.toLowerCase();
  if (lower.endsWith('.p12') || lower.endsWith('.pfx')) return 'pkcs12';
  if (lower.endsWith('.pem') || lower.endsWith('.crt') || lower.endsWith('.cer')) return 'pem';
  if (lower.endsWith('.ks') || lower.endsWith('.jks') || lower.endsWith('.ts') || lower.endsWith('.keystore') || lower.endsWith('.truststore')) {
    return 'jks';
  }
  return undefined;
}

interface StoreSettings {
  keyStore?: string;
  keyStoreType?: string;
  keyPassword?: string;
  trustStore?: string;
  trustStoreType?: string;
}

function toTls(settings: StoreSettings, element: XmlElement, problems: TlsProblem[]): TlsConfig | undefined {
  const tls: TlsConfig = {};
  if (settings.keyStore !== undefined) {
    const path = stripResourcePrefix(settings.keyStore);
    const format = formatOf(path, settings.keyStoreType);
    if (path.startsWith('classpath:')) {
      problems.push({ element, attribute: 'keyStore', detail: 'classpath: resources do not exist here; give a file path' });
    } else if (format === 'pkcs12') {
      tls.pfxFile = path;
    } else if (format === 'pem') {
      // One PEM file holding both the private key and the certificate chain, as `openssl pkcs12 -nodes` writes it.
      tls.keyFile = path;
      tls.certFile = path;
    } else if (format === 'jks') {
      problems.push({ element, attribute: 'keyStore', detail: JKS_KEYSTORE_ADVICE });
    } else {
      problems.push({
        element,
        attribute: 'keyStore',
        detail: 'unknown keystore format; expected a .p12/.pfx (PKCS#12) or .pem file, or set keyStoreType="PKCS12" or "PEM"',
      });
    }
    if (settings.keyPassword !== undefined && settings.keyPassword !== '') tls.passphrase = settings.keyPassword;
  }
  if (settings.trustStore !== undefined) {
    const path = stripResourcePrefix(settings.trustStore);
    if (formatOf(path, settings.trustStoreType) === 'pem') tls.caFile = path;
    else problems.push({ element, attribute: 'trustStore', detail: TRUSTSTORE_ADVICE });
  }
  return tls.pfxFile || tls.keyFile || tls.caFile ? tls : undefined;
}

/** `<sslContext><sslContext keyStore=... keyStorePassword=... trustStore=... />`. */
export function readSslContext(reader: ConfigReader, outer: XmlElement): TlsSettings {
  const problems: TlsProblem[] = [];
  let tls: TlsConfig | undefined;
  reader.checkAttributes(outer, { implemented: [] });
  reader.readChildren(outer, {
    sslContext: (inner) => {
      reader.checkAttributes(inner, {
        implemented: ['keyStore', 'keyStorePassword', 'keyStoreKeyPassword', 'keyStoreType', 'trustStore', 'trustStorePassword', 'trustStoreType'],
        unimplemented: ['keyStoreAlgorithm', 'trustStoreAlgorithm', 'protocol', 'provider', 'secureRandomAlgorithm', 'crlPath'],
      });
      reader.readChildren(inner, {}, ['keyManagers', 'trustManagers', 'secureRandom']);
      const keyStore = reader.string(inner, 'keyStore');
      const keyStoreType = reader.string(inner, 'keyStoreType');
      const keyPassword = reader.string(inner, 'keyStoreKeyPassword') ?? reader.string(inner, 'keyStorePassword');
      const trustStore = reader.string(inner, 'trustStore');
      const trustStoreType = reader.string(inner, 'trustStoreType');
      // The trust store password protects a Java store; PEM CA bundles have none, so it is read only to validate placeholders.
      reader.string(inner, 'trustStorePassword');
      tls = toTls(
        {
          ...(keyStore !== undefined ? { keyStore } : {}),
          ...(keyStoreType !== undefined ? { keyStoreType } : {}),
          ...(keyPassword !== undefined ? { keyPassword } : {}),
          ...(trustStore !== undefined ? { trustStore } : {}),
          ...(trustStoreType !== undefined ? { trustStoreType } : {}),
        },
        inner,
        problems,
      );
    },
  });
  return tls ? { tls, problems } : { problems };
}

/** ActiveMQ falls back to the JVM's `javax.net.ssl.*` system properties; `-D` properties play that role here. */
export function tlsFromProperties(properties: Readonly<Record<string, string>>, broker: XmlElement): TlsSettings {
  const problems: TlsProblem[] = [];
  const keyStore = properties['javax.net.ssl.keyStore'];
  const trustStore = properties['javax.net.ssl.trustStore'];
  if (keyStore === undefined && trustStore === undefined) return { problems };
  const keyStoreType = properties['javax.net.ssl.keyStoreType'];
  const keyPassword = properties['javax.net.ssl.keyStorePassword'];
  const trustStoreType = properties['javax.net.ssl.trustStoreType'];
  const tls = toTls(
    {
      ...(keyStore !== undefined ? { keyStore } : {}),
      ...(keyStoreType !== undefined ? { keyStoreType } : {}),
      ...(keyPassword !== undefined ? { keyPassword } : {}),
      ...(trustStore !== undefined ? { trustStore } : {}),
      ...(trustStoreType !== undefined ? { trustStoreType } : {}),
    },
    broker,
    problems,
  );
  const located = problems.map((p) => ({ element: broker, detail: `-Djavax.net.ssl.${p.attribute}: ${p.detail}` }));
  return tls ? { tls, problems: located } : { problems: located };
}
