// Background jobs shown on a page: every element with data-job-status polls its job's state,
// updates its progress bar and text, and reloads the page once the job is done or failed.
(function () {
  "use strict";
  var script = document.currentScript;
  var every = Number(script && script.getAttribute("data-poll-ms")) || 1500;
  var watched = document.querySelectorAll("[data-job-status]");
  Array.prototype.forEach.call(watched, function (element) {
    var url = element.getAttribute("data-job-status");
    var bar = element.querySelector("progress");
    var text = element.querySelector("[data-job-step]");
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { window.setTimeout(poll, 5000); return; }
          if (bar) { bar.value = job.progress; }
          if (text && job.step) { text.textContent = job.step; }
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, every);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, Math.min(1000, every));
  });
})();
