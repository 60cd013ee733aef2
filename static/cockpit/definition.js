// The definition page live: re-read the badge counts when an instance or incident changes.
// Events of other definitions are cheap to ignore, but `instance.ended` and task events carry
// no definition id, so those re-read too (one small JSON request, at most every 150 ms).
(function () {
  "use strict";
  const container = document.getElementById("diagram");
  const running = document.querySelector("[data-testid='running-count']");
  if (!container || !container.dataset.countsUrl || !window.LegatoLive) { return; }
  const definitionId = container.dataset.definitionId;
  const KINDS = /^(instance|incident|task|activity|job)\./;

  function concerns(event) {
    if (!KINDS.test(event.type || "")) { return false; }
    return !event.processDefinitionId || event.processDefinitionId === definitionId;
  }

  // The instance list (with the filters of the current URL) is re-read too, as htmx would.
  function refreshList() {
    const list = document.getElementById("instance-results");
    if (!list) { return Promise.resolve(); }
    return fetch(location.href, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { list.innerHTML = html; } });
  }

  function refresh() {
    refreshList();
    return fetch(container.dataset.countsUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (window.LegatoDiagram) { window.LegatoDiagram.showActivityCounts(data.counts); }
        if (running) { running.textContent = data.running + " running"; }
      });
  }

  window.LegatoLive.onLive(concerns, refresh);
})();
