/* The segment form's rule builder: pick a field, a comparison and a value per condition, and
   it writes the rule text into the form's rule box (the text stays the one definition: the
   server checks and stores it as if typed). Without JavaScript the box alone works. */
(function () {
  "use strict";
  var OPERATORS = {number: [">=", "<=", ">", "<", "==", "!="], text: ["==", "!="], choice: ["==", "!="],
                   list: ["in", "not in"]};
  var SHOWN = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"};

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function options(select, pairs) {
    select.replaceChildren.apply(select, pairs.map(function (p) {
      return element("option", {value: p[0]}, [p[1]]);
    }));
  }

  function start(builder) {
    var fields = JSON.parse(document.getElementById("rule-fields").textContent);
    var words = JSON.parse(document.getElementById("rule-words").textContent);
    var target = document.getElementById(builder.dataset.target);
    var rows = builder.querySelector(".rule-rows");
    var join = builder.querySelector(".rule-join");
    var byName = {};
    fields.forEach(function (f) { byName[f.name] = f; });

    function condition(row) {
      var field = byName[row.querySelector(".rule-field").value];
      var op = row.querySelector(".rule-op").value;
      var raw = row.querySelector(".rule-value").value.trim();
      if (!field || raw === "") return null;
      if (field.kind === "number") {
        if (!/^-?\d+(\.\d+)?$/.test(raw)) return null;
        return field.name + " " + op + " " + raw;
      }
      // A list (the guides completed) holds the value: "setup" in guides_completed.
      if (field.kind === "list") return JSON.stringify(raw) + " " + op + " " + field.name;
      return field.name + " " + op + " " + JSON.stringify(raw);
    }

    function write() {
      var parts = Array.prototype.map.call(rows.children, condition).filter(Boolean);
      if (parts.length) target.value = parts.join(" " + join.value + " ");
    }

    function valueFor(field) {
      if (field.kind === "choice") {
        var select = element("select", {"class": "rule-value", "aria-label": words.value});
        options(select, field.choices);
        return select;
      }
      return element("input", {"class": "rule-value", "aria-label": words.value,
        inputmode: field.kind === "number" ? "decimal" : "text"});
    }

    function add() {
      var fieldSelect = element("select", {"class": "rule-field", "aria-label": words.field});
      options(fieldSelect, fields.map(function (f) { return [f.name, f.label]; }));
      var op = element("select", {"class": "rule-op", "aria-label": words.op});
      var remove = element("button", {type: "button", "class": "secondary", "aria-label": words.remove}, ["×"]);
      var row = element("div", {"class": "rule-row filters"}, [fieldSelect, op, valueFor(fields[0]), remove]);
      function chosen() {
        var field = byName[fieldSelect.value];
        options(op, OPERATORS[field.kind].map(function (o) { return [o, SHOWN[o] || words[o]]; }));
        row.replaceChild(valueFor(field), row.querySelector(".rule-value"));
        write();
      }
      fieldSelect.addEventListener("change", chosen);
      remove.addEventListener("click", function () { row.remove(); write(); });
      rows.append(row);
      chosen();
    }

    builder.addEventListener("input", write);
    builder.addEventListener("change", write);
    builder.querySelector(".rule-add").addEventListener("click", add);
    builder.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var builder = document.getElementById("rule-builder");
    if (builder) start(builder);
  });
})();
