// After a refused submit, the focus goes to the summary of what to correct.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
