// The outbox: every tap, tally and undo on the recording page is written first to IndexedDB (npm
// `idb`) with its client id, the phone's time and the shift, counted on screen at once and shown
// as pending until the server confirms it by its client id (POST /my/sync/, docs/counting.md).
// Pending entries are sent in order by themselves: at once, when the connection comes back, and
// again with a growing pause after a failure. Signing out forgets them and the kept pages.
(function () {
  "use strict";
  const body = document.body;
  const user = body.dataset.user;
  const SEND_TIMEOUT_MS = 20000;
  const BATCH = 200;

  function forgetPages() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    }
    if (window.caches) caches.keys().then((names) => names.forEach((name) => caches.delete(name)));
  }

  if (!user) {
    // Signed out (or never signed in): no page of anyone is kept on this phone.
    forgetPages();
    return;
  }
  if (!window.idb || !window.XksOutbox || !window.indexedDB || !window.fetch) return; // the htmx page works as before

  if ("serviceWorker" in navigator && body.dataset.serviceWorker) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(() => {});
  }

  const outbox = window.XksOutbox;
  const database = outbox.openDatabase();
  // What the service worker needs to send this user's entries with no page open (Background Sync).
  database.then((db) => db.put("meta", { user, syncUrl: body.dataset.syncUrl, csrf: csrfToken() }, "sender"));

  const panel = document.getElementById("record-panel");
  const texts = JSON.parse(document.getElementById("outbox-texts").textContent);
  const sessionId = panel ? Number(panel.dataset.session) : null;
  let sending = false;
  let retryDelay = 2000;
  let retryTimer = null;
  let clockOffset = 0;
  let acceptedOutsideHours = false;
  let lastSendProblem = "";

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try {
      return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  async function mine() {
    return outbox.entriesOf(await database, user);
  }

  async function add(entry) {
    entry.user = user;
    entry.seq = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    entry.state = "pending";
    await (await database).put("entries", entry);
    askForBackgroundSync();
  }

  // Where the browser has Background Sync, the service worker sends what is kept even after the
  // page is closed, once the connection is back.
  function askForBackgroundSync() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register(outbox.SYNC_TAG))
      .catch(() => {});
  }

  // Sending --------------------------------------------------------------------------------------

  function schedule() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  // One send at a time; a tap made meanwhile is sent right after it.
  let flushing = false;
  let flushAgain = false;

  async function flush() {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    flushAgain = false;
    lastSendProblem = "";
    let outcome;
    try {
      outcome = await outbox.send(await database, {
        user,
        syncUrl: body.dataset.syncUrl,
        csrf: csrfToken(),
        batch: BATCH,
        timeoutMs: SEND_TIMEOUT_MS,
        onSending() {
          sending = true;
          render();
        },
      });
    } finally {
      sending = false;
      flushing = false;
    }
    const delivered = outcome.status === "empty" || outcome.status === "sent";
    if (delivered) {
      retryDelay = 2000;
      if (outcome.status === "sent") clockOffset = outcome.clockOffset;
      if (outcome.reviews.length) toast(`${texts.review}: ${outcome.reviews.join(" · ")}`, "warning");
    } else {
      lastSendProblem = { signed_out: texts.signed_out, timed_out: texts.timed_out }[outcome.status] || texts.not_sent;
      schedule();
    }
    await render();
    if (delivered && (outcome.more || flushAgain)) flush();
  }

  // The recording page ---------------------------------------------------------------------------

  function toast(text, tone) {
    const box = document.getElementById("toast-text");
    if (!box) return;
    box.textContent = text;
    box.dataset.tone = tone || "info";
  }

  async function baseTotals() {
    const rendered = {
      my_total: Number(panel.dataset.myTotal),
      session_total: Number(panel.dataset.sessionTotal),
      server_time: Number(panel.dataset.serverTime),
    };
    const synced = await (await database).get("meta", `totals:${sessionId}`);
    return synced && synced.server_time > rendered.server_time ? synced : rendered;
  }

  function entryItem(entry) {
    const item = document.createElement("li");
    item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
    item.dataset.outbox = entry.id;
    const label = document.createElement("span");
    const count = document.createElement("strong");
    count.textContent = entry.citizen_count;
    label.append(count, ` × ${entry.service_name} `);
    const badge = document.createElement("span");
    const tone = { pending: "warning", saved: "success", review: "warning", refused: "danger" }[entry.state];
    badge.className = `badge text-bg-${tone} text-wrap text-start`;
    badge.textContent = {
      pending: texts.pending_one,
      saved: texts.saved,
      review: `${texts.review}: ${entry.message}`,
      refused: `${texts.refused}: ${entry.message}`,
    }[entry.state];
    label.append(badge);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-danger btn-tap";
    button.textContent = entry.state === "refused" || entry.state === "review" ? texts.discard : texts.undo;
    button.addEventListener("click", () =>
      entry.state === "saved" ? undoByClientId(entry.client_id, entry.citizen_count, entry.service_name) : removeLocal(entry.id),
    );
    item.append(label, button);
    return item;
  }

  async function render() {
    if (!panel) return;
    const entries = (await mine()).filter((entry) => entry.session === sessionId);
    const waiting = entries.filter((entry) => entry.state === "pending");
    let mineExtra = 0;
    for (const entry of waiting) {
      if (entry.kind === "undo") mineExtra -= entry.undone_count || 0;
      else mineExtra += entry.citizen_count;
    }
    const totals = await baseTotals();
    document.getElementById("my-total").textContent = totals.my_total + mineExtra;
    const whole = document.getElementById("session-total");
    if (whole) whole.textContent = totals.session_total + mineExtra;
    const list = document.getElementById("entries");
    list.querySelectorAll("[data-outbox]").forEach((item) => item.remove());
    const undoing = new Set(waiting.filter((e) => e.kind === "undo").map((e) => e.client_id));
    entries
      .filter((entry) => entry.kind !== "undo" && !undoing.has(entry.client_id))
      .filter((entry) => !list.querySelector(`[data-client-id="${entry.client_id}"]:not([data-outbox])`))
      .forEach((entry) => {
        const item = entryItem(entry);
        item.dataset.clientId = entry.client_id;
        list.prepend(item);
      });
    for (const clientId of undoing) {
      const shown = list.querySelector(`[data-client-id="${clientId}"]`);
      if (shown) shown.hidden = true;
    }
    const pending = document.getElementById("pending");
    pending.dataset.count = String(waiting.length);
    pending.textContent = waiting.length ? texts.pending.replace("{count}", waiting.length) : texts.all_sent;
    pending.className = `badge ${waiting.length ? "text-bg-warning" : "text-bg-success"}`;
    const state = document.getElementById("send-state");
    state.textContent = sending ? texts.sending : waiting.length ? lastSendProblem : "";
  }

  async function removeLocal(id) {
    const db = await database;
    const entry = await db.get("entries", id);
    if (!entry) return;
    if (entry.state === "refused" || !sending) {
      await db.delete("entries", id);
    } else {
      // It may be on its way right now: undo it by its id after it arrives.
      await add({ id: `undo:${entry.client_id}`, client_id: entry.client_id, session: entry.session, kind: "undo", undone_count: entry.citizen_count });
    }
    toast(texts.removed.replace("{service}", entry.service_name), "info");
    render();
  }

  function outsideHours() {
    const now = Date.now() + clockOffset;
    return now < Number(panel.dataset.startsAt) || now > Number(panel.dataset.endsAt);
  }

  async function record(form) {
    const data = new FormData(form);
    const kind = data.get("kind") === "tally" ? "tally" : "tap";
    const select = form.querySelector("select[name=service]");
    const button = form.querySelector("button[data-service]");
    const serviceName = select ? select.selectedOptions[0].textContent.split(" · ").pop() : button.textContent.trim();
    const count = kind === "tally" ? Number.parseInt(data.get("citizen_count"), 10) : 1;
    if (!data.get("service") || !(count >= 1 && count <= 10000)) {
      toast(texts.invalid, "danger");
      return;
    }
    const clientId = newId();
    await add({
      id: clientId,
      client_id: clientId,
      session: sessionId,
      kind,
      service: data.get("service"),
      service_name: serviceName,
      citizen_count: count,
      outcome: data.get("outcome") || "done",
      form_of_help: data.get("form_of_help") || "one_to_one",
      hamlet: data.get("hamlet") || null,
      device_time: Date.now(),
    });
    toast(texts.kept.replace("{service}", serviceName).replace("{count}", count), "success");
    lastAdded = clientId;
    await render();
    flush();
  }
  let lastAdded = null;

  function undoSaved(form) {
    const item = form.closest("[data-client-id]");
    return undoByClientId(item.dataset.clientId, Number(item.dataset.count), item.dataset.serviceName);
  }

  async function undoByClientId(clientId, count, serviceName) {
    await add({ id: `undo:${clientId}`, client_id: clientId, session: sessionId, kind: "undo", undone_count: count });
    toast(texts.removed.replace("{service}", serviceName), "info");
    await render();
    flush();
  }

  let heldForm = null;
  if (panel) {
    document.addEventListener(
      "submit",
      (event) => {
        const form = event.target;
        const isEntry = form.matches("form[data-entry-form]");
        const isUndo = form.matches("form[data-undo-form]");
        if (!isEntry && !isUndo) return;
        // The outbox records it: htmx and the browser do not send this form themselves.
        event.preventDefault();
        event.stopImmediatePropagation();
        if (isUndo) return void undoSaved(form);
        if (!acceptedOutsideHours && outsideHours()) {
          heldForm = form;
          document.getElementById("hours-warning").hidden = false;
          return;
        }
        record(form);
      },
      true,
    );
    document.getElementById("record-anyway").addEventListener("click", () => {
      acceptedOutsideHours = true;
      document.getElementById("hours-warning").hidden = true;
      if (heldForm) record(heldForm);
      heldForm = null;
    });
    document.getElementById("record-cancel").addEventListener("click", () => {
      document.getElementById("hours-warning").hidden = true;
      heldForm = null;
    });
    document.getElementById("undo-last").addEventListener("click", async () => {
      const db = await database;
      if (lastAdded && (await db.get("entries", lastAdded))) return removeLocal(lastAdded);
      const shown = document.querySelector("#entries [data-client-id]:not([hidden])");
      if (shown) shown.querySelector("button").click();
    });
    database.then((db) => db.get("meta", "clock_offset")).then((offset) => {
      clockOffset = offset || 0;
    });
    document.getElementById("outbox-bar").hidden = false;
  }

  // Signing out forgets this phone's outbox and kept pages: the next user sees nothing of them.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-sign-out]") || form.dataset.forgotten) return;
    event.preventDefault();
    await flush();
    const left = (await mine()).filter((entry) => entry.state === "pending").length;
    if (left && !window.confirm(texts.sign_out_pending.replace("{count}", left))) return;
    (await database).close();
    await new Promise((done) => {
      const request = indexedDB.deleteDatabase("xks-outbox");
      request.onsuccess = request.onerror = request.onblocked = done;
    });
    forgetPages();
    localStorage.removeItem(keptKey);
    form.dataset.forgotten = "1";
    form.submit();
  });

  database.then(async (db) => {
    const dayAgo = (Date.now() - 24 * 3600 * 1000) * 1000;
    for (const entry of await mine()) {
      if ((entry.state === "saved" || entry.state === "review") && entry.seq < dayAgo) await db.delete("entries", entry.id);
    }
  });

  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (!event.data || event.data.type !== "outbox-sent") return;
      const reviews = event.data.reviews || [];
      if (reviews.length) toast(`${texts.review}: ${reviews.join(" · ")}`, "warning");
      render();
    });
  }
  window.addEventListener("online", () => {
    retryDelay = 2000;
    flush();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  render();
  flush();
  // Keep today's and tomorrow's recording pages for a day without signal: once every ten minutes,
  // after the page has been left alone for a few seconds (not while the volunteer is busy with it).
  const keptKey = `xks-pages-kept:${user}`;
  function keepPages() {
    if (!navigator.onLine || !navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    if (Date.now() - Number(localStorage.getItem(keptKey) || 0) < 10 * 60 * 1000) return;
    localStorage.setItem(keptKey, String(Date.now()));
    fetch(body.dataset.offlinePages, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((answer) => navigator.serviceWorker.controller.postMessage({ type: "keep-pages", urls: answer.urls }))
      .catch(() => localStorage.removeItem(keptKey));
  }
  if (body.dataset.offlinePages && "serviceWorker" in navigator) setTimeout(keepPages, 5000);
})();
