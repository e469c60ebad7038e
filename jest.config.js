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
  // One file at a time (the files share the PostgreSQL server and 2 cores), in one worker process
  // that jest replaces by a fresh one once it holds more than 1 GB: every ESM test file leaves its
  // module graph on the heap, and one process for the whole run (--runInBand) slowed down as the
  // heap grew (to 2.6 GB). `npm test -- --runInBand` still runs everything in the jest process.
  maxWorkers: 1,
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
