import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'scripts/**', '*.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O modules.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      // Type-only imports are erased at build time, so workflows may name activity types (proxyActivities<T>).
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'events', 'stream'], message: 'Workflow-reachable code must stay deterministic: no Node built-ins.' },
          { group: ['**/adapters/**', '**/activities/**', 'execa', '@octokit/*', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'Workflows reach the outside only through activities.', allowTypeImports: true },
        ],
      }],
    },
  },
);
