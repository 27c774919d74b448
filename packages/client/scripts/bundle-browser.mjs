// Builds dist/tsmq-client.browser.js: the browser entry with @tsmq/codec and @tsmq/selector bundled
// in, as one ES module with no Node built-ins (for pages without a bundler). Run after `tsc -b`.
import { rolldown } from 'rolldown';
import { fileURLToPath } from 'node:url';

const dist = (pkg, file = 'index.js') => fileURLToPath(new URL(`../../${pkg}/dist/${file}`, import.meta.url));
const bundle = await rolldown({
  input: dist('client', 'browser.js'),
  platform: 'browser',
  resolve: { alias: { '@tsmq/codec': dist('codec'), '@tsmq/selector': dist('selector') } },
});
await bundle.write({ file: fileURLToPath(new URL('../dist/tsmq-client.browser.js', import.meta.url)), format: 'esm', sourcemap: true });
await bundle.close();
