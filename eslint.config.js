import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import domainOwnsModels from './scripts/eslint/domain-owns-models.mjs';
import routesInTables from './scripts/eslint/routes-in-tables.mjs';
import trustedOperators from './scripts/eslint/trusted-operators.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.data/**', 'tools/**', 'tests/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // Follow-up work goes through the outbox (server/src/infra/outbox.ts), so a write and its
    // effects cannot be separated by a Redis outage or a crash: no direct queue adds elsewhere.
    files: ['server/src/**/*.ts', 'workers/src/**/*.ts'],
    ignores: ['server/src/infra/outbox.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(add|addBulk)$/][callee.object.type='MemberExpression'][callee.object.object.name='queues']",
          message: 'Schedule follow-up work with outbox.schedule() (server/src/infra/outbox.ts), not queue.add().',
        },
        {
          selector:
            "CallExpression[callee.property.name=/^(add|addBulk)$/][callee.object.type='MemberExpression'][callee.object.object.property.name='queues']",
          message: 'Schedule follow-up work with outbox.schedule() (server/src/infra/outbox.ts), not queue.add().',
        },
      ],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Each server domain owns its collections (see scripts/eslint/domain-owns-models.mjs).
    files: ['server/src/**/*.ts', 'workers/src/**/*.ts'],
    // Query operators built in code are marked trusted() (sanitizeFilter is on), and every route
    // is in a route table (scripts/eslint/trusted-operators.mjs, routes-in-tables.mjs).
    plugins: {
      commons: {
        rules: {
          'domain-owns-models': domainOwnsModels,
          'trusted-operators': trustedOperators,
          'routes-in-tables': routesInTables,
        },
      },
    },
    rules: {
      'commons/domain-owns-models': ['error', { root: 'server/src' }],
      'commons/trusted-operators': 'error',
      'commons/routes-in-tables': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs', '**/*.config.{js,ts}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
