// On every signed-in page: keeps the service worker (pages kept for offline use, signing out with
// no connection), asks before signing out while this member's entries wait on the phone, and sends
// them from whatever page the member opens (queue.js is loaded only when something waits).
(function () {
  "use strict";
  var me = document.currentScript, user = document.body.dataset.user;
  if (!user || !window.localStorage) return;

  function waiting() {  // this member's entries not yet on the server, and the queues to send
    var left = 0, kinds = [];
    for (var i = 0; i < localStorage.length; i++) {
      var m = /^tocns\.queue\.(\w+)\.(\d+)$/.exec(localStorage.key(i)), queue = [];
      if (!m || m[2] !== user) continue;
      try { queue = JSON.parse(localStorage.getItem(m[0])) || []; } catch (e) { /* unreadable: nothing */ }
      queue.forEach(function (e) {
        if (e.state !== "stored") left++;
        if ((e.state === "waiting" || e.state === "sending") && kinds.indexOf(m[1]) < 0) kinds.push(m[1]);
      });
    }
    return {left: left, kinds: kinds};
  }

  // A question in the page, with two large buttons; `done` runs on yes.
  function ask(text, yes, no, done) {
    var box = document.createElement("dialog"), p = document.createElement("p");
    box.className = "ask"; p.textContent = text; box.appendChild(p);
    [[yes, done], [no, null]].forEach(function (choice) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = choice[0]; b.className = choice[1] ? "primary" : "";
      b.addEventListener("click", function () { box.close(); if (choice[1]) choice[1](); });
      box.appendChild(b);
    });
    box.addEventListener("close", function () { box.remove(); });
    document.body.appendChild(box);
    box.showModal();
  }
  window.TocnsAsk = ask;

  var out = document.querySelector("form.logout");
  if (out) out.addEventListener("submit", function (event) {
    var left = waiting().left;
    if (!left) return;
    event.preventDefault();
    ask(out.dataset.waiting.replace("%s", left), out.dataset.yes, out.dataset.no, function () { out.submit(); });
  });

  if ("serviceWorker" in navigator) {
    var came = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var seen = came ? came.workerStart > 0 : !!navigator.serviceWorker.controller;  // came through the worker
    navigator.serviceWorker.register(me.dataset.worker, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The first visit did not pass through the worker: it fetches a copy of a page that asks.
      if (seen || !document.querySelector("meta[name=tocns-offline]")) return;
      var files = [].map.call(document.querySelectorAll("script[src], link[rel=stylesheet]"),
                              function (e) { return e.src || e.href; });
      registration.active.postMessage({keep: [location.href].concat(files)});
    }).catch(function () { /* no worker: pages simply need a connection */ });
  }

  // After the page's own scripts: they send the queues they show, this sends the others.
  document.addEventListener("DOMContentLoaded", function () {
    var kinds = waiting().kinds.filter(function (k) { return !(window.TocnsQueue && window.TocnsQueue.opened[k]); });
    if (!kinds.length || !navigator.onLine) return;
    if (window.TocnsQueue) return window.TocnsQueue.syncAll();
    var script = document.createElement("script");
    script.src = me.dataset.queue;
    script.onload = function () { window.TocnsQueue.syncAll(); };
    document.head.appendChild(script);
  });
})();
