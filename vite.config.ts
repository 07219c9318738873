import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Cross-origin isolation for `npm start` and `npm run preview`. With these two headers the page
 * gets SharedArrayBuffer, which TF.js's wasm backend needs to load its threaded SIMD binary;
 * without them it quietly falls back to one thread. `require-corp` blocks cross-origin
 * subresources that don't opt in, which costs nothing here: the site loads only its own files.
 * A static host must send the same headers (test/e2e/helpers/static-server.ts does).
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Minify by renaming only. TF.js's threaded wasm backend starts its pthread workers from
 * `factory.toString()`; the compressor drops the factory's `typeof _scriptDir` guard (the variable
 * is in scope where it compiles), and inside the worker, where that outer variable does not exist,
 * the stringified factory then throws "ReferenceError: e is not defined" and the backend never
 * starts. Without compression the bundle is about 5 % larger (350 KB gzipped instead of 334 KB).
 */
const minifyWithoutCompress = { compress: false, mangle: true, codegen: true };

export default defineConfig({
  plugins: [svelte()],
  worker: { format: 'es', rolldownOptions: { output: { minify: minifyWithoutCompress } } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { output: { minify: minifyWithoutCompress } },
  },
  server: { fs: { allow: ['.'] }, headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
