// C-SSRS skip logic (REFERENCE §4.6): a question opened by another's "Yes" is hidden, and its
// answer cleared, while that "Yes" is not given. The server applies the same rule, so without
// JavaScript every question shows with its "Asked only when..." note.
(function () {
  "use strict";
  var form = document.querySelector("form[data-skip-logic]");
  if (!form) { return; }
  function sync() {
    form.querySelectorAll("fieldset[data-asked-when]").forEach(function (fieldset) {
      var opener = form.querySelector(
        'input[name="' + fieldset.dataset.askedWhen + '"][value="yes"]'
      );
      var asked = Boolean(opener && opener.checked);
      fieldset.hidden = !asked;
      if (!asked) {
        fieldset.querySelectorAll("input").forEach(function (input) { input.checked = false; });
      }
    });
  }
  form.addEventListener("change", sync);
  sync();
})();
