// Form drafts, as Camunda's Tasklist keeps them: "Save draft" stores what is typed in this
// browser (localStorage, per task), the task's page puts it back when opened again and says
// so, and completing the task (or "Discard draft") forgets it. Files are not kept.
(function () {
  "use strict";
  const STORE = window.localStorage;

  function notice(box, text, onDiscard) {
    box.hidden = false;
    box.textContent = text + " ";
    if (onDiscard) {
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "secondary small";
      discard.textContent = "Discard draft";
      discard.addEventListener("click", onDiscard);
      box.appendChild(discard);
    }
  }

  function when(saved) { return new Date(saved).toLocaleString(); }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.disabled
        && ["file", "submit", "button", "reset", "hidden"].indexOf(el.type) < 0;
    });
  }

  function read(form) {
    const values = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox") { values[el.name] = el.checked; }
      else if (el.type === "radio") { if (el.checked) { values[el.name] = el.value; } }
      else if (el.multiple) { values[el.name] = Array.from(el.selectedOptions, function (o) { return o.value; }); }
      else { values[el.name] = el.value; }
    });
    return values;
  }

  function write(form, values) {
    fieldsOf(form).forEach(function (el) {
      if (!(el.name in values)) { return; }
      const value = values[el.name];
      if (el.type === "checkbox") { el.checked = !!value; }
      else if (el.type === "radio") { el.checked = el.value === value; }
      else if (el.multiple) { Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; }); }
      else { el.value = value; }
    });
  }

  function load(key) {
    try { return JSON.parse(STORE.getItem(key) || "null"); } catch (error) { return null; }
  }

  // Server-rendered forms (generated and embedded): their fields are the form's elements.
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    const key = form.dataset.draftKey;
    const save = form.querySelector("[data-draft-save]");
    const box = form.querySelector("[data-draft-status]");
    if (!save || !box || !STORE) { return; }
    save.hidden = false;
    function discard() { STORE.removeItem(key); location.reload(); }
    const draft = load(key);
    if (draft && draft.values && !form.querySelector("[aria-invalid=true]")) {
      write(form, draft.values);
      notice(box, "Your draft of " + when(draft.saved) + " is filled in.", discard);
    }
    save.addEventListener("click", function () {
      STORE.setItem(key, JSON.stringify({ saved: Date.now(), values: read(form) }));
      notice(box, "Draft saved in this browser at " + when(Date.now()) + ".", discard);
    });
    form.addEventListener("submit", function () { STORE.removeItem(key); });
  });

  // Camunda Forms: form-js keeps its own state; form-js.js asks here for the draft.
  window.LegatoDrafts = {
    load: load,
    save: function (key, values) { STORE.setItem(key, JSON.stringify({ saved: Date.now(), values: values })); },
    forget: function (key) { STORE.removeItem(key); },
    notice: notice,
    when: when,
  };
})();
