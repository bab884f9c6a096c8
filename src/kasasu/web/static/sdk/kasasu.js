/* Kasasu SDK v1 (docs/sdk.md): a product sends what its users do to Kasasu.
 *
 *   <script src="https://kasasu.example.com/sdk/v1/kasasu.js"></script>
 *   kasasu.init("pk_...");                                  // the environment's public key
 *   kasasu.identify({id: "u-42", signature: "<hex>"}, "ACC-0001", {role: "admin"});
 *   kasasu.track("report_created", {report: "weekly"});
 *
 * The signature is hex(HMAC-SHA256(environment secret, account + ":" + user)), computed by
 * the product's server, so nobody can send events as another customer. Events are queued,
 * sent in batches, retried with a growing wait while Kasasu cannot take them, and carry
 * their own id, so a batch sent twice is stored once. When the page closes (pagehide), what
 * is still queued leaves with navigator.sendBeacon as text/plain, a type that needs no CORS
 * preflight (a keepalive fetch of JSON would need one, which Chromium does not make).
 * Written by hand: no library. */
(function (window) {
  "use strict";
  if (window.kasasu && window.kasasu.version) {
    return;
  }
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : window.location.origin;
  var BATCH = 50; // events per request
  var WAIT = 1000; // ms before a batch leaves, so close events travel together
  var KEEP = 1000; // events held at most while Kasasu cannot be reached
  var state = { key: null, user: null, signature: null, account: null, queue: [], timer: null, tries: 0, busy: false };

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function schedule(ms) {
    if (!state.timer) {
      state.timer = window.setTimeout(function () {
        state.timer = null;
        send();
      }, ms);
    }
  }

  function ready() {
    return state.key && state.user && state.account && state.queue.length && !state.busy;
  }

  function send(leaving) {
    var url = base + "/api/v1/sdk/events";
    var payload = function (events) {
      return JSON.stringify({
        environment: state.key,
        account: state.account,
        user: state.user,
        signature: state.signature,
        events: events
      });
    };
    if (leaving === true) {
      // The page is closing: what is queued (a batch in flight too, which the page's end may
      // cut off) leaves in beacons, which outlive the page. As text/plain they need no
      // preflight; an event that arrives twice is stored once.
      while (state.key && state.user && state.account && state.queue.length && navigator.sendBeacon) {
        var part = state.queue.slice(0, BATCH);
        if (!navigator.sendBeacon(url, new Blob([payload(part)], { type: "text/plain" }))) {
          return; // beyond what the browser lets beacons carry: the rest stays queued
        }
        state.queue.splice(0, part.length);
      }
      return;
    }
    if (!ready()) {
      return;
    }
    var batch = state.queue.slice(0, BATCH);
    state.busy = true;
    var body = payload(batch);
    var done = function (ok) {
      state.busy = false;
      if (ok) {
        // These events, wherever they are now (a beacon or the KEEP limit may have taken some).
        state.queue = state.queue.filter(function (event) {
          return batch.indexOf(event) < 0;
        });
        state.tries = 0;
        if (state.queue.length) {
          schedule(0);
        }
      } else {
        state.tries += 1;
        schedule(Math.min(60000, WAIT * Math.pow(2, state.tries)));
      }
    };
    window.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
      credentials: "omit"
      // Not keepalive: Chromium cannot preflight a keepalive request, and JSON needs one;
      // the page's last events leave in beacons instead (above).
    }).then(function (response) {
      // Taken, or refused for good (a wrong key or signature): either way not sent again.
      var final = response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429);
      done(final);
    }, function () {
      done(false);
    });
  }

  function enqueue(name, properties) {
    state.queue.push({
      id: newId(),
      name: String(name),
      at: new Date().toISOString(),
      url: window.location.pathname,
      properties: properties || {}
    });
    if (state.queue.length > KEEP) {
      state.queue.splice(0, state.queue.length - KEEP);
    }
    schedule(WAIT);
  }

  /* Guides (docs/guides.md): Kasasu decides which guides this user sees on this page; the
   * script draws them in a shadow root, so the product's styles and these never mix, and
   * reports shown, each step done, completed and dismissed as usage events. With
   * #kasasu-pick in the address and opened by Kasasu's guide editor, it lets the author
   * click an element instead and posts its selector back to Kasasu's window only. */
  var CSS = ".b{position:fixed;z-index:2147483647;max-width:320px;background:#fff;color:#1a202c;" +
    "border:1px solid #cbd5e0;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:12px 14px;" +
    "font:14px/1.5 system-ui,sans-serif}.b p{margin:.3em 0}.t{display:block;margin-right:18px}" +
    ".r{position:fixed;z-index:2147483646;border:2px solid #3182ce;border-radius:6px;pointer-events:none}" +
    ".bar{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin-top:8px}" +
    ".n{margin-right:auto;color:#718096;font-size:12px}button{font:inherit;cursor:pointer;border:1px solid #cbd5e0;" +
    "background:#fff;border-radius:6px;padding:3px 10px}.p{background:#3182ce;color:#fff;border-color:#3182ce}" +
    ".x{position:absolute;top:4px;right:6px;border:0;padding:0 4px;font-size:18px;line-height:1}" +
    ".c{left:50%;top:30%;transform:translateX(-50%)}.o{position:fixed;inset:0;background:rgba(0,0,0,.35);z-index:2147483645}" +
    ".ban{position:fixed;left:0;right:0;top:0;max-width:none;border-radius:0}" +
    ".list{right:16px;bottom:16px}textarea{width:100%;box-sizing:border-box;font:inherit}.list ul{list-style:none;padding:0;margin:6px 0}.late{color:#c53030}" +
    ".dot{position:fixed;z-index:2147483646;width:14px;height:14px;border-radius:50%;background:#3182ce;" +
    "border:2px solid #fff;padding:0}.pick{top:0;left:0;right:0;max-width:none;border-radius:0;background:#2c5282;color:#fff}";
  var guides = { asked: null, labels: {}, active: null, root: null, traits: {}, locale: null };
  var picking = /(^|[#&])kasasu-pick(&|$)/.test(window.location.hash.slice(1)) && !!window.opener;

  function ui() {
    if (!guides.root) {
      var host = document.createElement("div");
      host.id = "kasasu-guides";
      document.body.appendChild(host);
      guides.root = host.attachShadow({ mode: "open" });
      guides.root.appendChild(node("style", null, CSS));
    }
    return guides.root;
  }

  function node(tag, cls, text) {
    var made = document.createElement(tag);
    if (cls) {
      made.className = cls;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function button(text, act, cls, label) {
    var made = node("button", cls, text);
    made.type = "button";
    if (label) {
      made.setAttribute("aria-label", label);
    }
    made.addEventListener("click", act);
    return made;
  }

  function report(name, guide, extra) {
    var properties = { guide: guide.key, version: guide.version };
    Object.keys(extra || {}).forEach(function (k) {
      properties[k] = extra[k];
    });
    enqueue(name, properties);
  }

  function ask() {
    var page = window.location.pathname;
    if (picking || !state.key || !state.user || !state.account || guides.asked === page) {
      return;
    }
    guides.asked = page;
    window.fetch(base + "/api/v1/sdk/guides", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({
        environment: state.key, account: state.account, user: state.user, signature: state.signature,
        url: page, locale: guides.locale || window.navigator.language, traits: guides.traits
      })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer) {
        guides.labels = answer.labels || {};
        answer.guides.forEach(show);
      }
    }, function () {});
  }

  function wait(selector, found, lost) {
    var tries = 0;
    (function look() {
      var target = selector ? document.querySelector(selector) : null;
      if (target && target.getClientRects().length) {
        found(target);
      } else if (++tries < 50) {
        window.setTimeout(look, 200);
      } else {
        lost();
      }
    })();
  }

  function ring(target) {
    var r = target.getBoundingClientRect();
    var made = node("div", "r");
    made.style.cssText = "top:" + (r.top - 4) + "px;left:" + (r.left - 4) + "px;width:" + (r.width + 4) +
      "px;height:" + (r.height + 4) + "px";
    ui().appendChild(made);
    return made;
  }

  function bubble(guide, step, cls) {
    var box = node("div", "b " + (cls || ""));
    box.setAttribute("role", "dialog");
    box.setAttribute("data-guide", guide.key);
    box.appendChild(node("strong", "t", step.title));
    if (step.body_html) {
      var body = node("div");
      body.innerHTML = step.body_html; // rendered by Kasasu from Markdown: no raw HTML, no script
      box.appendChild(body);
    }
    ui().appendChild(box);
    return box;
  }

  function near(box, target) {
    var r = target.getBoundingClientRect();
    var below = r.bottom + 10 + box.offsetHeight < window.innerHeight;
    box.style.top = (below ? r.bottom + 10 : Math.max(8, r.top - box.offsetHeight - 10)) + "px";
    box.style.left = Math.max(8, Math.min(window.innerWidth - box.offsetWidth - 8, r.left)) + "px";
  }

  function steps(guide, anchored, cls) {
    var at = 0, box = null, mark = null, shade = null, seen = false, current = null;
    function clear() {
      [box, mark, shade].forEach(function (e) {
        if (e) {
          e.remove();
        }
      });
      box = mark = shade = current = null;
    }
    function end(name) {
      clear();
      guides.active = null;
      report(name, guide);
    }
    function done() {
      report("guide_step_completed", guide, { step: at });
      if (at + 1 < guide.steps.length) {
        go(at + 1);
      } else {
        end("guide_completed");
      }
    }
    function draw(step, target) {
      if (!seen) {
        seen = true;
        report("guide_shown", guide);
      }
      current = step;
      if (!anchored) {
        shade = ui().appendChild(node("div", "o"));
      }
      box = bubble(guide, step, anchored ? "" : cls);
      box.appendChild(button("×", function () { end("guide_dismissed"); }, "x", guides.labels.close));
      var bar = node("div", "bar");
      if (guide.steps.length > 1) {
        bar.appendChild(node("span", "n", (at + 1) + " / " + guide.steps.length));
      }
      if (at > 0) {
        bar.appendChild(button(guides.labels.back || "<", function () { go(at - 1); }));
      }
      if (anchored && step.advance === "click") {
        bar.appendChild(node("span", "n", guides.labels.click || ""));
        target.addEventListener("click", function taken() {
          target.removeEventListener("click", taken, true);
          if (current === step) {
            done();
          }
        }, true);
      } else {
        var last = at + 1 === guide.steps.length;
        bar.appendChild(button(last ? guides.labels.done || "OK" : guides.labels.next || ">", done, "p"));
      }
      box.appendChild(bar);
      if (target) {
        target.scrollIntoView({ block: "nearest" });
        mark = ring(target);
        near(box, target);
      }
    }
    function go(index) {
      clear();
      at = index;
      var step = guide.steps[at];
      if (!anchored) {
        draw(step, null);
        return;
      }
      wait(step.selector, function (target) { draw(step, target); }, function () {
        guides.active = null; // its element never came: nothing shown, nothing counted
      });
    }
    go(0);
  }

  function hotspot(guide) {
    var step = guide.steps[0];
    wait(step.selector, function (target) {
      var r = target.getBoundingClientRect();
      var dot = button("", function () {
        dot.remove();
        var box = bubble(guide, step, "");
        box.appendChild(button("×", function () { box.remove(); report("guide_dismissed", guide); }, "x", guides.labels.close));
        var bar = node("div", "bar");
        bar.appendChild(button(guides.labels.done || "OK", function () {
          box.remove();
          report("guide_step_completed", guide, { step: 0 });
          report("guide_completed", guide);
        }, "p"));
        box.appendChild(bar);
        near(box, target);
      }, "dot", step.title);
      dot.style.top = (r.top - 6) + "px";
      dot.style.left = (r.right - 8) + "px";
      ui().appendChild(dot);
      report("guide_shown", guide);
    }, function () {});
  }

  function banner(guide) {
    var box = bubble(guide, guide.steps[0], "ban");
    box.appendChild(button("×", function () { box.remove(); report("guide_dismissed", guide); }, "x", guides.labels.close));
    report("guide_shown", guide);
  }

  function checklist(guide) {
    var box = node("div", "b list");
    box.setAttribute("role", "region");
    box.setAttribute("data-guide", guide.key);
    var done = guide.items.filter(function (i) { return i.done; }).length;
    box.appendChild(node("strong", "t", (guides.labels.checklist || "") + " " + done + " / " + guide.items.length));
    var list = node("ul");
    guide.items.forEach(function (item) {
      var line = node("li", item.overdue ? "late" : "", (item.done ? "✓ " : "○ ") + item.title +
        (item.due_on && !item.done ? " (" + (guides.labels.due || "") + " " + item.due_on + ")" : ""));
      list.appendChild(line);
    });
    box.appendChild(list);
    if (guide.meetings && guide.meetings.length) {
      box.appendChild(node("strong", "t", guides.labels.meetings || ""));
      var met = node("ul");
      guide.meetings.forEach(function (meeting) {
        var when = new Date(meeting.starts_at).toLocaleString(guides.locale || undefined,
          { dateStyle: "medium", timeStyle: "short" });
        met.appendChild(node("li", "", when + " " + meeting.title + (meeting.place ? " (" + meeting.place + ")" : "")));
      });
      box.appendChild(met);
    }
    box.appendChild(button("×", function () { box.remove(); report("guide_dismissed", guide); }, "x", guides.labels.close));
    ui().appendChild(box);
    var seen = "kasasu-shown-" + guide.key;
    try {
      if (window.sessionStorage.getItem(seen)) {
        return; // counted once a browser session, not on every page
      }
      window.sessionStorage.setItem(seen, "1");
    } catch (e) {
      // No session storage (a privacy mode): counted on every page.
    }
    report("guide_shown", guide);
  }

  function survey(guide) {
    var ask = guide.survey;
    var box = bubble(guide, { title: ask.question }, "c");
    var close = button("×", function () { box.remove(); report("guide_dismissed", guide); }, "x", guides.labels.close);
    box.appendChild(close);
    var scale = node("div", "bar");
    var comment = node("textarea");
    comment.rows = 2;
    comment.setAttribute("aria-label", ask.followup);
    var chosen = null;
    for (var score = ask.low; score <= ask.high; score++) {
      (function (value) {
        scale.appendChild(button(String(value), function (event) {
          chosen = value;
          Array.prototype.forEach.call(scale.children, function (b) { b.className = ""; });
          event.currentTarget.className = "p";
        }));
      })(score);
    }
    box.appendChild(scale);
    box.appendChild(node("div", "n", ask.low_label + " ← → " + ask.high_label));
    box.appendChild(node("p", "", ask.followup));
    box.appendChild(comment);
    var bar = node("div", "bar");
    bar.appendChild(button(guides.labels.send || "OK", function () {
      if (chosen === null) {
        return;
      }
      window.fetch(base + "/api/v1/sdk/answers", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "omit",
        body: JSON.stringify({
          environment: state.key, account: state.account, user: state.user, signature: state.signature,
          guide: guide.key, who: String(guides.traits.email || state.user), score: chosen, comment: comment.value || null
        })
      }).then(function (response) {
        if (response.ok) {
          box.textContent = "";
          box.appendChild(node("strong", "t", guides.labels.thanks || ""));
          report("guide_completed", guide);
          window.setTimeout(function () { box.remove(); }, 2500);
        }
      }, function () {});
    }, "p"));
    box.appendChild(bar);
    report("guide_shown", guide);
  }

  function show(guide) {
    if (!document.body) {
      document.addEventListener("DOMContentLoaded", function () { show(guide); });
      return;
    }
    if (guide.kind === "walkthrough" || guide.kind === "modal") {
      if (guides.active) {
        return; // one at a time; the next page asks again
      }
      guides.active = guide.key;
      steps(guide, guide.kind === "walkthrough", "c");
    } else if (guide.kind === "tooltip") {
      hotspot(guide);
    } else if (guide.kind === "banner") {
      banner(guide);
    } else if (guide.kind === "checklist") {
      checklist(guide);
    } else if (guide.kind === "survey" && guide.survey) {
      survey(guide);
    }
  }

  function unique(selector) {
    try {
      return document.querySelectorAll(selector).length === 1;
    } catch (e) {
      return false;
    }
  }

  function selectorOf(element) {
    var parts = [];
    for (var at = element; at && at.nodeType === 1 && at !== document.documentElement; at = at.parentElement) {
      if (at.id && unique("#" + CSS_ESCAPE(at.id))) {
        parts.unshift("#" + CSS_ESCAPE(at.id));
        break;
      }
      var part = at.tagName.toLowerCase();
      var named = ["data-testid", "data-kasasu", "name", "aria-label"].filter(function (a) {
        return at.getAttribute(a);
      })[0];
      if (named) {
        part += "[" + named + '="' + at.getAttribute(named).replace(/["\\]/g, "\\$&") + '"]';
      } else if (at.parentElement) {
        var same = Array.prototype.filter.call(at.parentElement.children, function (c) {
          return c.tagName === at.tagName;
        });
        if (same.length > 1) {
          part += ":nth-of-type(" + (same.indexOf(at) + 1) + ")";
        }
      }
      parts.unshift(part);
      if (unique(parts.join(" > "))) {
        break;
      }
    }
    return parts.join(" > ");
  }

  function CSS_ESCAPE(text) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(text) : text.replace(/[^\w-]/g, "\\$&");
  }

  function pick() {
    var ja = /^ja/.test(window.navigator.language || "");
    var bar = node("div", "b pick", ja ? "Kasasu: ガイドで指す要素をクリックしてください" :
      "Kasasu: click the element the guide should point at");
    ui().appendChild(bar);
    var mark = null;
    document.addEventListener("mouseover", function (event) {
      if (mark) {
        mark.remove();
      }
      mark = ring(event.target);
    }, true);
    document.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation(); // the product does not act on the author's clicks
      var selector = selectorOf(event.target);
      window.opener.postMessage({ kasasu: "picked", selector: selector }, base);
      bar.textContent = (ja ? "Kasasu に送りました: " : "Sent to Kasasu: ") + selector;
    }, true);
  }

  if (picking) {
    if (document.body) {
      pick();
    } else {
      document.addEventListener("DOMContentLoaded", pick);
    }
  }

  window.kasasu = {
    version: "1",
    init: function (publicKey) {
      state.key = String(publicKey);
      schedule(0);
      ask();
    },
    identify: function (user, account, traits) {
      state.user = String(user && user.id !== undefined ? user.id : user);
      state.signature = user && user.signature ? String(user.signature) : null;
      state.account = String(account);
      guides.traits = traits || {};
      guides.locale = guides.traits.locale || null;
      enqueue("identify", guides.traits);
      ask();
    },
    page: function () {
      // A single-page product calls this after it changes route: the guides of that page.
      guides.asked = null;
      ask();
    },
    track: function (name, properties) {
      enqueue(name, properties);
    },
    flush: function () {
      send();
    }
  };
  window.addEventListener("pagehide", function () {
    send(true);
  });
})(window);
