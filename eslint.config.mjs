// Lint (issue 13): typescript-eslint's recommended rules without type information (fast enough
// for 2 cores; the type checker itself runs in `npm run typecheck`), plus a few house rules.
// Import boundaries are dependency-cruiser's (.dependency-cruiser.cjs); layout is prettier's
// (.prettierrc.json), so no formatting rule lives here. Not `consistent-type-imports`: Nest's
// dependency injection reads constructor parameter types at run time (emitDecoratorMetadata),
// so an injected class must stay a value import.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'test/browser/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  { files: ['apps/console/**/*.js'], languageOptions: { globals: globals.browser } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
);
