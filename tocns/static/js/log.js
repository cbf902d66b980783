// The field log keeps working with no connection: an entry is checked, kept on the phone
// (localStorage), shown with its state, and sent with the id made here, so sending it again
// never doubles it on the server. Without this script the form still posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form.log");
  var panel = document.getElementById("queue");
  if (!form || !panel || !window.localStorage || !window.fetch) return;
  var KEY = "tocns.log.queue";
  var text = JSON.parse(document.getElementById("log-text").textContent);
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }
  function value(name) { var f = form.elements[name]; return f ? f.value : ""; }

  function entryFromForm() {
    var services = [].map.call(form.querySelectorAll("input[name=services]:checked"), function (i) { return i.value; });
    var kind = (form.querySelector("input[name=kind]:checked") || {}).value || "guidance";
    var other = value("people_count_other").trim();
    var picked = (form.querySelector("input[name=people_count]:checked") || {}).value || "";
    var entry = {
      client_id: value("client_id"), date: value("date"), unit: value("unit"), kind: kind, services: services,
      people_count: other || picked, households_count: value("households_count") || null,
      women_count: value("women_count") || null, elderly_count: value("elderly_count") || null,
      minority_count: value("minority_count") || null, notes: value("notes"),
      door_to_door: !!(form.elements.door_to_door && form.elements.door_to_door.checked),
      made_at: new Date().toISOString()
    };
    return entry;
  }

  // The same checks as the server's, before anything is queued.
  function check(entry) {
    var n = entry.people_count;
    if (!/^\d+$/.test(String(n))) return text.count;
    if ((entry.kind === "guidance" || entry.kind === "class") && !entry.services.length) return text.service;
    var parts = ["women_count", "elderly_count", "minority_count"];
    for (var i = 0; i < parts.length; i++) {
      var p = entry[parts[i]];
      if (p !== null && (!/^\d+$/.test(String(p)) || Number(p) > Number(n))) return text.part;
    }
    if (entry.date > form.elements.date.max) return text.future;
    return "";
  }

  var names = {};
  form.querySelectorAll("input[name=services]").forEach(function (i) { names[i.value] = i.nextElementSibling.textContent; });
  function day(iso) { var p = String(iso).split("-"); return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso; }

  function render() {
    var queue = load();
    var waiting = queue.filter(function (e) { return e.state !== "stored"; }).length;
    panel.hidden = queue.length === 0;
    panel.querySelector(".count").textContent = waiting ? text.waiting.replace("%s", waiting) : text.allSent;
    var list = panel.querySelector("ul");
    list.textContent = "";
    queue.slice(-20).reverse().forEach(function (e) {
      var li = document.createElement("li");
      li.className = "state-" + e.state;
      var what = e.services.map(function (code) { return names[code] || code; }).join(", ") || e.kind;
      li.textContent = e.people_count + " " + text.people + " · " + what + " · " + day(e.date) + " — " +
        text.states[e.state] + (e.reason ? ": " + e.reason : "");
      list.appendChild(li);
    });
  }

  function sync() {
    var queue = load();
    var batch = queue.filter(function (e) { return e.state === "waiting" || e.state === "sending"; });
    if (sending || !batch.length || !navigator.onLine) return;
    sending = true;
    batch.forEach(function (e) { e.state = "sending"; });
    save(queue); render();
    fetch(form.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": value("csrfmiddlewaretoken")},
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
        }
      });
      // Entries stored more than a day ago need not stay on the phone.
      save(now.filter(function (e) { return e.state !== "stored" || Date.now() - e.stored_at < 864e5; }));
    }).catch(function () {
      var now = load();
      now.forEach(function (e) { if (e.state === "sending") e.state = "waiting"; });
      save(now);
    }).then(function () { sending = false; render(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var entry = entryFromForm();
    var problem = check(entry);
    var box = document.getElementById("log-problem");
    box.textContent = problem; box.hidden = !problem;
    if (problem) return;
    entry.state = "waiting";
    var queue = load(); queue.push(entry); save(queue);
    form.elements.client_id.value = uuid();
    form.querySelectorAll("input[name=services], input[name=people_count]").forEach(function (i) { i.checked = false; });
    form.elements.people_count_other.value = "";
    render(); sync();
    window.scrollTo(0, 0);
  });

  document.getElementById("queue-file").addEventListener("click", function () {
    var blob = new Blob([JSON.stringify(load().filter(function (e) { return e.state !== "stored"; }))],
                        {type: "application/json"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "nhat-ky-chua-gui-" + new Date().toISOString().slice(0, 10) + ".json";
    a.click();
  });

  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  if ("serviceWorker" in navigator && form.dataset.worker) navigator.serviceWorker.register(form.dataset.worker);
  window.addEventListener("online", sync);
  setInterval(sync, 30000);
  render(); sync();
})();
