// One WebSocket per page for live updates; reconnects with backoff and tells the page.
(function () {
  "use strict";
  const status = document.getElementById("live-status");
  let delay = 500;
  let lastSeq = null;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      delay = 500;
      if (status) { status.textContent = "live"; status.classList.add("online"); }
    });
    socket.addEventListener("message", function (e) {
      const event = JSON.parse(e.data);
      // A gap in the sequence means the channel layer dropped messages: the page must re-read.
      const gap = lastSeq !== null && event.seq !== undefined && event.seq > lastSeq + 1;
      if (event.seq !== undefined) { lastSeq = event.seq; }
      document.dispatchEvent(new CustomEvent("legato:live", { detail: { event: event, gap: gap } }));
    });
    socket.addEventListener("close", function () {
      if (status) { status.textContent = "offline"; status.classList.remove("online"); }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    });
  }
  connect();
})();
