// Bundles the compiled import thread (dist/apps/cli/import/import-thread-entry.js) into
// dist/apps/cli/import/bundle/: run by `npm run build` after tsc. The thread then loads a few files
// instead of ~600 (kysely alone is 263 ES modules): ~0.2 s instead of ~0.47 s before the first row.
// inputs.json records every bundled file's size and modification time; the command line uses
// the bundle only while they all still match (`importThreadEntry`), else the unbundled entry.
import { build } from 'esbuild';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = resolve(root, 'dist/apps/cli/import/bundle');

/**
 * pg asks whether it runs on Cloudflare Workers when its connection module loads: on Node 20,
 * which has no `navigator`, by constructing a `Response`, which loads node's bundled undici
 * (~14 ms of the thread's start, before the first row; cpu profile). The import thread runs on
 * Node, never on Workers: in the bundle the check answers false at once. A pg whose check reads
 * otherwise fails the build, so an upgrade cannot silently drop this.
 */
const notOnCloudflare = {
  name: 'pg-not-on-cloudflare',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const head = 'function isCloudflareRuntime() {';
      if (!source.includes(head))
        throw new Error(`${args.path}: isCloudflareRuntime() not found; see ${fileURLToPath(import.meta.url)}`);
      return { contents: source.replace(head, `${head}\n  return false;`), loader: 'js' };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  plugins: [notOnCloudflare],
  absWorkingDir: root,
  entryPoints: ['dist/apps/cli/import/import-thread-entry.js'],
  outdir,
  bundle: true,
  // dynamic imports (reconcile, the EventStoreDB client) stay separate chunks, loaded when used
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // native or asset-loading packages, and those loaded only on request, stay in node_modules
  external: ['@electric-sql/pglite', '@eventstore/db-client', 'pg-native', 'pino'],
  // CommonJS packages inside an ES module bundle call require(): give each chunk one
  banner: {
    js: "import { createRequire as __caretrackRequire } from 'node:module'; const require = __caretrackRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

const inputs = {};
for (const file of Object.keys(result.metafile.inputs).sort()) {
  const info = await stat(resolve(root, file));
  inputs[relative(outdir, resolve(root, file))] = [info.size, info.mtimeMs];
}
await writeFile(resolve(outdir, 'inputs.json'), `${JSON.stringify(inputs)}\n`);
console.log(`import thread bundled: ${Object.keys(inputs).length} files into ${relative(root, outdir)}/`);
