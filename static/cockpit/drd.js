// A decision requirements diagram: dmn-js draws the deployed DMN file's DRD; each decision
// gets a badge with its evaluations and opens its own page when clicked.
(function () {
  "use strict";

  const container = document.getElementById("drd");
  const status = document.getElementById("drd-status");
  if (!container) { return; }

  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
  }

  if (typeof window.DmnJS !== "function") {
    say("The diagram viewer could not be loaded.", true);
    return;
  }
  const nodes = JSON.parse(document.getElementById("drd-nodes").textContent);
  const viewer = new window.DmnJS({ container: container });

  function badges(drd) {
    const overlays = drd.get("overlays");
    Object.keys(nodes).forEach(function (id) {
      const node = nodes[id];
      if (node.evaluations === null || !drd.get("elementRegistry").get(id)) { return; }
      const badge = document.createElement("span");
      badge.className = "badge drd-evaluations";
      badge.dataset.decision = id;
      badge.textContent = String(node.evaluations);
      badge.title = node.evaluations + " evaluations";
      overlays.add(id, { position: { top: -10, right: 10 }, html: badge });
    });
    drd.get("eventBus").on("element.click", function (event) {
      const node = nodes[event.element.id];
      if (node) { window.location.href = node.url; }
    });
  }

  fetch(container.dataset.xmlUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      const view = viewer.getViews().find(function (v) { return v.type === "drd"; });
      return view ? viewer.open(view) : null;
    })
    .then(function () {
      const drd = viewer.getActiveViewer();
      if (!drd || viewer.getActiveView().type !== "drd") {
        say("This DMN file draws no requirements diagram.", false);
        return;
      }
      drd.get("canvas").zoom("fit-viewport");
      badges(drd);
      say("", false);
      container.dataset.rendered = "true";
    })
    .catch(function (error) {
      say("The diagram could not be drawn: " + error.message, true);
    });
})();
