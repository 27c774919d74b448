/**
 * STOMP 1.0/1.1/1.2 frame codec: an incremental parser, a serialiser and the connection-level
 * header rules. No I/O and no Node-only APIs, so it runs in browsers too.
 * @packageDocumentation
 */
export type { PiecewiseFrame, StompFrame, StompHeaders, StompVersion } from './frame.js';
export { BodyPieces, bodyBytes, type FrameBody } from './body-pieces.js';
export { StompCodecError, type CodecErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type ParserLimits } from './limits.js';
export { ALL_COMMANDS, CLIENT_COMMANDS, SERVER_COMMANDS } from './commands.js';
export { FrameParser, PiecewiseFrameParser, PIECEWISE_BODY_MIN, parseContentLength, type FrameParserOptions } from './parser.js';
export { encodeFrame, encodeFrameHead, encodeHeaderLines, HEARTBEAT_EOL, NUL_BYTE, type EncodeOptions } from './encoder.js';
export { negotiateVersion, parseHeartBeat, SUPPORTED_VERSIONS } from './negotiation.js';
export { utf8Decode, utf8Encode } from './utf8.js';
