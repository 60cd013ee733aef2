// Live tasklist: on a task event (or a gap in the event sequence) re-fetch the parts of the
// page that show tasks, with htmx; on a change of the variables of an instance a listed task
// belongs to, re-fetch the list (its cards show variables, its filter may test them). No
// polling: the WebSocket of legato/live.js drives it.
(function () {
  "use strict";
  let timer = null;
  let subtasksStale = false;
  const PARTS = ["task-list", "task-lists", "task-subtasks"];
  const inFlight = {};  // part id -> the request for it under way (the newest)
  let refreshAfter = false;

  function refresh() {
    timer = null;
    if (typeof window.htmx === "undefined") { return; }
    const subtasks = document.getElementById("task-subtasks");
    if (subtasks && subtasksStale) {
      subtasksStale = false;
      window.htmx.ajax("GET", subtasks.dataset.liveUrl, { target: subtasks, swap: "outerHTML" });
    }
    const list = document.getElementById("task-list");
    if (list && inFlight["task-list"]) {
      // The user's sort or search is on its way and the page URL is not yet its own: read
      // the list again once it has answered.
      refreshAfter = true;
    } else if (list) {
      refreshAfter = false;
      // The page URL is the list's URL (filters live in the query string).
      window.htmx.ajax("GET", location.pathname + location.search, { target: list, swap: "outerHTML" });
    }
    const lists = document.getElementById("task-lists");
    if (lists) {
      const current = new URLSearchParams(location.search).get("list") || "";
      const url = lists.dataset.liveUrl + (current ? "?list=" + encodeURIComponent(current) : "");
      window.htmx.ajax("GET", url, { target: lists, swap: "outerHTML" });
    }
  }

  // A re-read that failed (the server busy or restarting) is tried again a few times, later
  // each time: no further event may come to trigger it.
  let failures = 0;
  function retry(e) {
    const target = e.detail && e.detail.target;
    if (!target || PARTS.indexOf(target.id) < 0) { return; }
    if (target.id === "task-subtasks") {
      // The task itself is gone or hidden now: the page's own notice tells; no retry.
      const status = e.detail.xhr ? e.detail.xhr.status : 0;
      if (status >= 400 && status < 500) { return; }
      subtasksStale = true;
    }
    failures += 1;
    if (failures <= 5 && timer === null) { timer = setTimeout(refresh, 1000 * failures); }
  }
  // Only the newest request for a part may replace it: a live re-read sent just before the
  // user changed the sort or the search must not put the old list back by answering last.
  document.body.addEventListener("htmx:beforeRequest", function (e) {
    const target = e.detail && e.detail.target;
    if (target && PARTS.indexOf(target.id) >= 0) { inFlight[target.id] = e.detail.xhr; }
  });
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    const target = e.detail && e.detail.target;
    if (target && inFlight[target.id] && inFlight[target.id] !== e.detail.xhr) {
      e.detail.shouldSwap = false;
    } else if (target && PARTS.indexOf(target.id) >= 0) {
      refocus = focusedIn(target);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    const target = e.detail && e.detail.target;
    if (!target || inFlight[target.id] !== e.detail.xhr) { return; }
    delete inFlight[target.id];
    if (target.id === "task-list" && refreshAfter && timer === null) {
      refreshAfter = false;
      timer = setTimeout(refresh, 100);  // after htmx has pushed the list's new URL
    }
  });
  document.body.addEventListener("htmx:sendError", retry);
  document.body.addEventListener("htmx:responseError", retry);
  document.body.addEventListener("htmx:afterSwap", function (e) {
    const target = e.detail && e.detail.target;
    if (target && PARTS.indexOf(target.id) >= 0) {
      failures = 0;
      const again = refocus && document.querySelector(refocus);
      refocus = null;
      if (again) { again.focus(); }
    }
  });

  // A keyboard user keeps their place: the task or the list that had the focus has it again
  // once a live re-read has replaced the part of the page around it.
  let refocus = null;
  function focusedIn(part) {
    const active = document.activeElement;
    if (!active || !part.contains(active)) { return null; }
    const card = active.closest("[data-task-id]");
    if (card) { return '[data-task-id="' + CSS.escape(card.dataset.taskId) + '"] a.task-name'; }
    if (active.dataset.list !== undefined) {
      return '#task-lists a[data-list="' + CSS.escape(active.dataset.list) + '"]';
    }
    return null;
  }

  // A script that sets variables again and again is seen at most once a second.
  const VARIABLES_DELAY = 1000;

  function listsInstance(instanceId) {
    const list = document.getElementById("task-list");
    return Boolean(list && instanceId) && Array.prototype.some.call(
      list.querySelectorAll("[data-process-instance-id]"),
      function (card) { return card.dataset.processInstanceId === instanceId; }
    );
  }

  document.addEventListener("legato:live", function (e) {
    const detail = e.detail || {};
    const event = detail.event || {};
    const type = String(event.type || "");
    if (!detail.gap && type === "variables.changed") {
      if (timer === null && listsInstance(String(event.processInstanceId || ""))) {
        timer = setTimeout(refresh, VARIABLES_DELAY);
      }
      return;
    }
    // A gap means messages were dropped: everything shown may be stale.
    if (!detail.gap && type.indexOf("task.") !== 0) { return; }
    const page = document.getElementById("task-page");
    // The task page's subtasks: one was added, changed or ended (a subtask's events name
    // its parent), or one listed there was moved away.
    const subtasks = document.getElementById("task-subtasks");
    if (subtasks && (detail.gap || (page && event.parentTaskId === page.dataset.taskId) ||
        (subtasks.dataset.subtaskIds || "").split(" ").indexOf(String(event.taskId)) >= 0)) {
      subtasksStale = true;
    }
    // Several events of one command arrive together: fetch once for the burst.
    if (timer === null) { timer = setTimeout(refresh, 100); }
    // The user's own claim echoes back as task.assigned to them: that is no news to her.
    const own = type === "task.assigned" && event.assignee === (page && page.dataset.user);
    if (page && event.taskId === page.dataset.taskId && type !== "task.created" && !own) {
      const note = document.getElementById("task-changed");
      if (note) { note.hidden = false; }
    }
  });
})();
