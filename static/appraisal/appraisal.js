// 民主评议: the rating page (count of members rated, fill the rest with one grade) and the proposal page (live
// count of 优秀 against the ≤1/3 limit). No inline script: CSP forbids it.
(function () {
  "use strict";
  function ballot(form) {
    var counter = form.querySelector("[data-rated]");
    function names() {
      var seen = {};
      form.querySelectorAll("input[type=radio]").forEach(function (r) { seen[r.name] = seen[r.name] || r.checked; });
      return seen;
    }
    function update() {
      var seen = names(), n = 0;
      Object.keys(seen).forEach(function (k) { if (seen[k]) { n += 1; } });
      if (counter) { counter.textContent = String(n); }
    }
    form.addEventListener("change", update);
    form.querySelectorAll("[data-fill-grade]").forEach(function (button) {
      button.addEventListener("click", function () {
        var grade = button.getAttribute("data-fill-grade"), seen = names();
        Object.keys(seen).forEach(function (name) {
          if (!seen[name]) {
            var r = form.querySelector("input[name='" + name + "'][value='" + grade + "']");
            if (r) { r.checked = true; }
          }
        });
        update();
      });
    });
    update();
  }
  function proposal(form) {
    var limit = parseInt(form.getAttribute("data-excellent-limit"), 10) || 0;
    var warning = document.getElementById("excellent-warning");
    function update() {
      var n = 0;
      form.querySelectorAll("select[data-grade]").forEach(function (s) { if (s.value === "excellent") { n += 1; } });
      warning.querySelectorAll("[data-excellent-count]").forEach(function (el) { el.textContent = String(n); });
      warning.classList.toggle("d-none", n <= limit);
    }
    form.addEventListener("change", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("ballot-form");
    if (b) { ballot(b); }
    var p = document.getElementById("propose-form");
    if (p) { proposal(p); }
  });
})();
