// Offline support: network first, falling back to the copy saved on an earlier visit. The app's
// own files only (same origin); model files are kept in IndexedDB by the app, not here.
const CACHE = 'unlearning-playground-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

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
