// Sending the outbox: shared by the recording page (static/js/outbox.js) and the service worker
// (Background Sync, templates/sessions/sw.js), so that entries kept on the phone are sent the same
// way whether a page is open or not. Each batch goes to POST /my/sync/ (docs/counting.md); the
// server answers each entry by its client id, so sending one twice, from the page and the worker
// at once, still records it once.
(function (scope) {
  "use strict";

  const NAME = "xks-outbox";

  function openDatabase() {
    return scope.idb.openDB(NAME, 1, {
      upgrade(db) {
        const entries = db.createObjectStore("entries", { keyPath: "id" });
        entries.createIndex("seq", "seq");
        db.createObjectStore("meta");
      },
    });
  }

  async function entriesOf(db, user) {
    const all = await db.getAllFromIndex("entries", "seq");
    return all.filter((entry) => entry.user === user);
  }

  // What the server is sent of an entry: not the phone's own bookkeeping.
  function wire(entry) {
    const { id, user: _user, seq, state, message, service_name, undone_count, ...sent } = entry;
    return sent;
  }

  // Sends the oldest pending entries of `user` (at most `batch`) and writes the server's answer
  // for each into IndexedDB. Resolves to {status, more, reviews, clockOffset}; status is "empty"
  // (nothing to send), "sent", "signed_out", "timed_out" or "failed". Never rejects.
  async function send(db, { user, syncUrl, csrf, batch = 200, timeoutMs = 20000, onSending }) {
    const pending = (await entriesOf(db, user)).filter((entry) => entry.state === "pending").slice(0, batch);
    if (!pending.length) return { status: "empty", more: false, reviews: [] };
    if (onSending) onSending();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const sentAt = Date.now();
      const response = await fetch(syncUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ sent_at: sentAt, user, entries: pending.map(wire) }),
        signal: controller.signal,
      });
      if (response.type === "opaqueredirect" || [401, 403, 409].includes(response.status)) {
        return { status: "signed_out", more: false, reviews: [] };
      }
      if (!response.ok) return { status: "failed", more: false, reviews: [] };
      const answer = await response.json();
      const receivedAt = Date.now();
      const clockOffset = (answer.received_at - sentAt + (answer.server_time - receivedAt)) / 2;
      const reviews = [];
      const tx = db.transaction(["entries", "meta"], "readwrite");
      const store = tx.objectStore("entries");
      answer.results.forEach((result, index) => {
        const entry = pending[index];
        if (entry.kind === "undo" || result.status === "undone") {
          store.delete(entry.id);
          if (result.status !== "refused") store.delete(entry.client_id);
          return;
        }
        // Confirmed entries stay a day, to be listed as saved; only pending ones are ever sent.
        entry.state = { saved: "saved", duplicate: "saved", review: "review" }[result.status] || "refused";
        entry.message = result.message || "";
        store.put(entry);
        if (result.status === "review") reviews.push(`${entry.service_name || ""}: ${result.message}`);
      });
      for (const [session, totals] of Object.entries(answer.totals || {})) {
        tx.objectStore("meta").put({ ...totals, server_time: answer.server_time }, `totals:${session}`);
      }
      tx.objectStore("meta").put(clockOffset, "clock_offset");
      await tx.done;
      return { status: "sent", more: pending.length === batch, reviews, clockOffset };
    } catch (error) {
      return { status: controller.signal.aborted ? "timed_out" : "failed", more: false, reviews: [] };
    } finally {
      clearTimeout(timer);
    }
  }

  scope.XksOutbox = { NAME, openDatabase, entriesOf, send, SYNC_TAG: "xks-outbox" };
})(self);
