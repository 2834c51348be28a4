// The import button says what it will do: deactivate the offers missing from the file or not.
(function () {
  "use strict";
  var box = document.getElementById("complete");
  var button = document.getElementById("import-button");
  if (!box || !button) { return; }
  function label() {
    button.textContent = box.checked ? button.getAttribute("data-deactivate") : button.getAttribute("data-keep");
  }
  box.addEventListener("change", label);
  label();
})();
