import { expect } from 'vitest';
import { ConfigError, parseBrokerConfigXml, type ConfigErrorCode, type LoadedConfig, type LoadOptions } from '@tsmq/config';

/** A Spring-style file with `body` inside `<broker>`; placeholders resolve against an empty environment. */
export function brokerXml(body: string, brokerAttributes = ''): string {
  return [
    '<beans xmlns="http://www.springframework.org/schema/beans">',
    `  <broker xmlns="http://activemq.apache.org/schema/core"${brokerAttributes ? ' ' + brokerAttributes : ''}>`,
    body,
    '  </broker>',
    '</beans>',
  ].join('\n');
}

export function load(xml: string, options: LoadOptions = {}): LoadedConfig {
  return parseBrokerConfigXml(xml, { env: {}, ...options });
}

/** Loads `xml`, expects a ConfigError with `code`, and returns it for further checks. */
export function loadError(xml: string, code: ConfigErrorCode, options: LoadOptions = {}): ConfigError {
  let caught: unknown;
  try {
    load(xml, options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.code, error.message).toBe(code);
  return error;
}

/** Messages of the warnings that mention `text`. */
export function warningsAbout(loaded: LoadedConfig, text: string): string[] {
  return loaded.warnings.map((w) => w.message).filter((m) => m.includes(text));
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
