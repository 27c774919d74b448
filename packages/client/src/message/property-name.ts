/**
 * JMS 2.0 §3.5.1 property-name rules.
 * @packageDocumentation
 */
import { MessageFormatException } from '../errors.js';

/** Words a selector reserves, so a property named like them could never be selected on (JMS 2.0 §3.8.1.1). */
const RESERVED = new Set(['NULL', 'TRUE', 'FALSE', 'NOT', 'AND', 'OR', 'BETWEEN', 'LIKE', 'IN', 'IS', 'ESCAPE']);

/** JMSX properties a client may set itself (JMS 2.0 §3.5.9); the rest are set by the provider. */
const CLIENT_SETTABLE_JMSX = new Set(['JMSXGroupID', 'JMSXGroupSeq']);

const JAVA_IDENTIFIER = /^[\p{L}\p{Nl}\p{Sc}_][\p{L}\p{Nl}\p{Sc}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

// Applications use a handful of names over and over; remembering the good ones keeps validation off the send path.
const validated = new Set<string>();

/**
 * Throws unless `name` may be set by an application: a Java identifier, not a selector keyword,
 * not starting with `JMS` (reserved for JMS and the provider) except the client-settable
 * `JMSXGroupID` and `JMSXGroupSeq`.
 */
export function checkPropertyName(name: string): void {
  if (validated.has(name)) return;
  if (typeof name !== 'string' || name.length === 0) {
    throw new MessageFormatException('a property name must not be empty', { code: 'INVALID_PROPERTY_NAME' });
  }
  if (!JAVA_IDENTIFIER.test(name)) {
    throw new MessageFormatException(`property name "${name}" is not a Java identifier`, {
      code: 'INVALID_PROPERTY_NAME',
    });
  }
  if (RESERVED.has(name.toUpperCase())) {
    throw new MessageFormatException(`property name "${name}" is a reserved selector word`, {
      code: 'INVALID_PROPERTY_NAME',
    });
  }
  if (name.startsWith('JMS') && !CLIENT_SETTABLE_JMSX.has(name)) {
    throw new MessageFormatException(`property names starting with "JMS" are reserved: "${name}"`, {
      code: 'INVALID_PROPERTY_NAME',
    });
  }
  if (validated.size < 10_000) validated.add(name);
}
