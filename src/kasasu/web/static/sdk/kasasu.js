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
 * their own id, so a batch sent twice is stored once. Written by hand: no library. */
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

  function send() {
    if (!ready()) {
      return;
    }
    var batch = state.queue.slice(0, BATCH);
    state.busy = true;
    var body = JSON.stringify({
      environment: state.key,
      account: state.account,
      user: state.user,
      signature: state.signature,
      events: batch
    });
    var done = function (ok) {
      state.busy = false;
      if (ok) {
        state.queue.splice(0, batch.length);
        state.tries = 0;
        if (state.queue.length) {
          schedule(0);
        }
      } else {
        state.tries += 1;
        schedule(Math.min(60000, WAIT * Math.pow(2, state.tries)));
      }
    };
    window.fetch(base + "/api/v1/sdk/events", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
      credentials: "omit"
      // Not keepalive: Chromium cannot preflight a keepalive request, and JSON needs one.
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

  window.kasasu = {
    version: "1",
    init: function (publicKey) {
      state.key = String(publicKey);
      schedule(0);
    },
    identify: function (user, account, traits) {
      state.user = String(user && user.id !== undefined ? user.id : user);
      state.signature = user && user.signature ? String(user.signature) : null;
      state.account = String(account);
      enqueue("identify", traits || {});
    },
    track: function (name, properties) {
      enqueue(name, properties);
    },
    flush: function () {
      send();
    }
  };
  window.addEventListener("pagehide", send);
})(window);
