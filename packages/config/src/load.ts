import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveBrokerConfig } from './defaults.js';
import { ConfigError, type ConfigWarning } from './errors.js';
import { BUILTIN_PROPERTIES, placeholderLookup } from './placeholders.js';
import { ConfigReader } from './reader.js';
import { readBroker } from './sections/broker.js';
import type { BrokerConfig, BrokerConfigInput } from './types.js';
import { parseXmlDocument, type XmlElement } from './xml/document.js';

/** How to read an activemq.xml file. */
export interface LoadOptions {
  /** `-Dname=value` properties; they win over the environment for `${name}` placeholders. */
  properties?: Record<string, string>;
  /** Environment for `${name}` placeholders; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Name used in messages (`activemq.xml:42:13: ...`); defaults to `activemq.xml`. */
  fileName?: string;
}

/** A loaded configuration: every field filled in, plus what was accepted without taking effect. */
export interface LoadedConfig {
  config: BrokerConfig;
  warnings: ConfigWarning[];
}

const PLACEHOLDER_CONFIGURER = /PropertyPlaceholderConfigurer$/;

/**
 * Reads an ActiveMQ `activemq.xml` document: a Spring `<beans>` file with a `<broker>` inside, or a bare
 * `<broker>`. Elements this broker implements take effect; ActiveMQ elements and attributes it does not
 * implement produce one warning each; anything else inside an implemented element is an error, so a typo
 * never silently becomes a default. See docs/configuration.md for every element read.
 *
 * @throws {@link ConfigError} with a stable `code` and a message naming the file, line, column, element and attribute.
 */
export function parseBrokerConfigXml(xml: string, options: LoadOptions = {}): LoadedConfig {
  return parseWithBuiltins(xml, options, BUILTIN_PROPERTIES);
}

/**
 * Reads an activemq.xml file (see {@link parseBrokerConfigXml}). Unless given as a property or in the
 * environment, `${activemq.conf}` is the file's directory, as when ActiveMQ starts from its `conf/`.
 *
 * @throws {@link ConfigError} `CONFIG_IO` when the file cannot be read, or any error of {@link parseBrokerConfigXml}.
 */
export async function loadBrokerConfigFile(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const fileName = options.fileName ?? path;
  let xml: string;
  try {
    xml = await readFile(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new ConfigError('CONFIG_IO', `${fileName}: cannot read the configuration file (${reason})`, { file: fileName, cause });
  }
  return parseWithBuiltins(xml, { ...options, fileName }, { ...BUILTIN_PROPERTIES, 'activemq.conf': dirname(path) });
}

function parseWithBuiltins(xml: string, options: LoadOptions, builtins: Readonly<Record<string, string>>): LoadedConfig {
  const fileName = options.fileName ?? 'activemq.xml';
  const properties = options.properties ?? {};
  const document = parseXmlDocument(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml, fileName);
  const reader = new ConfigReader(document, fileName, placeholderLookup(properties, options.env ?? process.env, builtins));
  const broker = findBroker(reader, document.root);
  const input: BrokerConfigInput = readBroker(reader, broker, properties);
  // Reading order differs from file order (the broker is found before the beans around it are reported).
  const warnings = [...reader.warnings].sort((a, b) => a.line - b.line || a.column - b.column);
  return { config: resolveBrokerConfig(input), warnings };
}

function findBroker(reader: ConfigReader, root: XmlElement): XmlElement {
  if (root.name === 'broker') return root;
  if (root.name !== 'beans') {
    throw reader.error('CONFIG_UNKNOWN_ELEMENT', root, 'expected <beans> (a Spring file) or <broker> as the root element');
  }
  let broker: XmlElement | undefined;
  for (const child of root.children) {
    if (child.name === 'broker') {
      if (broker) throw reader.error('CONFIG_BAD_VALUE', child, 'only one <broker> per file is supported');
      broker = child;
    } else if (child.name === 'bean' && PLACEHOLDER_CONFIGURER.test(child.attributes.get('class') ?? '')) {
      reader.warn(child, 'properties files are not read; give their values with -Dname=value or environment variables');
    } else if (child.name === 'import') {
      reader.warn(child, 'imported Spring files (e.g. the Jetty web console) are not loaded', 'resource');
    } else {
      reader.warn(child, 'Spring beans are not evaluated; ignored');
    }
  }
  if (!broker) throw reader.error('CONFIG_MALFORMED', root, 'no <broker> element found inside <beans>');
  return broker;
}
