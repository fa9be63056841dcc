// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns the layering forbids; each names the rule it enforces. */
const LOCAL_HOST = {
  group: ['**/emulator', '**/emulator/**'],
  message: 'Only the local host and tests import emulator/.',
};
const APP_LAYERS = {
  group: ['**/functions/**', '**/orchestrations/**', '**/scorer/**'],
  message: 'shared/, the CLI and the dashboard never import the Function App, orchestrations or the scorer.',
};
const CLIENTS = { group: ['**/cli/**', '**/web/**'], message: 'shared/ never imports the CLI or the dashboard.' };
const SHARED_FOR_CLIENTS = [
  {
    regex: '(^|/)shared/(?!portable/|api/schemas$)',
    message: 'The CLI and the dashboard import from shared/ only shared/portable/ and the types of shared/api/schemas.',
  },
  {
    group: ['**/shared/api/schemas'],
    allowTypeImports: true,
    message:
      'The CLI and the dashboard import shared/api/schemas with `import type` only (no server code in the bundle).',
  },
];

/**
 * Each program reads its environment in one place: shared/config.ts (the Function App) and shared/scorerConfig.ts
 * (the scorer), on shared/settingsReader.ts; everything else takes its settings from the parsed config.
 */
const ENVIRONMENT_MESSAGE =
  'Read settings in shared/config.ts (the Function App) or shared/scorerConfig.ts (the scorer) and pass the config.';
const ENVIRONMENT_READS = {
  'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENVIRONMENT_MESSAGE }],
  'no-restricted-syntax': [
    'error',
    { selector: "MemberExpression[object.property.name='process'][property.name='env']", message: ENVIRONMENT_MESSAGE },
    // `process` is a global: an import of its module here would only be a way around the rule above.
    { selector: 'ImportDeclaration[source.value=/^(node:)?process$/]', message: ENVIRONMENT_MESSAGE },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.sibyl/**',
      'test/fixtures/**',
      'test/output/**',
      'web/dist/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { tsconfigRootDir: import.meta.dirname, project: ['./tsconfig.test.json', './web/tsconfig.json'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // Layering: the app never depends on the local host, shared/ depends on nothing above it, and the
  // CLI and dashboard take from shared/ only the schema types and the pure modules in shared/portable/.
  {
    files: ['functions/**/*.ts', 'orchestrations/**/*.ts', 'scorer/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [LOCAL_HOST] }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [LOCAL_HOST, APP_LAYERS, CLIENTS] }] },
  },
  {
    files: ['shared/portable/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [LOCAL_HOST, APP_LAYERS, CLIENTS, ...SHARED_FOR_CLIENTS] },
      ],
    },
  },
  {
    files: ['cli/**/*.ts', 'web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [LOCAL_HOST, APP_LAYERS, ...SHARED_FOR_CLIENTS] },
      ],
    },
  },
  // Settings: cli/, emulator/, bench/, scripts/ and the tests are programs of their own, outside this rule.
  {
    files: ['functions/**/*.ts', 'orchestrations/**/*.ts', 'shared/**/*.ts', 'scorer/**/*.ts'],
    ignores: ['shared/config.ts', 'shared/scorerConfig.ts', 'shared/settingsReader.ts'],
    rules: ENVIRONMENT_READS,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
