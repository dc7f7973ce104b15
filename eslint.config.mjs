// ESLint: typescript-eslint's recommended type-checked rules on every TypeScript file, plus the
// size limits the project keeps (local/: files ≤ 300 lines, functions ≤ 80 lines).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out*/',
      '.local/',
      'coverage/',
      'web/dist/',
      '.probe/',
      '**/*.cjs',
      '**/*.mjs',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['local/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  // The handlers validate with zod/mini through #shared/zod (English messages set once): the classic
  // API would put 440 KB back into every bundle.
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'zod', message: "Import zod/mini through '#shared/zod'." }] },
      ],
    },
  },
  // Tests: a describe or test body is one function by nature.
  { files: ['test/**/*.ts'], rules: { 'max-lines-per-function': 'off' } },
);
