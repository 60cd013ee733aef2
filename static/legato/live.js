// One WebSocket per page for live updates; reconnects with backoff and tells the page.
(function () {
  "use strict";
  const status = document.getElementById("live-status");
  let delay = 500;
  // Sequence numbers count per channel group: the last one seen of each group.
  const lastSeq = {};

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      delay = 500;
      if (status) { status.textContent = "live"; status.classList.add("online"); }
    });
    socket.addEventListener("message", function (e) {
      const event = JSON.parse(e.data);
      // A gap in a group's sequence means the channel layer dropped messages, and "hello"
      // means the socket (re)connected after the page was drawn, or its groups changed with
      // its user's access (it names them all, with their numbers now): the page re-reads.
      let gap = event.type === "hello";
      if (event.type === "hello") {
        Object.keys(lastSeq).forEach(function (group) { delete lastSeq[group]; });
        Object.assign(lastSeq, event.heads || {});
      } else if (event.type === "heartbeat") {
        // How far each group has been numbered: beyond what arrived, a message was lost
        // (or is on its way: one refresh too many does no harm).
        Object.keys(event.heads || {}).forEach(function (group) {
          // A beat read before the last hello may name a group the socket has left since.
          if (!(group in lastSeq)) { return; }
          const head = event.heads[group];
          if (head > (lastSeq[group] || 0)) { gap = true; lastSeq[group] = head; }
        });
        if (!gap) { return; }
      } else if (event.group !== undefined && event.seq !== undefined) {
        const last = lastSeq[event.group];
        gap = gap || (last !== undefined && event.seq > last + 1);
        lastSeq[event.group] = Math.max(event.seq, last || 0);
      }
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
