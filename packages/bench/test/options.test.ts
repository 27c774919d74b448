import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseOptions, parseTargetSpec } from '../src/index.js';

describe('parseOptions', () => {
  it('defaults to every scenario, 5 s each, 1,000,000 deep, one round', () => {
    expect(parseOptions([])).toMatchObject({ durationMs: 5000, deep: 1_000_000, idleConnections: 2000, rounds: 1, compare: false });
  });

  it('--quick shortens everything; --deep still wins when given', () => {
    expect(parseOptions(['--quick'])).toMatchObject({ durationMs: 1000, deep: 20_000, warmupMs: 0 });
    expect(parseOptions(['--deep', '500', '--quick'])).toMatchObject({ deep: 500 });
  });

  it('--compare runs at least two rounds so that brokers alternate A B A B', () => {
    expect(parseOptions(['--compare']).rounds).toBe(2);
    expect(parseOptions(['--compare', '--rounds', '3']).rounds).toBe(3);
  });

  it('reads --scenarios, --duration, --target and --label', () => {
    expect(parseOptions(['--scenarios', '1,3,5', '--duration', '2.5', '--target', 'h:1', '--label', 'X'])).toMatchObject({
      scenarios: [1, 3, 5],
      durationMs: 2500,
      target: 'h:1',
      label: 'X',
    });
  });

  it.each([[['--scenarios', '0']], [['--scenarios', '11']], [['--duration', '-1']], [['--bogus']], [['--deep']], [['--compare', '--target', 'h:1']]])(
    '%j is a BENCH_USAGE error',
    (argv) => {
      try {
        parseOptions(argv);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(BenchUsageError);
        expect((error as BenchUsageError).code).toBe('BENCH_USAGE');
      }
    },
  );
});

describe('parseTargetSpec', () => {
  it('reads host:port and the optional login, passcode and vhost', () => {
    expect(parseTargetSpec('127.0.0.1:61733,guest,guest,/')).toEqual({
      host: '127.0.0.1',
      port: 61733,
      credentials: { login: 'guest', passcode: 'guest', vhost: '/' },
    });
    expect(parseTargetSpec('broker:61613')).toEqual({ host: 'broker', port: 61613, credentials: {} });
  });

  it.each(['nohost', ':61613', 'h:0', 'h:99999', 'h:x'])('rejects %s', (spec) => {
    expect(parseTargetSpec(spec)).toBeUndefined();
  });
});
