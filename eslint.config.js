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
  {
    // Pure code: the evaluation numbers, the math of core/ that works on typed arrays, and the
    // page (which must never pull TF.js into its bundle; only the engine worker holds it).
    // Types may come from anywhere; values may not come from TF.js or from modules that load it.
    files: [
      'src/lib/eval/**/*.ts',
      'src/lib/core/**/*.ts',
      'src/ui/**/*.ts',
      'src/ui/**/*.svelte',
      'src/App.svelte',
      'src/main.ts',
    ],
    ignores: [
      'src/lib/core/losses.ts',
      'src/lib/core/ssim.ts',
      'src/lib/core/translate.ts',
      'src/lib/core/gradients/**',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@tensorflow/*',
                '**/lib/train/**',
                '../train/**',
                '**/core/losses',
                '**/core/ssim',
                '**/core/translate',
                '**/core/gradients/**',
                '**/models/bytes',
                '**/models/clone',
                '**/models/classifier',
                '**/models/dcgan',
                '**/models/vae',
                '**/models/image-range',
                '**/engine/local-engine',
                '**/engine/backend',
                '**/engine/self-test',
                '**/engine/wasm-kernels/**',
              ],
              allowTypeImports: true,
              message: 'Pure code: no TF.js, nor modules that load it (type imports are fine).',
            },
          ],
        },
      ],
    },
  },
);
