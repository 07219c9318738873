import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'models/', '.cache/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    // The layering of the house style: lib never reaches up into ui or cli, nor into Node.
    files: ['src/lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/ui/**', '**/cli/**'], message: 'src/lib must not import ui or cli.' },
            { group: ['node:*'], message: 'src/lib runs in the browser too: no node: imports.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'dataSync', message: 'Use await t.data(): dataSync stalls WebGPU.' },
        { property: 'arraySync', message: 'Use await t.array(): arraySync stalls WebGPU.' },
      ],
    },
  },
  {
    files: ['src/lib/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'fetch'],
    },
  },
);
