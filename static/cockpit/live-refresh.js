// Re-read part of a page when a live event concerns it. Events come in bursts (a batch
// resolves hundreds of incidents), so a refresh waits a moment and then runs once; a refresh
// that is under way when another event arrives is followed by exactly one more.
(function () {
  "use strict";

  /**
   * `refresh()` returns a promise; `wanted(event)` says whether an event concerns the page.
   * A gap in the sequence (lost messages) or a reconnect always refreshes.
   */
  function onLive(wanted, refresh, delay) {
    let timer = null;
    let running = false;
    let again = false;
    let failures = 0;

    function run() {
      timer = null;
      if (running) { again = true; return; }
      running = true;
      let failed = false;
      Promise.resolve(refresh()).catch(function () { failed = true; })
        .then(function () {
          running = false;
          // A refresh that failed (the server busy or restarting) tries again a few times,
          // later each time: no further event may come to trigger it.
          failures = failed ? failures + 1 : 0;
          if (again) { again = false; schedule(); }
          else if (failed && failures <= 5) { setTimeout(schedule, 1000 * failures); }
        });
    }
    function schedule() { if (timer === null) { timer = setTimeout(run, delay || 150); } }

    document.addEventListener("legato:live", function (e) {
      const detail = e.detail || {};
      const event = detail.event || {};
      if (detail.gap || event.type === "hello" || wanted(event)) { schedule(); }
    });
    return schedule;
  }

  window.LegatoLive = { onLive: onLive };
})();
