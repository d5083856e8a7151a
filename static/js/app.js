// Small page helpers shared by every page. htmx sends the CSRF token via hx-headers on <body>.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  const text = document.documentElement.lang === "en"
    ? "The request failed (" + status + "). Nothing was changed; please try again."
    : "Yêu cầu không thành công (" + status + "). Chưa có gì thay đổi; vui lòng thử lại.";
  window.alert(text);
});

// Entries of help carry an id made here, before sending: a retried or double-tapped submit
// reuses it, and the server records it once. A fresh id comes with each new form htmx swaps in.
function newEntryId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
}

function armEntryForms(root) {
  root.querySelectorAll("form[data-entry-form] input[name=client_id]").forEach(function (input) {
    // The server's id is a fallback for pages without JavaScript; replace it once, here.
    if (!input.value || input.hasAttribute("data-fallback")) {
      input.value = newEntryId();
      input.removeAttribute("data-fallback");
    }
  });
}

document.addEventListener("DOMContentLoaded", function () { armEntryForms(document); });
// As an entry is sent, the form gets a new id for the next citizen. If the sending fails (no
// answer, or a server error), the sent id comes back, so that trying again cannot record twice.
document.addEventListener("htmx:configRequest", function (event) {
  const form = event.detail.elt;
  if (!form.matches || !form.matches("form[data-entry-form]")) return;
  const input = form.querySelector("input[name=client_id]");
  if (!input) return;
  form.dataset.inFlightId = event.detail.parameters.client_id || input.value;
  input.value = newEntryId();
});
document.addEventListener("htmx:afterRequest", function (event) {
  const form = event.detail.elt;
  if (!form.matches || !form.matches("form[data-entry-form]")) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  const input = form.querySelector("input[name=client_id]");
  if (input && form.dataset.inFlightId && (status === 0 || status >= 500)) input.value = form.dataset.inFlightId;
  delete form.dataset.inFlightId;
});
document.addEventListener("htmx:load", function (event) { armEntryForms(event.detail.elt); });
// A plain (non-htmx) double submit would send the same id twice; that is fine, and blocked here too.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!form.matches("form[data-entry-form]") || form.hasAttribute("hx-post")) return;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
});

// A "Print" button (the check-in code, a certificate): no inline script needed.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// A read-only link to copy (an invitation): selected whole when tapped.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});
