/** Jest runs in ESM mode (PGlite and Nest 12 are ES modules): see STACK.md item 1. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/{apps,libs,projections,test}/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60000,
  // Two files at a time (one per core: most suites wait on the database, processes or timers as
  // much as they compute; 530 s against 803 s for the whole run on one machine), each in a worker
  // process that jest replaces by a fresh one once it holds more than 1 GB: every ESM test file
  // leaves its module graph on the heap, and one process for the whole run (--runInBand) slowed
  // down as the heap grew (to 2.6 GB). The suites that run the built service take turns holding
  // dist/ (`holdBuiltDist` in test/support/build.ts). `npm test -- --runInBand` still runs
  // everything in the jest process.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
