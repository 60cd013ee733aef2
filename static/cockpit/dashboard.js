// The dashboard's numbers move live: any instance, incident, task or job event re-reads them
// (at most a few times a second, however many events arrive).
(function () {
  "use strict";
  const cards = document.getElementById("dashboard-cards");
  if (!cards || !window.LegatoLive) { return; }
  window.LegatoLive.onLive(function (event) {
    return /^(instance|incident|task|job)\./.test(event.type || "");
  }, function () {
    return fetch(cards.dataset.cardsUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) { cards.innerHTML = html; });
  }, 300);
})();
