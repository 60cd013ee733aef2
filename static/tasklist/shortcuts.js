// Keyboard shortcuts, Camunda Tasklist's defaults: ctrl+shift+f the first task list (filter),
// ctrl+alt+l the first task, ctrl+alt+f the first field of the task's (or start) form,
// ctrl+alt+c claims the open task, ctrl+alt+p starts a process. A task list or a task on
// another page is reached by going there: that page focuses it once loaded (`#focus=...`).
(function () {
  "use strict";
  const help = document.getElementById("shortcuts-help");
  if (!help) { return; }
  const tasksUrl = help.dataset.tasksUrl;

  // the first of them one can type in or press (a read-only field is passed over)
  function first(selector) {
    return Array.prototype.find.call(document.querySelectorAll(selector), function (el) {
      return !el.disabled && !el.readOnly && el.type !== "hidden"
        && el.getClientRects().length > 0;
    });
  }

  const targets = {
    filters: function () { return first("#task-lists a"); },
    list: function () { return first("#task-list .task-card a.task-name"); },
    form: function () {  // the task's form, or the start form on its page
      return first([".task-form", "[data-testid=start-form]"].map(function (form) {
        return form + " input, " + form + " select, " + form + " textarea";
      }).join(", "));
    },
  };

  // where each target lives: a page without that part goes to the task list's page
  const PARTS = { filters: "task-lists", list: "task-list" };

  function focusOr(name) {
    const target = targets[name]();
    if (target) {
      target.focus();
    } else if (PARTS[name] && !document.getElementById(PARTS[name])) {
      window.location.assign(tasksUrl + "#focus=" + name);
    }
  }

  const SHORTCUTS = [
    { ctrl: true, shift: true, code: "KeyF", run: function () { focusOr("filters"); } },
    { ctrl: true, alt: true, code: "KeyL", run: function () { focusOr("list"); } },
    { ctrl: true, alt: true, code: "KeyF", run: function () { focusOr("form"); } },
    { ctrl: true, alt: true, code: "KeyC", run: function () {
      const claim = first("[data-shortcut-claim]");
      if (claim) { claim.click(); }
    } },
    { ctrl: true, alt: true, code: "KeyP", run: function () {
      window.location.assign(help.dataset.startUrl);
    } },
  ];

  document.addEventListener("keydown", function (event) {
    const shortcut = SHORTCUTS.find(function (s) {
      return s.code === event.code && event.ctrlKey === Boolean(s.ctrl)
        && event.altKey === Boolean(s.alt) && event.shiftKey === Boolean(s.shift);
    });
    if (shortcut) {
      event.preventDefault();
      shortcut.run();
    }
  });

  document.getElementById("shortcuts-open").addEventListener("click", function () {
    help.showModal();
  });

  const wanted = /^#focus=(filters|list)$/.exec(window.location.hash);
  if (wanted) {
    const target = targets[wanted[1]]();
    if (target) { target.focus(); }
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
