// The analysis of an uploaded price list: polls its progress and reloads the page when done.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(box.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.total) {
          bar.max = state.total;
          bar.value = state.done;
          text.textContent = state.done + " / " + state.total;
        }
        if (state.status !== "analysing") { window.location.reload(); return; }
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
