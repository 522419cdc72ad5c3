/* The search bar of a work list (cases/_search.html) asks again as soon as a choice or a date
   changes: the form's submit, which htmx sends, so typing words and pressing Enter stays one
   request (htmx's own change trigger also fired on the text box's Enter, so every search ran, and a
   phone search was logged, twice). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const field = event.target;
    const form = field.closest("[data-case-search]");
    if (form && (field.tagName === "SELECT" || field.type === "date")) {
      form.requestSubmit();
    }
  });
})();
