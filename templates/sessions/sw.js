{% load static %}// The service worker of Xung Kích Số (served at /sw.js so that it covers every page). It keeps the
// app shell, the static files and the recording pages of the volunteer's shifts of today and
// tomorrow, so that they open with no connection. Entries are not sent from here: the page's
// outbox (static/js/outbox.js) keeps them in IndexedDB until the server confirms each one.
importScripts("{% static 'vendor/workbox/workbox-sw.js' %}");
workbox.setConfig({ modulePathPrefix: "{{ workbox_prefix }}", debug: false });

const PAGES = "xks-pages-v1";
const STATIC = "xks-static-v1";
const STATIC_PREFIX = "{{ static_prefix }}";
const FALLBACK_PAGES = {{ fallback_pages|safe }};

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// Only a signed-in page that was not a redirect (to the sign-in page) is worth keeping.
const onlyRealPages = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected ? response : null,
};
const pageMatch = { ignoreVary: true };

workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(STATIC_PREFIX),
  new workbox.strategies.StaleWhileRevalidate({ cacheName: STATIC }),
);
workbox.routing.registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" &&
    url.origin === self.location.origin &&
    !url.pathname.startsWith("/admin/") &&
    !url.pathname.startsWith("/accounts/"),
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 6,
    plugins: [onlyRealPages],
    matchOptions: pageMatch,
  }),
);
// A page never opened while online: the home page if kept, else a short note, not the browser's error.
workbox.routing.setCatchHandler(async ({ request }) => {
  if (request.mode !== "navigate") return Response.error();
  const cache = await caches.open(PAGES);
  for (const url of FALLBACK_PAGES) {
    const kept = await cache.match(url, pageMatch);
    if (kept) return kept;
  }
  return new Response(
    '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      "<title>Không có kết nối</title><p style=\"font:18px sans-serif;padding:1em\">" +
      "Không có kết nối. Trang này chưa được lưu trên máy; hãy mở lại khi có sóng.</p>",
    { headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
});

async function keepPages(urls) {
  const cache = await caches.open(PAGES);
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) {
      // No connection now: the page is kept at the next visit.
    }
  }
}

async function forgetEverything() {
  for (const name of await caches.keys()) await caches.delete(name);
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep-pages" && Array.isArray(message.urls)) event.waitUntil(keepPages(message.urls));
  if (message.type === "forget") event.waitUntil(forgetEverything());
});
