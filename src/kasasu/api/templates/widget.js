/* Kasasu survey widget. Include it in your product's pages for the signed-in user:
 *   <script src="https://KASASU/api/v1/widget.js" data-campaign="PUBLIC_ID"
 *           data-contact="EXTERNAL_ID_OR_EMAIL" data-signature="SIGNATURE"
 *           data-lang="ja" async></script>
 * SIGNATURE is computed by your backend, never in the browser:
 *   hex(HMAC-SHA256(the campaign's signing key, data-contact as UTF-8))
 * (GET /api/v1/surveys/campaigns/NAME/widget gives the key to leaders and admins; see
 * docs/surveys-widget.md). Kasasu refuses an answer whose signature is missing or wrong.
 * It asks the campaign's question in a small box and posts the answer to Kasasu. Your site's
 * origin must be listed in KASASU_SURVEYS__WIDGET_ORIGINS. No third-party code. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var api = new URL(script.src).origin + "/api/v1";
  var campaign = script.getAttribute("data-campaign") || "";
  var contact = script.getAttribute("data-contact") || "";
  var signature = script.getAttribute("data-signature") || "";
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "ja";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(q) {
    var box = el("form", {
      "class": "kasasu-survey", "role": "dialog", "aria-label": q.question,
      "style": "position:fixed;right:1rem;bottom:1rem;max-width:26rem;background:#fff;" +
        "color:#222;border:1px solid #ccc;border-radius:6px;padding:1rem;" +
        "box-shadow:0 2px 12px rgba(0,0,0,.2);font:14px/1.4 sans-serif;z-index:2147483647"
    });
    var close = el("button", { "type": "button", "aria-label": "×", "style": "float:right" }, "×");
    close.onclick = function () { box.remove(); };
    box.appendChild(close);
    box.appendChild(el("p", { "style": "font-weight:bold;margin:0 0 .5rem" }, q.question));
    var scale = el("div", { "style": "display:flex;flex-wrap:wrap;gap:.2rem" });
    q.scale.forEach(function (n) {
      var label = el("label", { "style": "border:1px solid #ccc;border-radius:4px;padding:.1rem .35rem" });
      var radio = el("input", { "type": "radio", "name": "kasasu-score", "value": String(n) });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + n));
      scale.appendChild(label);
    });
    box.appendChild(scale);
    box.appendChild(el("p", { "style": "font-size:12px;color:#555;margin:.2rem 0" },
      q.scale[0] + ": " + q.low_label + " · " + q.scale[q.scale.length - 1] + ": " + q.high_label));
    var comment = el("textarea", { "name": "kasasu-comment", "rows": "3", "maxlength": "2000",
      "aria-label": q.followup, "placeholder": q.followup, "style": "width:100%" });
    box.appendChild(comment);
    var message = el("p", { "class": "kasasu-message", "role": "status" });
    box.appendChild(message);
    box.appendChild(el("button", { "type": "submit" }, q.send));
    box.onsubmit = function (event) {
      event.preventDefault();
      var chosen = box.querySelector("input[name=kasasu-score]:checked");
      var body = { campaign: campaign, contact: contact, signature: signature,
                   comment: comment.value || null,
                   score: chosen ? parseInt(chosen.value, 10) : null };
      fetch(api + "/widget/answer", {
        method: "POST", mode: "cors", headers: { "Content-Type": "application/json",
        "Accept-Language": lang }, body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.ok) {
            box.textContent = "";
            box.appendChild(el("p", { "class": "kasasu-thanks", "role": "status" }, q.thanks));
            setTimeout(function () { box.remove(); }, 4000);
          } else {
            var details = (data.errors || []).map(function (e) { return e.msg; }).join(" ");
            message.textContent = (data.detail || "") + (details ? " " + details : "");
          }
        });
      }).catch(function () { message.textContent = "…"; });
    };
    document.body.appendChild(box);
  }

  if (!contact || !signature) { return; } /* nobody to ask: the widget stays hidden */
  fetch(api + "/widget/campaigns/" + encodeURIComponent(campaign) + "?lang=" +
        encodeURIComponent(lang), { mode: "cors" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (q) { if (q) { show(q); } })
    .catch(function () { /* the widget stays hidden */ });
})();
