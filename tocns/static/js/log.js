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
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }  // throws when storage is full
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

  // One photo, made smaller here so that at most 300 KB travels and is stored.
  var MAX_PHOTO = 300 * 1024;
  function photo(done) {
    var input = form.elements.photo;
    var file = input && input.files && input.files[0];
    if (!file) return done(null, "");
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onerror = function () { URL.revokeObjectURL(url); done(null, text.photo); };
    img.onload = function () {
      URL.revokeObjectURL(url);
      var side = 1280, quality = 0.8, data;
      var canvas = document.createElement("canvas");
      do {
        var scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        data = canvas.toDataURL("image/jpeg", quality);
        if (quality > 0.5) quality -= 0.15; else side = Math.round(side * 0.75);
      } while ((data.length - data.indexOf(",") - 1) * 3 / 4 > MAX_PHOTO && side > 200);
      done(data, "");
    };
    img.src = url;
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
      li.textContent = e.people_count + " " + text.people + " · " + what + (e.photo ? " · 📷" : "") + " · " + day(e.date) + " — " +
        text.states[e.state] + (e.reason ? ": " + e.reason : "");
      list.appendChild(li);
    });
  }

  function sync() {
    var queue = load();
    // At most 200 entries and about 1.5 MB a request (photos are large): the rest go next time.
    var batch = [], size = 0;
    queue.forEach(function (e) {
      if ((e.state !== "waiting" && e.state !== "sending") || batch.length >= 200) return;
      var weight = (e.photo || "").length + 500;
      if (batch.length && size + weight > 1.5e6) return;
      batch.push(e); size += weight;
    });
    if (sending || !batch.length || !navigator.onLine) return;
    sending = true;
    var more = false;
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
          delete e.photo;  // the server has it; free the phone's storage
        }
      });
      // Entries stored more than a day ago need not stay on the phone.
      save(now.filter(function (e) { return e.state !== "stored" || Date.now() - e.stored_at < 864e5; }));
      more = now.some(function (e) { return e.state === "waiting"; });  // the next part goes at once
    }).catch(function () {
      var now = load();
      now.forEach(function (e) { if (e.state === "sending") e.state = "waiting"; });
      save(now);
    }).then(function () { sending = false; render(); if (more) sync(); });
  }

  function problemShown(problem) {
    var box = document.getElementById("log-problem");
    box.textContent = problem; box.hidden = !problem;
    if (problem) window.scrollTo(0, 0);
    return !!problem;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var entry = entryFromForm();
    if (problemShown(check(entry))) return;
    photo(function (data, problem) {
      if (problemShown(problem)) return;
      if (data) entry.photo = data;
      entry.state = "waiting";
      var queue = load(); queue.push(entry);
      try { save(queue); } catch (e) { problemShown(text.full); return; }  // the form keeps what was typed
      form.elements.client_id.value = uuid();
      form.querySelectorAll("input[name=services], input[name=people_count]").forEach(function (i) { i.checked = false; });
      form.elements.people_count_other.value = "";
      if (form.elements.photo) form.elements.photo.value = "";
      render(); sync();
      window.scrollTo(0, 0);
    });
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
