/* Destructive actions ask first: a form with data-confirm="…" shows that question before it
   is sent (revoking a key, withdrawing a reference's consent), as does a button with its
   own data-confirm (a contact who left, in a form that does something else); a renewal
   form whose outcome is "churned" asks with its data-confirm-churn. Cancel, and nothing is
   sent. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    var outcome = form.querySelector("select[name=outcome]");
    if (outcome && outcome.value === "churned") question = form.getAttribute("data-confirm-churn");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
