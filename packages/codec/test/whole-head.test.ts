import { describe, expect, it } from 'vitest';
import { type StompVersion } from '@tsmq/codec';
import { bytes, oneByteChunks, parse, parseChunks, plain, thrown } from './helpers.js';

/**
 * A head that arrives whole in one chunk is read in one piece; split across chunks it is read
 * line by line. Both must give the same frames and the same errors.
 */
function sameBothWays(input: string, version: StompVersion = '1.2') {
  const whole = parse(input, { version });
  const split = parseChunks(oneByteChunks(bytes(input)), { version });
  expect(whole.frames.map(plain)).toEqual(split.frames.map(plain));
  return whole.frames.map(plain);
}

/** The command line alone, then the rest: the header lines are then read one by one, each from one chunk. */
function afterCommandLine(data: Uint8Array): Uint8Array[] {
  const lf = data.indexOf(0x0a) + 1;
  return [data.slice(0, lf), data.slice(lf)];
}

function sameErrorBothWays(input: string, version: StompVersion = '1.2', limits = {}) {
  const whole = thrown(() => parse(input, { version, ...limits }));
  const split = thrown(() => parseChunks(afterCommandLine(bytes(input)), { version, ...limits }));
  expect(whole.code).toBe(split.code);
  expect(whole.message).toBe(split.message);
  return whole.code;
}

describe('heads read in one piece', () => {
  it('STOMP 1.2 §Repeated Header Entries: the first occurrence wins', () => {
    expect(sameBothWays('MESSAGE\nfoo:1\nfoo:2\nbar:3\n\nx\0')).toEqual([
      { command: 'MESSAGE', headers: { foo: '1', bar: '3' }, body: 'x' },
    ]);
  });

  it('STOMP 1.2 §Value Encoding: escapes are decoded in names and values', () => {
    expect(sameBothWays('SEND\na\\cb:x\\\\y\\nz\\cw\\rv\n\n\0')[0]!.headers).toEqual({ 'a:b': 'x\\y\nz:w\rv' });
  });

  it('STOMP 1.0: backslashes are plain text', () => {
    expect(sameBothWays('SEND\na:x\\ny\n\n\0', '1.0')[0]!.headers).toEqual({ a: 'x\\ny' });
  });

  it('STOMP 1.2 §Augmented BNF: CRLF line ends, colons in values and empty values', () => {
    expect(sameBothWays('SEND\r\ndestination:/queue/a\r\nurl:http://x:1/\r\nempty:\r\n\r\nhi\0')[0]!.headers).toEqual({
      destination: '/queue/a',
      url: 'http://x:1/',
      empty: '',
    });
  });

  it('STOMP 1.2 §Header content-length: the length read from a whole head bounds the body', () => {
    expect(sameBothWays('SEND\ncontent-length:3\n\na\0b\0SEND\n\n\0')).toEqual([
      { command: 'SEND', headers: { 'content-length': '3' }, body: 'a\0b' },
      { command: 'SEND', headers: {}, body: '' },
    ]);
  });

  it('STOMP 1.2 §Value Encoding: UTF-8 header text is decoded the same way', () => {
    expect(sameBothWays('SEND\nnäme:välue ☃\nb:2\n\n\0')[0]!.headers).toEqual({ 'näme': 'välue ☃', b: '2' });
  });

  it('names are exact however many distinct names share the name cache', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `h${i.toString(36)}-${'x'.repeat(i % 70)}`);
    const input = names.map((n, i) => `SEND\n${n}:${i}\ndestination:/queue/${i}\n\n\0`).join('');
    const frames = parse(input).frames;
    frames.forEach((f, i) => expect(plain(f).headers).toEqual({ [names[i]!]: String(i), destination: `/queue/${i}` }));
  });

  it.each([
    ['a line without a colon', 'SEND\na:1\nnocolon\n\n\0', {}],
    ['an empty header name', 'SEND\na:1\n:x\n\n\0', {}],
    ['an undefined escape', 'SEND\na:\\t\n\n\0', {}],
    ['a bad content-length', 'SEND\ncontent-length:x1\n\n\0', {}],
    ['too many headers', 'SEND\na:1\nb:2\nc:3\n\n\0', { maxHeaders: 2 }],
    ['a header line too long', 'SEND\na:1\nbbbbbbbbbb:2\n\n\0', { maxHeaderLineLength: 8 }],
    ['invalid UTF-8', 'SEND\na:\u00ff\n\n\0', {}],
  ])('STOMP 1.2 §STOMP Frames: %s gives the same error as when read line by line', (_name, input, limits) => {
    const data = input.includes('\u00ff') ? Uint8Array.from(input, (c) => c.charCodeAt(0)) : bytes(input);
    const whole = thrown(() => parseChunks([data], { version: '1.2', ...limits }));
    const split = thrown(() => parseChunks(afterCommandLine(data), { version: '1.2', ...limits }));
    expect(whole.code).toBeDefined();
    expect(whole.code).toBe(split.code);
    expect(whole.message).toBe(split.message);
  });

  it('STOMP 1.2 §Value Encoding: a 1.1 CR escape is an error both ways', () => {
    expect(sameErrorBothWays('SEND\na:x\\r\n\n\0', '1.1')).toBe('INVALID_ESCAPE');
  });
});
