// Small page helpers (no inline scripts: CSP-friendly).
document.addEventListener("click", function (e) {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopPropagation(); }
});
document.addEventListener("change", function (e) {
  const el = e.target.closest("[data-autosubmit]");
  if (el && el.form) { el.form.requestSubmit(); }
});
// Member status form: the chosen action decides the form's target and which fields show.
(function () {
  function sync(select) {
    const form = select.form;
    const opt = select.options[select.selectedIndex];
    form.action = opt.value;
    const kind = opt.getAttribute("data-kind");
    form.querySelectorAll("[data-for]").forEach(function (el) {
      el.classList.toggle("d-none", el.getAttribute("data-for") !== kind);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-status-kind]").forEach(function (s) {
      sync(s);
      s.addEventListener("change", function () { sync(s); });
    });
  });
})();
