// Small page helpers shared by every page. htmx sends the CSRF token via hx-headers on <body>.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  const text = document.documentElement.lang === "en"
    ? "The request failed (" + status + "). Nothing was changed; please try again."
    : "Yêu cầu không thành công (" + status + "). Chưa có gì thay đổi; vui lòng thử lại.";
  window.alert(text);
});
