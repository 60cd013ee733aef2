// A batch's page: progress events redraw the bar at once; the section is re-read from the
// server (failures, state) shortly after, and always when messages were lost.
(function () {
  "use strict";
  const box = document.getElementById("batch-progress");
  if (!box || !window.LegatoLive) { return; }
  const batchId = box.dataset.batchId;

  function refresh() {
    return fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) { box.innerHTML = html; });
  }

  document.addEventListener("legato:live", function (e) {
    const event = (e.detail || {}).event || {};
    if (event.type !== "batch.progress" || event.batchId !== batchId) { return; }
    const bar = box.querySelector("progress");
    const percent = box.querySelector("[data-testid='batch-percent']");
    if (bar) { bar.value = event.done + event.failed; }
    if (percent) { percent.textContent = event.percent + "%"; }
  });
  window.LegatoLive.onLive(function (event) {
    return event.type === "batch.progress" && event.batchId === batchId;
  }, refresh, 300);
})();
