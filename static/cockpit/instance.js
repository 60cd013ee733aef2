// The instance page: re-read its sections when an event names this instance, redraw the
// diagram's marks from them, and let "jump to activity" buttons focus the diagram.
(function () {
  "use strict";
  const live = document.getElementById("instance-live");
  const sections = document.getElementById("instance-sections");
  if (!live || !sections) { return; }
  const instanceId = live.dataset.instanceId;

  function marks() {
    const script = document.getElementById("diagram-state");
    return script ? JSON.parse(script.textContent) : null;
  }

  function typing() {
    return sections.contains(document.activeElement) &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
  }

  // A <details> the user opened (an edit form) is known by its summary in its section.
  function detailsKey(details) {
    const summary = details.querySelector("summary");
    const holder = details.parentElement.closest("[id]");
    const name = summary ? summary.getAttribute("aria-label") || summary.textContent.trim() : "";
    return (holder ? holder.id : "") + "|" + name;
  }

  function refresh() {
    // Skip while the user is typing in a form: the next event reads the sections again.
    if (typing()) { return Promise.resolve(); }
    return fetch(live.dataset.sectionsUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (typing()) { return; }  // began while the sections were being read
        const open = new Set(Array.from(sections.querySelectorAll("details[open]"), detailsKey));
        sections.innerHTML = html;
        sections.querySelectorAll("details").forEach(function (details) {
          if (open.has(detailsKey(details))) { details.open = true; }
        });
        // The instance ended while this page was not listening (before its socket connected,
        // or while it reconnected): the header changes too, so read the whole page.
        const marker = sections.querySelector("[data-instance-running]");
        if (marker && live.dataset.running === "true" && marker.dataset.instanceRunning === "false") {
          location.reload();
          return;
        }
        if (window.LegatoDiagram && marks()) { window.LegatoDiagram.markActivities(marks()); }
      });
  }

  document.addEventListener("legato:live", function (e) {
    const event = (e.detail || {}).event || {};
    // The header (state, actions) changes too when the instance ends: read the whole page.
    if (event.type === "instance.ended" && event.processInstanceId === instanceId) {
      setTimeout(function () { location.reload(); }, 200);
    }
  });

  if (window.LegatoLive) {
    window.LegatoLive.onLive(function (event) {
      return event.processInstanceId === instanceId || event.type === "task.completed";
    }, refresh);
  }

  sections.addEventListener("click", function (e) {
    const button = e.target.closest("[data-focus-activity]");
    if (!button || !window.LegatoDiagram) { return; }
    if (!window.LegatoDiagram.focusActivity(button.dataset.focusActivity)) {
      button.title = "This activity is not drawn in the diagram.";
    }
  });
})();
