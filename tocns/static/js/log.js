// The field log keeps working with no connection: an entry is checked here, then kept on the
// phone and sent by queue.js. Without this script the form still posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form.log");
  var panel = document.getElementById("queue");
  if (!form || !panel || !window.localStorage || !window.fetch || !window.TocnsQueue) return;
  var text = JSON.parse(document.getElementById("log-text").textContent);
  function value(name) { var f = form.elements[name]; return f ? f.value : ""; }

  function entryFromForm() {
    var services = [].map.call(form.querySelectorAll("input[name=services]:checked"), function (i) { return i.value; });
    var kind = (form.querySelector("input[name=kind]:checked") || {}).value || "guidance";
    var other = value("people_count_other").trim();
    var picked = (form.querySelector("input[name=people_count]:checked") || {}).value || "";
    return {
      client_id: value("client_id"), date: value("date"), unit: value("unit"), kind: kind, services: services,
      people_count: other || picked, households_count: value("households_count") || null,
      women_count: value("women_count") || null, elderly_count: value("elderly_count") || null,
      minority_count: value("minority_count") || null, notes: value("notes"),
      door_to_door: !!(form.elements.door_to_door && form.elements.door_to_door.checked),
      made_at: new Date().toISOString()
    };
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

  // A copy of the page kept for offline use may be days old: today is the phone's today.
  var date = form.elements.date, now = new Date();
  var today = [now.getFullYear(), ("0" + (now.getMonth() + 1)).slice(-2), ("0" + now.getDate()).slice(-2)].join("-");
  if (today > date.max) {
    if (date.value === date.max) date.value = today;
    date.max = today;
  }

  var editing = null;  // a refused entry opened back into the form
  function edit(e) {
    editing = e;
    form.elements.client_id.value = e.client_id;
    form.querySelectorAll("input[name=services]").forEach(function (i) { i.checked = e.services.indexOf(i.value) >= 0; });
    var quick = form.querySelector("input[name=people_count][value='" + e.people_count + "']");
    form.querySelectorAll("input[name=people_count]").forEach(function (i) { i.checked = i === quick; });
    form.elements.people_count_other.value = quick ? "" : e.people_count;
    form.querySelectorAll("input[name=kind]").forEach(function (i) { i.checked = i.value === e.kind; });
    ["date", "unit", "households_count", "women_count", "elderly_count", "minority_count", "notes"].forEach(function (n) {
      form.elements[n].value = e[n] === null || e[n] === undefined ? "" : e[n];
    });
    form.elements.door_to_door.checked = !!e.door_to_door;
    form.querySelectorAll("details").forEach(function (d) { d.open = true; });
    problemShown(e.reason);
  }

  var queue = window.TocnsQueue({
    kind: "log", legacy: "tocns.log.queue", api: form.dataset.api, csrf: value("csrfmiddlewaretoken"), panel: panel,
    text: text, fileName: "nhat-ky-chua-gui-", edit: edit,
    describe: function (e) {
      var what = e.services.map(function (code) { return names[code] || code; }).join(", ") || e.kind;
      return e.people_count + " " + text.people + " · " + what + (e.has_photo ? " · 📷" : "") + " · " + day(e.date);
    }
  });

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
      if (data) { entry.photo = data; entry.has_photo = true; }  // has_photo stays once the photo is sent
      else if (editing && editing.client_id === entry.client_id && editing.photo) {
        entry.photo = editing.photo; entry.has_photo = true;
      }
      try { queue.add(entry); } catch (e) { problemShown(text.full); return; }
      editing = null;
      problemShown("");
      form.elements.client_id.value = window.TocnsQueue.uuid();
      form.querySelectorAll("input[name=services], input[name=people_count]").forEach(function (i) { i.checked = false; });
      form.elements.people_count_other.value = "";
      if (form.elements.photo) form.elements.photo.value = "";
      window.scrollTo(0, 0);
    });
  });

})();
