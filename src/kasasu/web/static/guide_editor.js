/* The guide editor's element picker: "Pick on the page" opens the product's page with
 * #kasasu-pick; the SDK there lets the author click an element and posts its selector back
 * to this window. Only messages from the SDK environments' origins are taken. */
(function () {
  "use strict";
  var form = document.querySelector("[data-guide-editor]");
  if (!form) {
    return;
  }
  var origins = JSON.parse(form.getAttribute("data-origins") || "[]");
  var field = null;
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick]");
    if (!button) {
      return;
    }
    event.preventDefault();
    field = document.getElementById(button.getAttribute("data-pick"));
    var page = document.getElementById("pick-page").value;
    window.open(page.split("#")[0] + "#kasasu-pick", "_blank");
  });
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (!field || origins.indexOf(event.origin) < 0 || data.kasasu !== "picked") {
      return;
    }
    field.value = String(data.selector || "");
    field.focus();
  });
})();
