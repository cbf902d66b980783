// Entries kept on the phone (localStorage) until the server has them, each under the member who
// made it (tocns.queue.<kind>.<user id>: another account on the same phone neither sees nor sends
// them). Each is shown with its state, retried every 30 s and when the connection comes back, sent
// in parts small enough for a weak connection and with the id made here, so sending one again never
// doubles it. One the server refuses stays, with the reason, until the member fixes or deletes it.
// When the session has ended, the page asks the member to sign in again and keeps everything.
(function () {
  "use strict";
  var user = document.body.dataset.user;
  var opened = {};
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }
  function read(key) { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
  // The token of the page may be older than the latest sign-in (a copy kept for offline use).
  function csrf(fallback) { var m = /(?:^|; )csrftoken=([^;]*)/.exec(document.cookie); return m ? m[1] : fallback; }

  // options: kind (log, survey, report), api, csrf, and for a page: panel (with .count, .signin,
  // ul, .queue-file, data-* texts), text {waiting, allSent, states}, describe(entry), fileName,
  // edit(entry) to open a refused entry back into the form, done(entry, result, queue) after an answer.
  function Queue(options) {
    var sending = false, signIn = false;
    var panel = options.panel, kind = options.kind, key = "tocns.queue." + kind + "." + user;
    opened[kind] = true;
    localStorage.setItem("tocns.api." + kind, options.api);  // lets any signed-in page send them
    function load() { return read(key).filter(function (e) { return String(e.owner) === user; }); }
    function save(queue) {  // throws when the storage is full
      if (queue.length) localStorage.setItem(key, JSON.stringify(queue)); else localStorage.removeItem(key);
    }
    // Entries from before queues had an owner: most likely the member using this phone now.
    if (options.legacy && localStorage.getItem(options.legacy)) {
      try {
        save(load().concat(read(options.legacy).map(function (e) { e.owner = user; return e; })));
        localStorage.removeItem(options.legacy);
      } catch (e) { /* full: they stay where they were */ }
    }

    function button(label, action, id) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = label; b.dataset.do = action; b.dataset.id = id;
      return b;
    }

    function render() {
      if (!panel) return;
      var queue = load(), t = options.text, data = panel.dataset;
      var left = queue.filter(function (e) { return e.state === "waiting" || e.state === "sending"; }).length;
      var refused = queue.filter(function (e) { return e.state === "refused"; });
      var lines = [];
      if (left) lines.push(t.waiting.replace("%s", left));
      if (refused.length) lines.push(data.refused.replace("%s", refused.length));
      panel.hidden = queue.length === 0;
      panel.querySelector(".count").textContent = lines.join(" · ") || t.allSent;
      panel.querySelector(".signin").hidden = !(signIn && left);
      var file = panel.querySelector(".queue-file");
      if (file) file.hidden = !(left || refused.length);
      var list = panel.querySelector("ul");
      list.textContent = "";
      // Refused entries stay in sight until they are dealt with; of the others, the latest 20.
      refused.concat(queue.filter(function (e) { return e.state !== "refused"; }).slice(-20).reverse())
        .forEach(function (e) {
          var li = document.createElement("li");
          li.className = "state-" + e.state;
          li.appendChild(document.createTextNode(
            options.describe(e) + " — " + t.states[e.state] + (e.reason ? ": " + e.reason : "")));
          if (e.state === "refused") {
            var actions = li.appendChild(document.createElement("div"));
            actions.className = "actions";
            if (options.edit) actions.appendChild(button(data.edit, "edit", e.client_id));
            actions.appendChild(button(data.remove, "remove", e.client_id));
          }
          list.appendChild(li);
        });
    }

    function sync() {
      if (sending || !navigator.onLine) return;
      var queue = load();
      // At most 200 entries and about 1.5 MB a request (photos are large): the rest go next.
      var batch = [], size = 0;
      queue.forEach(function (e) {
        if ((e.state !== "waiting" && e.state !== "sending") || batch.length >= 200) return;
        var weight = JSON.stringify(e).length;
        if (batch.length && size + weight > 1.5e6) return;
        batch.push(e); size += weight;
      });
      if (!batch.length) return;
      sending = true;
      var more = false;
      batch.forEach(function (e) { e.state = "sending"; });
      save(queue); render();
      fetch(options.api, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(options.csrf), "X-Tocns-Owner": user},
        body: JSON.stringify(batch.map(function (e) {
          var c = Object.assign({}, e); delete c.state; delete c.reason; delete c.owner; return c;
        }))
      }).then(function (response) {
        // Signed out, session ended, or another account signed in meanwhile: nothing is sent.
        signIn = [401, 403, 409].indexOf(response.status) >= 0;
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (results) {
        var byId = {};
        results.forEach(function (r) { byId[r.client_id] = r; });
        var now = load();
        now.forEach(function (e) {
          var r = byId[e.client_id];
          if (!r || e.state !== "sending") return;
          if (r.status === "refused") {
            e.state = "refused";
            e.reason = Object.keys(r.errors).map(function (k) { return r.errors[k].join(" "); }).join(" ");
          } else {
            e.state = "stored"; e.stored_at = Date.now();
            delete e.photo;  // the server has it: free the phone's storage
          }
          if (options.done) options.done(e, r, now);  // the page may show it, or mend what waits after it
        });
        // Entries stored more than a day ago need not stay on the phone.
        save(now.filter(function (e) { return e.state !== "stored" || Date.now() - e.stored_at < 864e5; }));
        more = now.some(function (e) { return e.state === "waiting"; });
      }).catch(function () {
        var now = load();
        now.forEach(function (e) { if (e.state === "sending") e.state = "waiting"; });
        save(now);
      }).then(function () { sending = false; render(); if (more) sync(); });
    }

    function add(entry) {  // a fixed entry takes the place of the refused one (same client id)
      entry.state = "waiting"; entry.owner = Number(user); delete entry.reason;
      var queue = load().filter(function (e) { return e.client_id !== entry.client_id; });
      queue.push(entry);
      save(queue);  // throws when storage is full: nothing is lost, the form keeps what was typed
      render(); sync();
    }

    function remove(id) { save(load().filter(function (e) { return e.client_id !== id; })); render(); }

    if (panel) {
      panel.querySelector("ul").addEventListener("click", function (event) {
        var b = event.target.closest("button[data-id]");
        var entry = b && load().filter(function (e) { return e.client_id === b.dataset.id; })[0];
        if (!entry) return;
        if (b.dataset.do === "edit") options.edit(entry);
        else window.TocnsAsk(panel.dataset.removeAsk, panel.dataset.remove, panel.dataset.keep,
                             function () { remove(entry.client_id); });
      });
      var file = panel.querySelector(".queue-file");
      if (file) file.addEventListener("click", function () {
        var blob = new Blob([JSON.stringify(load().filter(function (e) { return e.state !== "stored"; }))],
                            {type: "application/json"});
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = options.fileName + new Date().toISOString().slice(0, 10) + ".json";
        a.click();
      });
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      setInterval(function () { if (!signIn) sync(); }, 30000);
    }
    window.addEventListener("online", sync);
    render(); sync();
    return {add: add, load: load, remove: remove, render: render, sync: sync};
  }

  // From any signed-in page: send what the member left waiting in queues this page does not show.
  Queue.syncAll = function () {
    var kinds = [];
    for (var i = 0; i < localStorage.length; i++) {
      var m = /^tocns\.queue\.(\w+)\.(\d+)$/.exec(localStorage.key(i));
      if (m && m[2] === user && !opened[m[1]] && localStorage.getItem("tocns.api." + m[1])) kinds.push(m[1]);
    }
    kinds.forEach(function (kind) { Queue({kind: kind, api: localStorage.getItem("tocns.api." + kind)}); });
  };
  Queue.uuid = uuid;
  Queue.opened = opened;
  window.TocnsQueue = user ? Queue : null;
})();
