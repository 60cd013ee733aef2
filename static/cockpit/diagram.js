// A process definition's diagram: bpmn-js NavigatedViewer on the deployed XML, and count
// badges per activity. `window.LegatoDiagram.showActivityCounts(counts)` redraws the badges;
// the live-update feature only has to call it with fresh counts.
(function () {
  "use strict";

  const BADGES = "legato-activity-counts";
  const container = document.getElementById("diagram");
  const status = document.getElementById("diagram-status");
  if (!container || typeof window.BpmnJS !== "function") {
    if (status) { say("The diagram viewer could not be loaded.", true); }
    return;
  }
  const viewer = new window.BpmnJS({ container: container });
  let ready = false;
  let pending = null;
  let pendingMarks = null;
  let marked = [];
  // The running badges hide while the History or Heatmap view is on; live counts still arrive.
  let lastCounts = {};
  let countsVisible = true;
  // Marker classes per kind of `markActivities` state (styled in cockpit.css).
  const MARKERS = {
    taken: "legato-taken", canceled: "legato-canceled", active: "legato-active", incidents: "legato-incident",
  };

  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
  }

  function badge(className, number, label) {
    const span = document.createElement("span");
    span.className = "badge " + className;
    span.textContent = String(number);
    span.title = number + " " + label;
    return span;
  }

  /**
   * Where count badges sit: inside a task's bottom-left corner; above an event or a gateway,
   * whose name is drawn below the shape and would be covered.
   */
  function badgePosition(element) {
    const small = /Event$|Gateway$/.test(element.type || "");
    return small ? { top: -14, left: -10 } : { bottom: 10, left: -6 };
  }

  /**
   * Draw `{activityId: {running: n, incidents: m}}` as badges on the activities.
   * Earlier badges are removed first; zero counts and unknown ids draw nothing.
   */
  function showActivityCounts(counts) {
    if (!ready) { pending = counts; return; }
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    lastCounts = counts || {};
    overlays.remove({ type: BADGES });
    if (!countsVisible) { return; }
    Object.keys(counts || {}).forEach(function (activityId) {
      const count = counts[activityId] || {};
      const running = count.running || 0;
      const incidents = count.incidents || 0;
      // The counts may name an activity this version does not have (another version's id).
      const element = registry.get(activityId);
      if ((!running && !incidents) || !element) { return; }
      const html = document.createElement("div");
      html.className = "activity-counts";
      html.dataset.activityId = activityId;
      if (running) { html.appendChild(badge("running", running, "running")); }
      if (incidents) { html.appendChild(badge("incidents", incidents, "open incidents")); }
      overlays.add(activityId, BADGES, { position: badgePosition(element), html: html });
    });
  }

  /** Show or hide the running badges (the last counts are kept and redrawn on show). */
  function setActivityCountsVisible(visible) {
    countsVisible = Boolean(visible);
    if (ready) { showActivityCounts(lastCounts); }
  }

  /**
   * Mark activities of one instance: `{active: [ids], taken: [ids], canceled: [ids], incidents: [ids]}`.
   * Earlier marks are removed first, so it can be called again with fresh state.
   */
  function markActivities(state) {
    if (!ready) { pendingMarks = state; return; }
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    marked.forEach(function (mark) { canvas.removeMarker(mark[0], mark[1]); });
    marked = [];
    Object.keys(MARKERS).forEach(function (kind) {
      ((state || {})[kind] || []).forEach(function (activityId) {
        if (!registry.get(activityId)) { return; }
        canvas.addMarker(activityId, MARKERS[kind]);
        marked.push([activityId, MARKERS[kind]]);
      });
    });
  }

  /** Bring one activity into view and flash it; false when the diagram does not have it. */
  function focusActivity(activityId) {
    if (!ready) { return false; }
    const element = viewer.get("elementRegistry").get(activityId);
    if (!element) { return false; }
    const canvas = viewer.get("canvas");
    if (typeof canvas.scrollToElement === "function") { canvas.scrollToElement(element); }
    canvas.addMarker(activityId, "legato-focus");
    setTimeout(function () { canvas.removeMarker(activityId, "legato-focus"); }, 2500);
    container.scrollIntoView({ behavior: "smooth", block: "center" });
    return true;
  }

  function initialMarks() {
    const script = document.getElementById("diagram-state");
    return script ? JSON.parse(script.textContent) : null;
  }

  function initialCounts() {
    const script = document.getElementById("activity-counts");
    return script ? JSON.parse(script.textContent) : {};
  }

  function zoom(how) {
    const canvas = viewer.get("canvas");
    if (how === "fit") { canvas.zoom("fit-viewport", "auto"); return; }
    const step = how === "in" ? 1.25 : 0.8;
    canvas.zoom(canvas.zoom() * step, "auto");
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () { if (ready) { zoom(button.dataset.zoom); } });
  });

  fetch(container.dataset.xmlUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status + " " + response.statusText);
      }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      ready = true;
      const svg = container.querySelector("svg");
      if (svg) { svg.setAttribute("aria-label", container.dataset.label || "BPMN diagram"); }
      zoom("fit");
      say("");
      showActivityCounts(pending || initialCounts());
      pending = null;
      const marks = pendingMarks || initialMarks();
      if (marks) { markActivities(marks); }
      pendingMarks = null;
      container.dispatchEvent(new CustomEvent("legato:diagram-ready", { bubbles: true }));
    })
    .catch(function (error) {
      const message = error && error.message ? error.message : String(error);
      // bpmn-js refuses models without diagram interchange (BPMNDiagram); the Modeler adds it.
      if (/no diagram to display/i.test(message)) {
        say("This model has no diagram layout (BPMNDiagram), so there is nothing to draw. " +
            "It still runs; models saved by the Camunda Modeler have a layout.", false);
        return;
      }
      say("The diagram could not be shown: " + message, true);
    });

  window.LegatoDiagram = {
    viewer: viewer,
    showActivityCounts: showActivityCounts,
    setActivityCountsVisible: setActivityCountsVisible,
    markActivities: markActivities,
    focusActivity: focusActivity,
    badgePosition: badgePosition,
    isReady: function () { return ready; },
  };
})();
