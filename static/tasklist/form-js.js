// A Camunda Form (form-js schema) rendered with the form-js viewer. The browser validates as
// form-js does; the server validates again and its errors are shown on the same fields.
// Files picked in the form go as multipart parts named by their files key (the value form-js
// gives the picker), the data as the `payload` part; without files the data is the JSON body.
(function () {
  "use strict";
  const container = document.getElementById("form-js");
  const button = document.getElementById("form-submit");
  const status = document.getElementById("form-status");
  if (!container || !button) { return; }

  function say(text) { status.textContent = text; status.hidden = !text; }
  if (!window.FormViewer) { say("The form viewer could not be loaded."); button.disabled = true; return; }

  const schema = JSON.parse(document.getElementById("form-schema").textContent);
  const data = JSON.parse(document.getElementById("form-data").textContent) || {};
  const csrf = container.querySelector("input[name=csrfmiddlewaretoken]").value;
  const host = document.createElement("div");
  container.appendChild(host);
  // form-js holds what is typed outside its state for 300 ms (debounce) and re-renders every
  // field from its state: a re-render in that window (any state change of the form; its
  // number field sends its value again 300 ms after each render) puts the field back and the
  // text is lost, and submit() reads the state. Without the debounce every keystroke is in
  // the state at once.
  const form = new window.FormViewer.Form({ container: host, debounce: false });
  const disabled = container.dataset.disabled === "true";

  // A draft saved in this browser (form-draft.js) is filled in over the task's values.
  const drafts = window.LegatoDrafts;
  const draftButton = document.getElementById("form-draft-save");
  const draftBox = document.getElementById("form-draft-status");
  const draftKey = draftButton && draftButton.dataset.draftKey;
  const draft = drafts && draftKey ? drafts.load(draftKey) : null;
  function discardDraft() { drafts.forget(draftKey); location.reload(); }
  const shown = draft && draft.values ? Object.assign({}, data, draft.values) : data;

  form.importSchema(schema, shown).then(function () {
    if (disabled) { form.setProperty("disabled", true); }
    if (shown !== data) { drafts.notice(draftBox, "Your draft of " + drafts.when(draft.saved) + " is filled in.", discardDraft); }
  }).catch(function (error) { say("The form could not be shown: " + error.message); });
  if (drafts && draftButton) {
    draftButton.hidden = false;
    draftButton.addEventListener("click", function () {
      drafts.save(draftKey, form._getState().data);
      drafts.notice(draftBox, "Draft saved in this browser at " + drafts.when(Date.now()) + ".", discardDraft);
    });
  }

  function submit() {
    say("");
    const result = form.submit();
    if (result.errors && Object.keys(result.errors).length) {
      say("Correct the fields marked in the form.");
      return;
    }
    const keyInput = document.getElementById("business-key");
    const body = container.dataset.start === "true"
      ? { data: result.data, businessKey: keyInput ? keyInput.value : "" }
      : result.data;
    button.disabled = true;
    const headers = { "X-CSRFToken": csrf };
    let payload = JSON.stringify(body);
    if (result.files && result.files.size) {
      const parts = new FormData();
      parts.append("payload", payload);
      result.files.forEach(function (files, key) {
        files.forEach(function (file) { parts.append(key, file, file.name); });
      });
      payload = parts;
    } else {
      headers["Content-Type"] = "application/json";
    }
    fetch(container.dataset.submitUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: payload,
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (reply) {
      if (reply.ok && reply.answer.redirect) {
        if (drafts && draftKey) { drafts.forget(draftKey); }
        location.assign(reply.answer.redirect);
        return;
      }
      button.disabled = false;
      say(reply.answer.message || "The form was not accepted.");
      // Show the server's messages on the fields, the way form-js shows its own.
      if (reply.answer.fieldErrors) { form._setState({ errors: reply.answer.fieldErrors }); }
    }).catch(function (error) {
      button.disabled = false;
      say("The form could not be sent: " + error.message);
    });
  }
  button.addEventListener("click", submit);
})();
