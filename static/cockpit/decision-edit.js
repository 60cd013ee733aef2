// Live editing of a decision: dmn-js's editor opens the deployed DMN file at the decision's
// own view (its table or literal expression); "Deploy a new version" puts the edited XML in
// the form and posts it. A refused file comes back here with the engine's messages.
(function () {
  "use strict";

  const container = document.getElementById("decision-editor");
  const form = document.getElementById("decision-edit-form");
  if (!container || !form) { return; }
  const source = document.getElementById("decision-xml");
  const status = document.getElementById("decision-edit-status");
  const save = document.getElementById("decision-save");

  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
  }

  if (typeof window.DmnJS !== "function") {
    say("The decision editor could not be loaded.", true);
    return;
  }
  const modeler = new window.DmnJS({ container: container });

  modeler.importXML(source.value)
    .then(function () {
      const decision = container.dataset.decisionId;
      const view = modeler.getViews().find(function (v) {
        return v.element.id === decision && v.type !== "drd";
      });
      return view ? modeler.open(view) : null;
    })
    .then(function () {
      save.disabled = false;
      say("", false);
      container.dataset.rendered = "true";
    })
    .catch(function (error) {
      say("The decision could not be opened: " + error.message, true);
    });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save.disabled = true;
    say("Deploying…", false);
    modeler.saveXML({ format: true })
      .then(function (result) {
        source.value = result.xml;
        form.submit();  // no submit event: this handler does not run again
      })
      .catch(function (error) {
        save.disabled = false;
        say("The edited decision could not be written: " + error.message, true);
      });
  });
})();
