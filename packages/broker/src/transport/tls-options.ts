import { readFile } from 'node:fs/promises';
import type { TlsOptions } from 'node:tls';
import type { TransportConnectorConfig } from '@tsmq/config';
import { BrokerStartError } from '../errors.js';

/** Reads a connector's TLS files into options for `tls.createServer` / `https.createServer`. */
export async function loadTlsOptions(connector: TransportConnectorConfig): Promise<TlsOptions> {
  const tls = connector.tls;
  if (!tls || (!tls.pfxFile && !(tls.keyFile && tls.certFile))) {
    throw new BrokerStartError(
      `connector ${connector.name} (${connector.protocol}) needs a TLS key and certificate (keyFile and certFile, or pfxFile)`,
    );
  }
  const read = async (file: string) => {
    try {
      return await readFile(file);
    } catch (cause) {
      throw new BrokerStartError(`connector ${connector.name}: cannot read TLS file ${file}`, { cause });
    }
  };
  const options: TlsOptions = {};
  if (tls.pfxFile) options.pfx = await read(tls.pfxFile);
  if (tls.keyFile) options.key = await read(tls.keyFile);
  if (tls.certFile) options.cert = await read(tls.certFile);
  if (tls.caFile) options.ca = await read(tls.caFile);
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  if (connector.needClientAuth) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}
