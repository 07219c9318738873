import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';

/**
 * `npm start`'s server: models/ is served as plain files for the app's fetches, while a module
 * import of a file there (the app imports models/morpho-mnist.json) stays Vite's to transform.
 */
describe('the dev server of npm start', { timeout: 60_000 }, () => {
  let server: ViteDevServer;
  let base = '';

  beforeAll(async () => {
    server = await createServer({
      configFile: 'vite.config.ts',
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await server.listen();
    const address = server.httpServer?.address();
    if (address === null || address === undefined || typeof address === 'string') {
      throw new Error('the dev server has no port');
    }
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves a model file as it is to a fetch', async () => {
    const response = await fetch(`${base}/models/index.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { models: unknown[] }).models.length).toBeGreaterThan(0);
  });

  it('hands a module import of a file in models/ to Vite, as JavaScript', async () => {
    const response = await fetch(`${base}/models/morpho-mnist.json?import`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(await response.text()).toContain('export default');
  });
});
