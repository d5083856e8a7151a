{% load static %}// The service worker of Xung Kích Số (served at /sw.js so that it covers every page). It keeps the
// app shell, the static files and the recording pages of the volunteer's shifts of today and
// tomorrow, so that they open with no connection. The page's outbox (static/js/outbox.js) keeps
// entries in IndexedDB until the server confirms each one; where the browser has Background Sync,
// this worker also sends them once the connection is back, even with no page open.
importScripts(
  "{% static 'vendor/workbox/workbox-sw.js' %}",
  "{% static 'vendor/idb/umd.js' %}",
  "{% static 'js/outbox-send.js' %}",
);
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

// Background Sync: send what the signed-in user kept on this phone, batch after batch. A failure
// rejects, so that the browser tries again later by itself.
async function sendKeptEntries() {
  const db = await XksOutbox.openDatabase();
  const reviews = [];
  try {
    const sender = await db.get("meta", "sender");
    if (!sender) return;
    for (let round = 0; round < 100; round += 1) {
      const outcome = await XksOutbox.send(db, sender);
      if (outcome.status === "signed_out") break; // the page says so at its next visit
      if (outcome.status !== "sent" && outcome.status !== "empty") throw new Error(outcome.status);
      reviews.push(...outcome.reviews);
      if (!outcome.more) break;
    }
  } finally {
    db.close();
  }
  const windows = await self.clients.matchAll({ type: "window" });
  // An open page says what became of them, as if it had sent them itself.
  windows.forEach((client) => client.postMessage({ type: "outbox-sent", reviews }));
}

self.addEventListener("sync", (event) => {
  if (event.tag === XksOutbox.SYNC_TAG) event.waitUntil(sendKeptEntries());
});
