// Tests are compiled by `tsc` (npm run build) and Jest runs the emitted ES modules as they are:
// no per-file transform, one type-check, and the same module graph as production.
export default {
  rootDir: 'dist',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  // test/faults is the slow fault and stress suite: `npm run test:faults`, not part of `npm test`.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/'],
  transform: {},
  testEnvironment: 'node',
  // Jest 30 'soft deletes' globals a finished test file set and warns when they are touched; its setter for a plain
  // value calls itself, so a late write (a timer or socket callback after the file ended) failed a whole suite with
  // 'Maximum call stack size exceeded' (pueue-cost in CI). Each file runs in a fresh context anyway.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  testTimeout: 240_000,
  moduleFileExtensions: ['js', 'json'],
  reporters: ['default', '<rootDir>/../scripts/jest-summary-reporter.cjs'],
};
