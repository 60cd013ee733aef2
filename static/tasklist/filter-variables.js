// A filter's variable columns: add and remove rows of name and label. Without script the
// form still works: it has one empty row, and clearing a row's name drops it on save.
(function () {
  "use strict";

  function clear(row) {
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
  }

  function setUp(fieldset) {
    const rows = fieldset.querySelector("[data-variable-rows]");
    const add = fieldset.querySelector("[data-add-variable]");
    if (!rows || !add) { return; }
    add.hidden = false;
    fieldset.querySelectorAll("[data-remove-variable]").forEach(function (b) { b.hidden = false; });
    add.addEventListener("click", function () {
      const last = rows.querySelector("[data-variable-row]:last-of-type");
      const row = last.cloneNode(true);
      clear(row);
      rows.appendChild(row);
      row.querySelector("input").focus();
    });
    rows.addEventListener("click", function (e) {
      const button = e.target.closest("[data-remove-variable]");
      if (!button) { return; }
      const row = button.closest("[data-variable-row]");
      // The last row stays, emptied, as the place to type the next one.
      if (rows.querySelectorAll("[data-variable-row]").length > 1) { row.remove(); } else { clear(row); }
    });
  }

  function init() { document.querySelectorAll("[data-variable-columns]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
