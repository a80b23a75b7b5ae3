/// <reference lib="webworker" />
// The service worker: the app, its workers, their wasm and the bundled default model are
// precached at install, so a reload with no network opens the lab on the default model.
// Hub downloads are not here: the model loader keeps them in the Cache API itself.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Any address of the app (with ?model=… and the like) opens the one page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// The model loader asks for optional files (a weight index, generation_config.json, …). Every
// file the bundled models have is precached above, so offline, any other name there is absent.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.includes('/models/'),
  async ({ request }) => {
    try {
      return await fetch(request);
    } catch {
      return new Response(null, { status: 404, statusText: 'Not in the offline copy' });
    }
  },
);

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
