import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/broker.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** One round trip through the broker; `kind` and `port` are defined by the wrapper. */
const roundTrip = `
  const connection = await new ConnectionFactory('tcp://127.0.0.1:' + port).createConnection();
  const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
  const queue = session.createQueue('packaging.' + kind);
  const consumer = await session.createConsumer(queue);
  await connection.start();
  await session.createProducer(queue).send(session.createTextMessage('via ' + kind));
  const m = await consumer.receive(5000);
  console.log(m.getText());
  await connection.close();
`;
const prelude = (kind: string) => `const kind = '${kind}'; const port = process.argv[process.argv.length - 1];`;
const commonJs = `const { ConnectionFactory, Session } = require('@tsmq/client'); ${prelude('require')}
(async () => { ${roundTrip} })().catch((e) => { console.error(e); process.exit(1); });`;
const esModule = `import { ConnectionFactory, Session } from '@tsmq/client'; ${prelude('import')}
${roundTrip}`;

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: repoRoot, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
    ),
  );
}

describe('@tsmq/client packaging', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('require() loads the CommonJS build and it talks to the broker', async () => {
    expect(await runNode(['-e', commonJs, String(broker.stompPort)])).toBe('via require');
  });

  it('import loads the ES module build and it talks to the broker', async () => {
    expect(await runNode(['--input-type=module', '-e', esModule, String(broker.stompPort)])).toBe('via import');
  });

  it('the package ships type declarations for both builds', async () => {
    const pkg = JSON.parse(await runNode(['-p', "JSON.stringify(require('@tsmq/client/package.json').exports['.'].node)"]));
    expect(pkg.import.types).toMatch(/\.d\.ts$/);
    expect(pkg.require.types).toMatch(/\.d\.ts$/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(new URL(`../packages/client/${pkg.import.types}`, import.meta.url))).toBe(true);
    expect(existsSync(new URL(`../packages/client/${pkg.require.types}`, import.meta.url))).toBe(true);
  });
});
