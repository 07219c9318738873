// Offline support: network first, falling back to the copy saved on an earlier visit. The app's
// own files only (same origin); model files are kept in IndexedDB by the app, not here.
// The build writes its id into the cache name (vite.config.ts), so each release caches apart and
// drops the caches of older releases when it activates.
const PREFIX = 'unlearning-playground-';
const CACHE = `${PREFIX}__BUILD_ID__`;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  ),
);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.includes('/models/') && !url.pathname.endsWith('/index.json')) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(async () => {
        const cached = await caches.match(request, { ignoreSearch: request.mode === 'navigate' });
        if (cached) return cached;
        if (request.mode === 'navigate') {
          const index = await caches.match(new URL('./', self.location.href).href);
          if (index) return index;
        }
        return Response.error();
      }),
  );
});
