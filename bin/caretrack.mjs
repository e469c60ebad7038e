#!/usr/bin/env node
// Launches the compiled CLI; `npm run build` (or `npm start`) compiles it.
import { existsSync } from 'node:fs';
const main = new URL('../dist/apps/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('caretrack: not built yet; run `npm run build` first\n');
  process.exit(2);
}
await import(main.href);
