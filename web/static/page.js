// Behaviour the pages declare with data attributes (inline handlers are blocked by the
// Content-Security-Policy):
//   form[data-confirm="Question?"]      asks before submitting;
//   a[data-opens="id"]                  opens the <details> element with that id;
//   select[data-replaces="field"]       when a value is chosen, unchecks the form's radio
//                                       buttons and is sent as `field` instead of them.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-opens]");
    if (!link) { return; }
    var details = document.getElementById(link.getAttribute("data-opens"));
    if (details) { details.open = true; }
  });
  Array.prototype.forEach.call(document.querySelectorAll("select[data-replaces]"), function (select) {
    var field = select.getAttribute("data-replaces");
    select.addEventListener("change", function () {
      if (select.value) {
        Array.prototype.forEach.call(select.form.querySelectorAll("input[type=radio]"), function (radio) {
          radio.checked = false;
        });
        select.name = field;
      } else {
        select.name = "";
      }
    });
  });
})();
// The site's menu on a phone: its links fold behind the "Menu" button, which says whether the
// menu is open; Escape closes it and gives the focus back to the button. Without this script
// the button stays hidden and every link in view (the stylesheet folds only .menu-folds).
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle[aria-controls]");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) { return; }
  function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
  function show(open) { button.setAttribute("aria-expanded", open ? "true" : "false"); }
  button.closest(".topbar").classList.add("menu-folds");
  button.addEventListener("click", function () { show(!isOpen()); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen() || button.offsetParent === null) { return; }
    var focused = document.activeElement;
    // Escape typed in a field elsewhere on the page belongs to that field.
    if (focused && focused !== document.body && focused !== button && !menu.contains(focused)) {
      return;
    }
    show(false);
    button.focus();
  });
})();
