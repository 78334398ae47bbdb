// Conditional fields of the application form: show a field only when its condition holds
// (the same "show_if" the server applies). Without this script every field shows with a note
// saying when it applies, and the server ignores answers to fields that don't apply.
(function () {
  "use strict";
  var form = document.querySelector("[data-application-form]");
  if (!form) { return; }
  function valuesOf(name) {
    var found = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { found.push(input.value === "on" ? true : input.value); }
      } else if (input.value.trim() !== "") {
        found.push(input.value);
      }
    });
    return found;
  }
  function holds(condition) {
    var values = valuesOf(condition.field);
    if ("filled" in condition) { return (values.length > 0) === condition.filled; }
    var wanted = "equals" in condition ? [condition.equals] : condition["in"];
    if (wanted.indexOf(false) !== -1 && values.length === 0) { return true; }
    return values.some(function (value) {
      return wanted.some(function (w) { return String(w) === String(value); });
    });
  }
  var conditional = form.querySelectorAll("[data-show-if]");
  function update() {
    conditional.forEach(function (box) {
      var show = holds(JSON.parse(box.getAttribute("data-show-if")));
      box.hidden = !show;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }
  conditional.forEach(function (box) {
    var note = box.querySelector(".condition");
    if (note) { note.hidden = true; }
  });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
