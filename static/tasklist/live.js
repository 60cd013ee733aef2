// Live tasklist: on a task event (or a gap in the event sequence) re-fetch the parts of the
// page that show tasks, with htmx. No polling: the WebSocket of legato/live.js drives it.
(function () {
  "use strict";
  let timer = null;

  function refresh() {
    timer = null;
    if (typeof window.htmx === "undefined") { return; }
    const list = document.getElementById("task-list");
    if (list) {
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
    if (!target || (target.id !== "task-list" && target.id !== "task-lists")) { return; }
    failures += 1;
    if (failures <= 5 && timer === null) { timer = setTimeout(refresh, 1000 * failures); }
  }
  document.body.addEventListener("htmx:sendError", retry);
  document.body.addEventListener("htmx:responseError", retry);
  document.body.addEventListener("htmx:afterSwap", function (e) {
    const target = e.detail && e.detail.target;
    if (target && (target.id === "task-list" || target.id === "task-lists")) { failures = 0; }
  });

  document.addEventListener("legato:live", function (e) {
    const detail = e.detail || {};
    const event = detail.event || {};
    const type = String(event.type || "");
    // A gap means messages were dropped: everything shown may be stale.
    if (!detail.gap && type.indexOf("task.") !== 0) { return; }
    // Several events of one command arrive together: fetch once for the burst.
    if (timer === null) { timer = setTimeout(refresh, 100); }
    const page = document.getElementById("task-page");
    // The user's own claim echoes back as task.assigned to them: that is no news to her.
    const own = type === "task.assigned" && event.assignee === (page && page.dataset.user);
    if (page && event.taskId === page.dataset.taskId && type !== "task.created" && !own) {
      const note = document.getElementById("task-changed");
      if (note) { note.hidden = false; }
    }
  });
})();
