// The definition page's diagram views: Running (the live badges of diagram.js), History (per
// activity, how many of its instances finished and were canceled) and Heatmap (each activity
// tinted by how often it ran, relative to the most frequent one, with its number on a badge).
// History is read from the server only when the user picks one of those views, so the page
// itself costs nothing more; the counts are re-read when the range changes, a view is picked
// again, or live events tell that this definition's instances moved (at most every 2 s, and
// only while History or Heatmap is shown).
(function () {
  "use strict";
  const modes = document.querySelector("[data-overlay-modes]");
  const container = document.getElementById("diagram");
  if (!modes || !container) { return; }
  const HISTORY = "legato-history-counts";
  const HEAT_MARKER = "legato-heat";
  const buttons = Array.from(modes.querySelectorAll("[data-overlay]"));
  const range = document.getElementById("history-range");
  const status = document.getElementById("overlay-status");
  const historyLegend = document.getElementById("history-legend");
  const heatLegend = document.getElementById("heatmap-legend");
  let mode = "running";
  let heated = [];
  let request = 0;
  // Live events that may have ended activities of this definition's instances: those that
  // name another definition are not; `instance.ended` and task events name none.
  const LIVE_KINDS = /^(instance|incident|task|activity|job)\./;
  const LIVE_DELAY = 2000;

  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
  }

  function plural(number, word, many) {
    return number + " " + (number === 1 ? word : many || word + "s");
  }

  /** Run `draw` once bpmn-js has drawn the diagram (at once if it has). */
  function whenReady(draw) {
    const diagram = window.LegatoDiagram;
    if (diagram && diagram.isReady()) { draw(diagram.viewer); return; }
    container.addEventListener("legato:diagram-ready", function () {
      draw(window.LegatoDiagram.viewer);
    }, { once: true });
  }

  function clear(viewer) {
    viewer.get("overlays").remove({ type: HISTORY });
    const canvas = viewer.get("canvas");
    heated.forEach(function (element) {
      canvas.removeMarker(element, HEAT_MARKER);
      const gfx = viewer.get("elementRegistry").getGraphics(element);
      if (gfx) { gfx.style.removeProperty("--heat"); }
    });
    heated = [];
  }

  function badge(className, number, title) {
    const span = document.createElement("span");
    span.className = "badge " + className;
    span.textContent = String(number);
    span.title = title;
    return span;
  }

  function overlay(viewer, element, activityId, badges) {
    const html = document.createElement("div");
    html.className = "activity-counts history-counts";
    html.dataset.activityId = activityId;
    badges.forEach(function (one) { html.appendChild(one); });
    const position = window.LegatoDiagram.badgePosition(element);
    viewer.get("overlays").add(element, HISTORY, { position: position, html: html });
  }

  // Light yellow for the rarest, light red for the most frequent: black labels stay readable.
  function heatColour(share) {
    const hue = 50 - 45 * share;
    const lightness = 88 - 20 * share;
    return "hsl(" + hue.toFixed(0) + ", 95%, " + lightness.toFixed(0) + "%)";
  }

  function drawHistory(viewer, counts) {
    const registry = viewer.get("elementRegistry");
    Object.keys(counts).forEach(function (activityId) {
      const element = registry.get(activityId);
      if (!element || element.waypoints) { return; }
      const count = counts[activityId];
      const badges = [badge("finished", count.finished, plural(count.finished, "finished instance"))];
      if (count.canceled > 0) {
        badges.push(badge("canceled", count.canceled, plural(count.canceled, "canceled instance")));
      }
      overlay(viewer, element, activityId, badges);
    });
  }

  function drawHeatmap(viewer, counts, most) {
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    Object.keys(counts).forEach(function (activityId) {
      const element = registry.get(activityId);
      if (!element || element.waypoints) { return; }
      const count = counts[activityId];
      const total = count.finished + count.canceled;
      const share = most > 0 ? total / most : 0;
      registry.getGraphics(element).style.setProperty("--heat", heatColour(share));
      canvas.addMarker(element, HEAT_MARKER);
      heated.push(element);
      const title = plural(total, "time") + " (" + count.finished + " finished, " + count.canceled +
        " canceled), " + Math.round(share * 100) + "% of the most frequent activity";
      overlay(viewer, element, activityId, [badge("heat", total, title)]);
    });
  }

  function rangeQuery() {
    const params = new URLSearchParams();
    if (range) {
      new FormData(range).forEach(function (value, name) { if (value) { params.set(name, value); } });
    }
    const text = params.toString();
    return text ? "?" + text : "";
  }

  function summary(counts, what) {
    const ids = Object.keys(counts);
    if (!ids.length) { return "No activity instance of this version ended" + what + "."; }
    let total = 0;
    ids.forEach(function (id) { total += counts[id].finished + counts[id].canceled; });
    return plural(total, "activity instance") + " ended in " + plural(ids.length, "activity", "activities") + what + ".";
  }

  /** Read and draw the counts; `quietly` (a live re-read) keeps the drawn ones meanwhile. */
  function showHistory(chosen, quietly) {
    const mine = ++request;
    if (!quietly) { say("Reading the history…"); }
    return fetch(modes.dataset.historyUrl + rangeQuery(), { credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) {
            throw new Error(body.message || "the server answered " + response.status);
          }
          return body;
        });
      })
      .then(function (data) {
        if (mine !== request || mode !== chosen) { return; }
        const ranged = rangeQuery() ? " in this range" : "";
        say((chosen === "heatmap" ? "Heatmap: " : "History: ") + summary(data.counts, ranged));
        heatLegend.querySelector("[data-heat-max]").textContent = String(data.max);
        whenReady(function (viewer) {
          if (mine !== request) { return; }
          clear(viewer);
          if (chosen === "heatmap") {
            drawHeatmap(viewer, data.counts, data.max);
          } else {
            drawHistory(viewer, data.counts);
          }
        });
      })
      .catch(function (error) {
        if (mine === request) { say("The history could not be read: " + error.message, true); }
        if (quietly) { throw error; }  // the live re-read tries again later
      });
  }

  function choose(chosen) {
    mode = chosen;
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.overlay === chosen));
    });
    const running = chosen === "running";
    if (range) { range.hidden = running; }
    historyLegend.hidden = chosen !== "history";
    heatLegend.hidden = chosen !== "heatmap";
    if (window.LegatoDiagram) { window.LegatoDiagram.setActivityCountsVisible(running); }
    if (running) {
      request++;
      say("");
      whenReady(clear);
      return;
    }
    showHistory(chosen);
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { choose(button.dataset.overlay); });
  });
  if (range) {
    range.addEventListener("submit", function (event) {
      event.preventDefault();
      if (mode !== "running") { showHistory(mode); }
    });
  }

  if (window.LegatoLive) {
    const definitionId = container.dataset.definitionId;
    window.LegatoLive.onLive(function (event) {
      if (mode === "running" || !LIVE_KINDS.test(event.type || "")) { return false; }
      return !event.processDefinitionId || event.processDefinitionId === definitionId;
    }, function () {
      // A reconnect or a gap schedules too: nothing to read while Running is shown.
      return mode === "running" ? null : showHistory(mode, true);
    }, LIVE_DELAY);
  }
})();
