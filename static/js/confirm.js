/* Ask before a destructive form is sent: <form data-confirm="Question?">. Without JavaScript the
   form is sent as is; the most serious actions (cancelling, closing a shift) have a confirmation
   page of their own instead. */
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
