// Tests are compiled by `tsc` (npm run build) and Jest runs the emitted ES modules as they are:
// no per-file transform, one type-check, and the same module graph as production.
export default {
  rootDir: 'dist',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  // test/faults is the slow fault and stress suite: `npm run test:faults`, not part of `npm test`.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/'],
  transform: {},
  testEnvironment: 'node',
  testTimeout: 240_000,
  moduleFileExtensions: ['js', 'json'],
  reporters: ['default', '<rootDir>/../scripts/jest-summary-reporter.cjs'],
};
