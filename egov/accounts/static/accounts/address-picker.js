// Address pickers: refill the commune list when the province changes (the page also works
// without this script: the "Show the communes" button sends the form and the server fills it).
(function () {
  "use strict";
  function refill(provinceSelect) {
    var prefix = provinceSelect.getAttribute("data-address-province");
    var form = provinceSelect.form;
    var communeSelect = form.querySelector('[data-address-commune="' + prefix + '"]');
    var option = provinceSelect.options[provinceSelect.selectedIndex];
    var id = option ? option.getAttribute("data-id") : null;
    if (!communeSelect) { return; }
    while (communeSelect.options.length > 1) { communeSelect.remove(1); }
    if (!id) { return; }
    fetch("/api/v1/org/administrative-units?level=commune&parent=" + encodeURIComponent(id), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (response) { return response.ok ? response.json() : []; })
      .then(function (units) {
        units.forEach(function (unit) {
          var item = document.createElement("option");
          item.value = unit.code;
          item.textContent = unit.name;
          communeSelect.appendChild(item);
        });
      });
  }
  document.querySelectorAll("[data-address-province]").forEach(function (select) {
    select.addEventListener("change", function () { refill(select); });
  });
  document.querySelectorAll("[data-address-pick]").forEach(function (button) {
    button.hidden = true;
  });
})();
