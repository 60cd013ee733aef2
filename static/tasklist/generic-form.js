// The generic form of a task without a form (Camunda Tasklist's): "Add a variable" adds a
// row, "Load variables" fills rows with the variables the task sees, from the REST API.
(function () {
  "use strict";
  const box = document.querySelector("[data-generic-form]");
  if (!box) { return; }
  const rows = box.querySelector("[data-generic-rows]");
  const add = box.querySelector("[data-generic-add]");
  const load = box.querySelector("[data-generic-load]");
  const status = box.querySelector("[data-generic-status]");
  if (!rows || !add || !load) { return; }
  const template = rows.querySelector("tr");
  const TYPES = Array.from(template.querySelectorAll("option"), function (o) { return o.value; });

  function nextNumber() {
    let highest = -1;
    rows.querySelectorAll("input[name^=generic-name-]").forEach(function (input) {
      highest = Math.max(highest, Number(input.name.slice("generic-name-".length)));
    });
    return highest + 1;
  }

  function addRow(name, type, value) {
    const number = nextNumber();
    const row = template.cloneNode(true);
    row.classList.remove("has-error");
    row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    row.querySelectorAll("input, select").forEach(function (el) {
      el.name = el.name.replace(/\d+$/, String(number));
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    row.querySelector("[name^=generic-name-]").value = name || "";
    row.querySelector("[name^=generic-type-]").value = type || "String";
    row.querySelector("[name^=generic-value-]").value = value === undefined ? "" : value;
    rows.appendChild(row);
    return row;
  }

  function text(dto) {
    if (dto.type === "Json" && typeof dto.value !== "string") { return JSON.stringify(dto.value); }
    return dto.value === null ? "" : String(dto.value);
  }

  add.hidden = false;
  load.hidden = false;
  add.addEventListener("click", function () { addRow().querySelector("input").focus(); });
  load.addEventListener("click", function () {
    status.textContent = "";
    fetch(box.dataset.variablesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (variables) {
        let loaded = 0;
        Object.keys(variables).sort().forEach(function (name) {
          const dto = variables[name];
          if (TYPES.indexOf(dto.type) < 0) { return; }  // files and objects are not typed in
          const existing = Array.from(rows.querySelectorAll("input[name^=generic-name-]"))
            .find(function (input) { return input.value === name || input.value === ""; });
          const row = existing ? existing.closest("tr") : addRow();
          row.querySelector("[name^=generic-name-]").value = name;
          row.querySelector("[name^=generic-type-]").value = dto.type;
          row.querySelector("[name^=generic-value-]").value = text(dto);
          loaded += 1;
        });
        status.textContent = loaded ? loaded + " variable" + (loaded === 1 ? "" : "s") + " loaded." : "No variables to load.";
      })
      .catch(function (error) { status.textContent = "The variables could not be loaded: " + error.message; });
  });
})();
