import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const MODELS_DIR = resolve('models');

/**
 * The top-level models/ folder as the site's /models/: served by `npm start` (no copy, so a
 * freshly trained model shows up on reload) and copied into dist/models/ by `npm run build`.
 */
function serveModels(): Plugin {
  return {
    name: 'serve-models',
    configureServer(server) {
      server.middlewares.use('/models', (request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://x');
        // A module import of a file here (`import … from 'models/x.json'` arrives as
        // /models/x.json?import) is Vite's to transform; only plain fetches are served as files.
        if (url.search !== '') {
          next();
          return;
        }
        const pathname = decodeURIComponent(url.pathname);
        const file = normalize(join(MODELS_DIR, pathname));
        if (!file.startsWith(MODELS_DIR + sep) || !existsSync(file) || !statSync(file).isFile()) {
          next();
          return;
        }
        const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        response.writeHead(200, {
          ...crossOriginIsolation,
          'Content-Type': type,
          'Content-Length': String(statSync(file).size),
          'Cache-Control': 'no-cache',
        });
        createReadStream(file).pipe(response);
      });
    },
    writeBundle(options) {
      const outDir = options.dir ?? resolve('dist');
      if (existsSync(MODELS_DIR)) cpSync(MODELS_DIR, join(outDir, 'models'), { recursive: true });
    },
  };
}

/**
 * Writes the build's id into dist/sw.js (a hash of the files the build emitted), so every new
 * build is a new service worker whose cache has a new name, and it drops the old caches when it
 * activates.
 */
function serviceWorkerVersion(): Plugin {
  return {
    name: 'service-worker-version',
    apply: 'build',
    generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      for (const name of Object.keys(bundle).sort()) hash.update(name);
      const path = resolve('public', 'sw.js');
      const source = readFileSync(path, 'utf8').replace(
        '__BUILD_ID__',
        hash.digest('hex').slice(0, 12),
      );
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

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
  // Relative URLs throughout, so dist/ works from any folder: a domain's root or a project page
  // under /some-name/ (test/e2e/subpath.test.ts serves it there).
  base: './',
  plugins: [svelte(), serveModels(), serviceWorkerVersion()],
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
