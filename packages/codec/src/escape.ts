/**
 * STOMP 1.2 §Value Encoding: header names and values escape `\`, LF, `:` (and CR in 1.2 only).
 * STOMP 1.0 has no escaping, and CONNECT, STOMP and CONNECTED frames are never escaped.
 */
import { UNESCAPED_COMMANDS } from './commands.js';
import { StompCodecError } from './errors.js';
import type { StompVersion } from './frame.js';

const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/**
 * How header text is written and read for one frame: `None` for 1.0 and for
 * CONNECT/STOMP/CONNECTED frames, `V11` for `\\` `\n` `\c`, `V12` adding `\r`.
 * A plain object rather than a const enum so that isolated-module compilers inline nothing.
 */
export const EscapeMode = { None: 0, V11: 1, V12: 2 } as const;
/** One of the {@link EscapeMode} values. */
export type EscapeMode = (typeof EscapeMode)[keyof typeof EscapeMode];

/** The escaping that applies to a frame with this command under the negotiated version. */
export function escapeModeFor(version: StompVersion, command: string): EscapeMode {
  if (version === '1.0' || UNESCAPED_COMMANDS.has(command)) return EscapeMode.None;
  return version === '1.1' ? EscapeMode.V11 : EscapeMode.V12;
}

/** Decodes the escape sequences of a received header name or value. */
export function unescapeHeader(s: string, mode: EscapeMode): string {
  let i = s.indexOf('\\');
  if (i === -1 || mode === EscapeMode.None) return s;
  let out = '';
  let copied = 0;
  while (i !== -1) {
    out += s.slice(copied, i);
    const next = s.charAt(i + 1);
    if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else if (next === 'r' && mode === EscapeMode.V12) out += '\r';
    else {
      const seen = next === '' ? 'a lone "\\" at the end' : `"\\${next}"`;
      throw new StompCodecError(
        'INVALID_ESCAPE',
        `undefined escape sequence ${seen} in header text ${JSON.stringify(s)} (STOMP ${mode === EscapeMode.V11 ? '1.1' : '1.2'})`,
      );
    }
    copied = i + 2;
    i = s.indexOf('\\', copied);
  }
  return out + s.slice(copied);
}

/**
 * Escapes a header name or value for sending. Text that cannot be represented under the
 * mode (LF without escaping, a trailing CR without `\r`) is rejected rather than corrupted.
 */
export function escapeHeader(s: string, mode: EscapeMode, isName: boolean): string {
  let special = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH || c === LF || c === CR || c === COLON) {
      special = i;
      break;
    }
  }
  if (special === -1) return s;
  if (mode === EscapeMode.None) return checkRaw(s, isName);
  let out = s.slice(0, special);
  for (let i = special; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === ':') out += '\\c';
    else if (ch === '\r') {
      if (mode === EscapeMode.V12) out += '\\r';
      else if (!isName && i === s.length - 1) throw unrepresentable(s, 'a trailing CR (read back as part of the EOL)', '1.1');
      else out += '\r';
    } else out += ch;
  }
  return out;
}

function checkRaw(s: string, isName: boolean): string {
  if (s.indexOf('\n') !== -1) throw unrepresentable(s, 'a line feed', 'unescaped');
  if (isName && s.indexOf(':') !== -1) throw unrepresentable(s, 'a colon in a header name', 'unescaped');
  if (!isName && s.endsWith('\r')) throw unrepresentable(s, 'a trailing CR (read back as part of the EOL)', 'unescaped');
  return s;
}

function unrepresentable(s: string, what: string, mode: string): StompCodecError {
  return new StompCodecError(
    'MALFORMED_HEADER',
    `header text ${JSON.stringify(s)} contains ${what}, which ${mode} STOMP headers cannot carry`,
  );
}
