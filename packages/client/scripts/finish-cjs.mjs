// The package is "type": "module"; this marks the CommonJS build's directory as CommonJS so Node
// loads its .js files with require semantics.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
