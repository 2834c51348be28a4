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
