import { describe, expect, it } from 'vitest';
import {
  ALL_COMMANDS,
  CLIENT_COMMANDS,
  DEFAULT_LIMITS,
  FrameParser,
  SERVER_COMMANDS,
  StompCodecError,
  encodeFrame,
  type StompFrame,
} from '@tsmq/codec';
import { bytes, oneByteChunks, parse, parseChunks, plain, text, thrown } from './helpers.js';

describe('frame structure', () => {
  it('STOMP 1.2 §STOMP Frames: command, headers, blank line, body, NUL', () => {
    const { frames } = parse('SEND\ndestination:/queue/a\nreceipt:7\n\nhello\0');
    expect(frames.map(plain)).toEqual([
      { command: 'SEND', headers: { destination: '/queue/a', receipt: '7' }, body: 'hello' },
    ]);
  });

  it('STOMP 1.2 §STOMP Frames: every client and server command is recognised', () => {
    expect([...CLIENT_COMMANDS].sort()).toEqual(
      ['ABORT', 'ACK', 'BEGIN', 'COMMIT', 'CONNECT', 'DISCONNECT', 'NACK', 'SEND', 'STOMP', 'SUBSCRIBE', 'UNSUBSCRIBE'],
    );
    expect([...SERVER_COMMANDS].sort()).toEqual(['CONNECTED', 'ERROR', 'MESSAGE', 'RECEIPT']);
    for (const command of ALL_COMMANDS) {
      const { frames } = parse(`${command}\nk:v\n\n\0`);
      expect(frames.map(plain)).toEqual([{ command, headers: { k: 'v' }, body: '' }]);
    }
  });

  it('STOMP 1.2 §Augmented BNF: EOL may be CRLF, and the CR is not part of the line', () => {
    const { frames } = parse('SEND\r\ndestination:/queue/a\r\nx:y\r\n\r\nbody\0', { version: '1.2' });
    expect(frames.map(plain)).toEqual([{ command: 'SEND', headers: { destination: '/queue/a', x: 'y' }, body: 'body' }]);
  });

  it('STOMP 1.0: frames with CRLF line ends are accepted too', () => {
    const { frames } = parse('SEND\r\ndestination:/queue/a\r\n\r\nbody\0', { version: '1.0' });
    expect(frames.map(plain)).toEqual([{ command: 'SEND', headers: { destination: '/queue/a' }, body: 'body' }]);
  });

  it('STOMP 1.2 §STOMP Frames: without content-length the body ends at the first NUL', () => {
    const { frames } = parse('SEND\ndestination:/q\n\nfirst\0SEND\ndestination:/q\n\n\0');
    expect(frames.map((f) => text(f.body))).toEqual(['first', '']);
  });

  it('STOMP 1.2 §Header content-length: the body is exactly that many bytes, NULs included', () => {
    const body = new Uint8Array([0, 1, 0, 255, 0]);
    const head = bytes('MESSAGE\ncontent-length:5\n\n');
    const input = new Uint8Array([...head, ...body, 0, ...bytes('RECEIPT\nreceipt-id:1\n\n\0')]);
    const { frames } = parse(input);
    expect(frames).toHaveLength(2);
    expect([...frames[0]!.body]).toEqual([...body]);
    expect(frames[1]!.command).toBe('RECEIPT');
  });

  it('STOMP 1.2 §Header content-length: content-length:0 gives an empty body', () => {
    const { frames } = parse('SEND\ncontent-length:0\n\n\0');
    expect(frames[0]!.body.length).toBe(0);
  });

  it('STOMP 1.2 §Header content-length: a byte other than NUL after the body is MISSING_NUL', () => {
    const error = thrown(() => parse('SEND\ncontent-length:3\n\nabcd\0'));
    expect(error).toBeInstanceOf(StompCodecError);
    expect(error.code).toBe('MISSING_NUL');
    expect(error.message).toContain('0x64');
  });

  it('STOMP 1.2 §Header content-length: MISSING_NUL is detected when the body ends a chunk', () => {
    const error = thrown(() => parseChunks([bytes('SEND\ncontent-length:3\n\nabc'), bytes('X')]));
    expect(error.code).toBe('MISSING_NUL');
  });

  it.each(['-1', '+3', ' 3', '3 ', '3.0', '1e3', '0x10', '', 'three'])(
    'STOMP 1.2 §Header content-length: %j is INVALID_CONTENT_LENGTH',
    (value) => {
      const error = thrown(() => parse(`SEND\ncontent-length:${value}\n\n\0`));
      expect(error).toBeInstanceOf(StompCodecError);
      expect(error.code).toBe('INVALID_CONTENT_LENGTH');
    },
  );

  it('STOMP 1.2 §Header content-length: leading zeros are still a decimal integer', () => {
    const { frames } = parse('SEND\ncontent-length:003\n\nabc\0');
    expect(text(frames[0]!.body)).toBe('abc');
  });

  it('STOMP 1.2 §Repeated Header Entries: the first occurrence wins, content-length included', () => {
    const { frames } = parse('MESSAGE\nfoo:World\nfoo:Hello\ncontent-length:2\ncontent-length:5\n\nab\0');
    expect(frames[0]!.headers['foo']).toBe('World');
    expect(text(frames[0]!.body)).toBe('ab');
  });

  it('STOMP 1.2 §Value Encoding: header names are case-sensitive', () => {
    const { frames } = parse('SEND\nFoo:1\nfoo:2\n\n\0');
    expect({ ...frames[0]!.headers }).toEqual({ Foo: '1', foo: '2' });
  });

  it('STOMP 1.2 §Value Encoding: spaces around names and values are kept', () => {
    const { frames } = parse('SEND\n key : value \n\n\0', { version: '1.2' });
    expect({ ...frames[0]!.headers }).toEqual({ ' key ': ' value ' });
  });

  it('STOMP 1.2 §Value Encoding: header names and values are UTF-8', () => {
    const { frames } = parse('SEND\nnäme:välue ☃ 😀\n\n\0', { version: '1.2' });
    expect({ ...frames[0]!.headers }).toEqual({ 'näme': 'välue ☃ 😀' });
  });

  it('STOMP 1.2 §Value Encoding: invalid UTF-8 in a header is INVALID_UTF8', () => {
    const input = new Uint8Array([...bytes('SEND\nk:'), 0xc3, 0x28, ...bytes('\n\n\0')]);
    const error = thrown(() => parse(input));
    expect(error).toBeInstanceOf(StompCodecError);
    expect(error.code).toBe('INVALID_UTF8');
  });

  it('STOMP 1.0: only the first colon splits a header, later colons belong to the value', () => {
    const { frames } = parse('SEND\nreply-to:tcp://host:61613\n\n\0', { version: '1.0' });
    expect(frames[0]!.headers['reply-to']).toBe('tcp://host:61613');
  });

  it('STOMP 1.2: a raw colon in a value is tolerated the same way (first colon splits)', () => {
    const { frames } = parse('SEND\nurl:a:b\n\n\0', { version: '1.2' });
    expect(frames[0]!.headers['url']).toBe('a:b');
  });

  it('STOMP 1.2 §STOMP Frames: a header line without a colon is MALFORMED_HEADER', () => {
    const error = thrown(() => parse('SEND\nnocolon\n\n\0'));
    expect(error.code).toBe('MALFORMED_HEADER');
    expect(error.message).toContain('nocolon');
  });

  it('STOMP 1.2 §STOMP Frames: a header with an empty name is MALFORMED_HEADER', () => {
    expect(thrown(() => parse('SEND\n:value\n\n\0')).code).toBe('MALFORMED_HEADER');
  });

  it('STOMP 1.2 §STOMP Frames: commands are case-sensitive; unknown ones are UNKNOWN_COMMAND', () => {
    const error = thrown(() => parse('send\n\n\0'));
    expect(error).toBeInstanceOf(StompCodecError);
    expect(error.code).toBe('UNKNOWN_COMMAND');
    expect(error.message).toContain('"send"');
  });

  it('a broker parser restricted to CLIENT_COMMANDS rejects a MESSAGE frame', () => {
    const error = thrown(() => parse('MESSAGE\n\n\0', { commands: CLIENT_COMMANDS }));
    expect(error.code).toBe('UNKNOWN_COMMAND');
  });

  it('header objects have a null prototype so __proto__ is an ordinary header', () => {
    const { frames } = parse('SEND\n__proto__:x\nconstructor:y\n\n\0');
    const headers = frames[0]!.headers;
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(headers['__proto__']).toBe('x');
    expect(headers['constructor']).toBe('y');
  });

  it('every frame gets a headers object of its own, a frame without header lines too, and the receiver may change it', () => {
    const { frames } = parse('DISCONNECT\n\n\0SEND\ndestination:/queue/a\n\n\0DISCONNECT\n\n\0');
    const [first, second, third] = frames.map((f) => f.headers);
    first!['added'] = 'by the receiver';
    expect(plain(frames[0]!).headers).toEqual({ added: 'by the receiver' });
    expect(second).toEqual({ destination: '/queue/a' });
    expect(third).toEqual({});
    expect(third).not.toBe(first);
  });
});

describe('heart-beats', () => {
  it('STOMP 1.2 §Heart-beating: each EOL between frames is one heart-beat', () => {
    const { frames, heartbeats } = parse('\n\r\nSEND\n\nA\0\n\n\nSEND\n\nB\0\r\n');
    expect(frames.map((f) => text(f.body))).toEqual(['A', 'B']);
    expect(heartbeats).toBe(6);
  });

  it('STOMP 1.2 §Heart-beating: a CRLF heart-beat split across chunks counts once', () => {
    const { heartbeats, parser } = parseChunks([bytes('\r'), bytes('\n'), bytes('\r')]);
    expect(heartbeats).toBe(1);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('STOMP 1.2 §Heart-beating: heart-beats alone produce no frame', () => {
    const { frames, heartbeats } = parse('\n\n\n');
    expect(frames).toHaveLength(0);
    expect(heartbeats).toBe(3);
  });
});

describe('header escaping', () => {
  it('STOMP 1.2 §Value Encoding: \\r \\n \\c \\\\ decode in names and values', () => {
    const { frames } = parse('SEND\na\\cb:1\\r\\n2\\c3\\\\4\n\n\0', { version: '1.2' });
    expect({ ...frames[0]!.headers }).toEqual({ 'a:b': '1\r\n2:3\\4' });
  });

  it('STOMP 1.1 §Value Encoding: \\n \\c \\\\ decode', () => {
    const { frames } = parse('SEND\nk:1\\n2\\c3\\\\4\n\n\0', { version: '1.1' });
    expect(frames[0]!.headers['k']).toBe('1\n2:3\\4');
  });

  it('STOMP 1.1 §Value Encoding: \\r is not defined in 1.1 and is INVALID_ESCAPE', () => {
    const error = thrown(() => parse('SEND\nk:a\\rb\n\n\0', { version: '1.1' }));
    expect(error.code).toBe('INVALID_ESCAPE');
  });

  it.each(['\\t', '\\x', '\\ ', '\\'])(
    'STOMP 1.2 §Value Encoding: undefined escape %j is INVALID_ESCAPE (a fatal protocol error)',
    (escape) => {
      const error = thrown(() => parse(`SEND\nk:a${escape}\n\n\0`, { version: '1.2' }));
      expect(error).toBeInstanceOf(StompCodecError);
      expect(error.code).toBe('INVALID_ESCAPE');
    },
  );

  it('STOMP 1.0: backslashes are literal, no escaping at all', () => {
    const { frames } = parse('SEND\nk:a\\nb\\t\n\n\0', { version: '1.0' });
    expect(frames[0]!.headers['k']).toBe('a\\nb\\t');
  });

  it.each(['CONNECT', 'STOMP', 'CONNECTED'])(
    'STOMP 1.2 §Value Encoding: %s frames are never unescaped, whatever the version',
    (command) => {
      const { frames } = parse(`${command}\npasscode:p\\c\\t\n\n\0`, { version: '1.2' });
      expect(frames[0]!.headers['passcode']).toBe('p\\c\\t');
    },
  );

  it('setVersion called from onFrame applies to the next frame in the same chunk', () => {
    const input = bytes('CONNECT\naccept-version:1.2\n\n\0SEND\nk:a\\cb\n\n\0');
    const frames: StompFrame[] = [];
    const parser = new FrameParser((frame) => {
      frames.push(frame);
      if (frame.command === 'CONNECT') parser.setVersion('1.2');
    });
    parser.push(input);
    expect(frames[1]!.headers['k']).toBe('a:b');
  });
});

describe('limits', () => {
  it('DEFAULT_LIMITS are the documented values', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxFrameSize: 100 * 1024 * 1024,
      maxHeaders: 1000,
      maxHeaderLineLength: 10240,
      maxCommandLength: 256,
    });
  });

  it('FRAME_TOO_LARGE as soon as content-length is parsed, before any body byte', () => {
    const frames: StompFrame[] = [];
    const parser = new FrameParser((f) => frames.push(f));
    const error = thrown(() => parser.push(bytes('SEND\ncontent-length:104857700\n')));
    expect(error).toBeInstanceOf(StompCodecError);
    expect(error.code).toBe('FRAME_TOO_LARGE');
    expect(error.message).toBe('frame body of 104857700 bytes exceeds the maximum frame size of 104857600 bytes');
  });

  it('FRAME_TOO_LARGE as soon as a body without content-length outgrows the limit', () => {
    const parser = new FrameParser(() => {}, { maxFrameSize: 10 });
    parser.push(bytes('SEND\n\n0123456789'));
    const error = thrown(() => parser.push(bytes('X')));
    expect(error.code).toBe('FRAME_TOO_LARGE');
    expect(error.message).toBe('frame body of at least 11 bytes exceeds the maximum frame size of 10 bytes');
  });

  it('a body exactly at maxFrameSize is accepted', () => {
    const { frames } = parse('SEND\n\n0123456789\0SEND\ncontent-length:10\n\n0123456789\0', { maxFrameSize: 10 });
    expect(frames).toHaveLength(2);
  });

  it('TOO_MANY_HEADERS names the limit', () => {
    const ok = 'SEND\n' + 'h:1\n'.repeat(3) + '\n\0';
    expect(parse(ok, { maxHeaders: 3 }).frames).toHaveLength(1);
    const error = thrown(() => parse('SEND\n' + 'h:1\n'.repeat(4) + '\n\0', { maxHeaders: 3 }));
    expect(error.code).toBe('TOO_MANY_HEADERS');
    expect(error.message).toBe('frame has 4 header lines so far, more than the maximum of 3 headers');
  });

  it('HEADER_LINE_TOO_LONG with the length seen; the CR of CRLF does not count', () => {
    expect(parse('SEND\r\nk:123456\r\n\r\n\0', { maxHeaderLineLength: 8 }).frames).toHaveLength(1);
    const error = thrown(() => parse('SEND\nk:1234567\n\n\0', { maxHeaderLineLength: 8 }));
    expect(error.code).toBe('HEADER_LINE_TOO_LONG');
    expect(error.message).toBe('header line of 9 bytes exceeds the maximum header line length of 8 bytes');
  });

  it('HEADER_LINE_TOO_LONG before the line ends, so an endless line cannot grow memory', () => {
    const parser = new FrameParser(() => {}, { maxHeaderLineLength: 8 });
    parser.push(bytes('SEND\nk:12345'));
    const error = thrown(() => parser.push(bytes('67890')));
    expect(error.code).toBe('HEADER_LINE_TOO_LONG');
    expect(error.message).toContain('at least');
  });

  it('COMMAND_TOO_LONG with the length seen', () => {
    const error = thrown(() => parse('X'.repeat(300) + '\n\n\0'));
    expect(error.code).toBe('COMMAND_TOO_LONG');
    expect(error.message).toBe('command line of 300 bytes exceeds the maximum command length of 256 bytes');
    const parser = new FrameParser(() => {});
    const partial = thrown(() => parser.push(bytes('Y'.repeat(400))));
    expect(partial.code).toBe('COMMAND_TOO_LONG');
    expect(partial.message).toBe('command line of at least 399 bytes exceeds the maximum command length of 256 bytes');
    const complete = thrown(() => parse('SUBSCRIBE\n\n\0', { maxCommandLength: 4 }));
    expect(complete.message).toBe('command line of 9 bytes exceeds the maximum command length of 4 bytes');
  });

  it('limits are read from the options object when a parser is made, even when the same object is reused', () => {
    const options = { maxFrameSize: 10 };
    const strict = new FrameParser(() => {}, options);
    const strictToo = new FrameParser(() => {}, options);
    expect(thrown(() => strict.push(bytes('SEND\ncontent-length:11\n\n'))).code).toBe('FRAME_TOO_LARGE');
    options.maxFrameSize = 100;
    const frames: StompFrame[] = [];
    new FrameParser((f) => frames.push(f), options).push(bytes('SEND\ncontent-length:11\n\n0123456789A\0'));
    expect(frames).toHaveLength(1);
    // A parser made before the change keeps the limit it was made with.
    expect(thrown(() => strictToo.push(bytes('SEND\ncontent-length:11\n\n'))).code).toBe('FRAME_TOO_LARGE');
  });

  it('rejects limits that are not non-negative integers', () => {
    expect(() => new FrameParser(() => {}, { maxHeaders: -1 })).toThrow(RangeError);
    expect(() => new FrameParser(() => {}, { maxFrameSize: Number.NaN })).toThrow(RangeError);
  });
});

describe('chunking and buffers', () => {
  it('a frame inside one chunk has a body that is a view on that chunk (zero-copy)', () => {
    const input = bytes('SEND\ncontent-length:5\n\nhello\0SEND\n\nworld\0');
    const { frames } = parse(input);
    for (const frame of frames) expect(frame.body.buffer).toBe(input.buffer);
    expect(frames[0]!.body.byteOffset).toBe(bytes('SEND\ncontent-length:5\n\n').length);
  });

  it('a body split across chunks is assembled once into its own buffer', () => {
    const input = bytes('SEND\ncontent-length:5\n\nhello\0');
    const chunks = oneByteChunks(input);
    const { frames } = parseChunks(chunks);
    expect(text(frames[0]!.body)).toBe('hello');
    expect(frames[0]!.body.buffer.byteLength).toBe(5);
  });

  it('every split point of a frame sequence parses to the same frames', () => {
    const input = bytes('\nSEND\r\nk:v\r\ncontent-length:3\r\n\r\na\0b\0MESSAGE\nx:y\n\nbody\0\r\n');
    const whole = parse(input);
    for (let i = 0; i <= input.length; i++) {
      const split = parseChunks([input.subarray(0, i), input.subarray(i)]);
      expect(split.frames.map(plain)).toEqual(whole.frames.map(plain));
      expect(split.heartbeats).toBe(whole.heartbeats);
    }
    const single = parseChunks(oneByteChunks(input));
    expect(single.frames.map(plain)).toEqual(whole.frames.map(plain));
  });

  it('bufferedBytes counts the incomplete frame and drops to 0 when it completes', () => {
    const parser = new FrameParser(() => {});
    parser.push(bytes('SEND\ncontent-length:10\n\n'));
    expect(parser.bufferedBytes).toBe(24);
    parser.push(bytes('12345'));
    expect(parser.bufferedBytes).toBe(29);
    parser.push(bytes('67890\0'));
    expect(parser.bufferedBytes).toBe(0);
  });

  it('a 1 MiB body pushed one byte at a time is assembled without quadratic copying', () => {
    // Re-concatenating on every push would copy ~550 GB here and hit the test timeout.
    const body = new Uint8Array(1 << 20).fill(0x61);
    const input = encodeFrame('SEND', { destination: '/q' }, body, { version: '1.2' });
    const frames: StompFrame[] = [];
    const parser = new FrameParser((f) => frames.push(f));
    // Views rather than copies so the test measures the parser, not the allocator.
    for (let i = 0; i < input.length; i++) parser.push(input.subarray(i, i + 1));
    expect(frames[0]!.body.length).toBe(body.length);
    // A deep toEqual over 1 Mi elements is slower than the parsing under test.
    expect(frames[0]!.body.every((b) => b === 0x61)).toBe(true);
  });
});

describe('failure', () => {
  it('after an error the parser stays failed: every later push throws the same error', () => {
    const parser = new FrameParser(() => {});
    const first = thrown(() => parser.push(bytes('BOGUS\n\n\0')));
    expect(first.code).toBe('UNKNOWN_COMMAND');
    expect(thrown(() => parser.push(bytes('SEND\n\n\0')))).toBe(first);
    expect(thrown(() => parser.push(new Uint8Array(0)))).toBe(first);
  });

  it('frames completed before the error in the same chunk are still delivered', () => {
    const frames: StompFrame[] = [];
    const parser = new FrameParser((f) => frames.push(f));
    expect(thrown(() => parser.push(bytes('SEND\n\nok\0NOPE\n\n\0'))).code).toBe('UNKNOWN_COMMAND');
    expect(frames.map((f) => f.command)).toEqual(['SEND']);
  });

  it('an exception from onFrame propagates and also leaves the parser failed', () => {
    const boom = new Error('handler failed');
    const parser = new FrameParser(() => {
      throw boom;
    });
    expect(thrown(() => parser.push(bytes('SEND\n\n\0SEND\n\n\0')))).toBe(boom);
    expect(thrown(() => parser.push(bytes('SEND\n\n\0')))).toBe(boom);
  });
});
