/// <reference lib="webworker" />
/**
 * The app's service worker: everything precached (the app, the tfjs WebAssembly binaries, the models), so the
 * app works offline after one visit; and every response it serves carries the cross-origin isolation
 * headers (COOP `same-origin`, COEP `require-corp`), so that from the second load on, on any static host, the
 * page is `crossOriginIsolated` and tfjs runs WebAssembly on several threads. Everything the app loads is its
 * own; the one outside call, the e-mail relay, is a CORS request, which COEP allows.
 */
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

/** The response, with the headers that make the page (and its workers) cross-origin isolated. */
function isolated(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: ({ response }) => Promise.resolve(isolated(response)) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// The update prompt asks the waiting worker to take over (vite-plugin-pwa's `registerType: 'prompt'`).
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
