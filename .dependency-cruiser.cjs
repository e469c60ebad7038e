/**
 * Import boundaries of docs/architecture.md ("Who may import whom"), checked by dependency-cruiser
 * in `npm run lint` (and so in .ci/run). Paths are relative to the repository root.
 *
 *   apps/*                 → libs/*, projections/            (they wire everything)
 *   projections/           → libs/domain (event types), libs/read-store, libs/projection-engine
 *   libs/projection-engine → libs/event-store (port), libs/read-store, libs/personal-data (decrypt)
 *   libs/personal-data     → libs/read-store (its key table), libs/domain (the event catalogue's types)
 *   libs/domain            → nothing of ours
 *   libs/event-store       → nothing of ours
 *   libs/read-store        → nothing of ours
 * Production code never imports tests, benchmarks or test helpers. Specs and test helpers of the
 * domain, the engine and the projections may reach across layers to cross-check them.
 */
const ours = '^(apps|libs|projections|test|bench)/';
/** @param {string[]} allowed path prefixes a layer may import besides itself */
const onlyInto = (allowed) => `^(?!(${allowed.join('|')})/)(apps|libs|projections|test|bench)/`;
const testHelpers =
  '(^test/|^bench/|/testing/|\\.spec\\.ts$|/given\\.ts$|/test-context\\.ts$|/test-schema\\.ts$|/timeline-fixtures\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'libs/domain imports nothing of ours: no store, no clock, no HTTP (its specs may cross-check with other layers).',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: testHelpers },
      to: { path: onlyInto(['libs/domain']) },
    },
    {
      name: 'event-store-knows-no-domain',
      comment: 'A store adapter never sees the domain, the engine or the apps.',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: onlyInto(['libs/event-store']) },
    },
    {
      name: 'read-store-stands-alone',
      severity: 'error',
      from: { path: '^libs/read-store/' },
      to: { path: onlyInto(['libs/read-store']) },
    },
    {
      name: 'personal-data-layer',
      comment: 'The key store and field encryption need the read store and the event catalogue only.',
      severity: 'error',
      from: { path: '^libs/personal-data/' },
      to: { path: onlyInto(['libs/personal-data', 'libs/read-store', 'libs/domain']) },
    },
    {
      name: 'engine-knows-projections-by-shape',
      comment: 'The engine knows projections only through their declared shape, and no domain rule.',
      severity: 'error',
      from: { path: '^libs/projection-engine/', pathNot: testHelpers },
      to: { path: onlyInto(['libs/projection-engine', 'libs/event-store', 'libs/read-store', 'libs/personal-data']) },
    },
    {
      name: 'projections-use-engine-and-domain',
      comment: 'Projections get decrypted events from the engine: they never call crypto code or a store.',
      severity: 'error',
      from: { path: '^projections/', pathNot: testHelpers },
      to: { path: onlyInto(['projections', 'libs/domain', 'libs/read-store', 'libs/projection-engine']) },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'production-never-imports-tests',
      comment: 'Test helpers, tests and benchmarks stay out of the production build.',
      severity: 'error',
      from: { path: '^(apps|libs|projections)/', pathNot: testHelpers },
      to: { path: testHelpers },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of value imports makes load order matter; cycles through types only are harmless.',
      severity: 'error',
      from: { path: ours },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
