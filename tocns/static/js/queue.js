// Entries kept on the phone (localStorage) until the server has them: each shown with its state
// (waiting, sending, stored, refused with the reason), retried on its own every 30 s and when the
// connection comes back, sent in parts small enough for a weak connection, and sent with the id
// made here, so sending one again never doubles it. Used by the field log and the survey pages.
(function () {
  "use strict";
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }

  // options: key, api, csrf, panel (with .count, ul and an optional .queue-file button),
  // text {waiting, allSent, states}, describe(entry) -> the line shown, fileName.
  function Queue(options) {
    var sending = false;
    var panel = options.panel;
    function load() { try { return JSON.parse(localStorage.getItem(options.key)) || []; } catch (e) { return []; } }
    function save(queue) { localStorage.setItem(options.key, JSON.stringify(queue)); }  // throws when full

    function render() {
      var queue = load();
      var waiting = queue.filter(function (e) { return e.state !== "stored"; }).length;
      panel.hidden = queue.length === 0;
      panel.querySelector(".count").textContent = waiting ? options.text.waiting.replace("%s", waiting) : options.text.allSent;
      var list = panel.querySelector("ul");
      list.textContent = "";
      queue.slice(-20).reverse().forEach(function (e) {
        var li = document.createElement("li");
        li.className = "state-" + e.state;
        li.textContent = options.describe(e) + " — " + options.text.states[e.state] + (e.reason ? ": " + e.reason : "");
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
        headers: {"Content-Type": "application/json", "X-CSRFToken": options.csrf},
        body: JSON.stringify(batch.map(function (e) { var c = Object.assign({}, e); delete c.state; delete c.reason; return c; }))
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (results) {
        var byId = {};
        results.forEach(function (r) { byId[r.client_id] = r; });
        var now = load();
        now.forEach(function (e) {
          var r = byId[e.client_id];
          if (!r) return;
          if (r.status === "refused") {
            e.state = "refused";
            e.reason = Object.keys(r.errors).map(function (k) { return r.errors[k].join(" "); }).join(" ");
          } else {
            e.state = "stored"; e.stored_at = Date.now();
            delete e.photo;  // the server has it: free the phone's storage
          }
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

    function add(entry) {
      entry.state = "waiting";
      var queue = load(); queue.push(entry);
      save(queue);  // throws when storage is full: nothing is lost, the form keeps what was typed
      render(); sync();
    }

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
    window.addEventListener("online", sync);
    setInterval(sync, 30000);
    render(); sync();
    return {add: add, load: load, render: render, sync: sync};
  }

  window.TocnsQueue = Queue;
  window.TocnsQueue.uuid = uuid;
})();
