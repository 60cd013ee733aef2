// The task's process diagram: bpmn-js NavigatedViewer, the task's activity highlighted with a
// marker (the same viewer bundle the cockpit uses).
(function () {
  "use strict";
  const container = document.getElementById("diagram");
  const status = document.getElementById("diagram-status");
  if (!container) { return; }

  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
  }
  if (typeof window.BpmnJS !== "function") { say("The diagram viewer could not be loaded.", true); return; }
  const viewer = new window.BpmnJS({ container: container });

  fetch(container.dataset.xmlUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("the server answered " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      const svg = container.querySelector("svg");
      if (svg) { svg.setAttribute("aria-label", container.dataset.label || "BPMN diagram"); }
      viewer.get("canvas").zoom("fit-viewport", "auto");
      const activity = container.dataset.activityId;
      if (activity && viewer.get("elementRegistry").get(activity)) {
        viewer.get("canvas").addMarker(activity, "current-task");
      }
      say("");
    })
    .catch(function (error) {
      const message = error && error.message ? error.message : String(error);
      if (/no diagram to display/i.test(message)) {
        say("This model has no diagram layout, so there is nothing to draw.", false);
        return;
      }
      say("The diagram could not be shown: " + message, true);
    });
})();
