// The monthly report with no connection: "Lưu nháp" and "Gửi báo cáo" keep the report on the phone
// and queue.js sends it when the connection comes back, once (the page's save key). Sending asks
// first when cells are empty, naming them, as the server does; a report with no figure is not sent.
// With a connection the form posts to the server as usual.
(function () {
  "use strict";
  var box = document.getElementById("report-offline"), panel = document.getElementById("queue");
  var key = document.querySelector("input[name=save_key]");
  if (!box || !panel || !key || !window.TocnsQueue) return;
  var form = key.form, t = box.dataset, pk = Number(t.report), status = document.getElementById("status");
  var lines = [].slice.call(form.querySelectorAll(".field[data-code]")), TEXTS = ["results", "difficulties", "proposals"];
  function field(name) { return form.elements[name]; }
  function version() { return Number(field("version").value); }

  function entryFromForm(submit) {
    var e = {client_id: key.value, report: pk, version: version(), values: {}, comments: {}, texts: {},
             submit: submit, title: t.title, page: location.pathname, made_at: new Date().toISOString()};
    lines.forEach(function (line) {
      var code = line.dataset.code, v = field("v_" + code), c = field("c_" + code);
      e.values[code] = v ? v.value.trim() : "";
      if (c) e.comments[code] = c.value;
    });
    TEXTS.forEach(function (n) { if (field(n)) e.texts[n] = field(n).value; });
    return e;
  }

  function fill(e) {  // what was typed, back into the form (a copy kept for offline use may be older)
    lines.forEach(function (line) {
      var code = line.dataset.code, v = field("v_" + code), c = field("c_" + code);
      if (v && code in e.values) v.value = e.values[code];
      if (c && code in e.comments) c.value = e.comments[code];
    });
    TEXTS.forEach(function (n) { if (field(n) && n in e.texts) field(n).value = e.texts[n]; });
  }

  function cellErrors(errors) {  // the server's reasons, beside their cells
    lines.forEach(function (line) {
      var old = line.querySelector(".offline-error"), message = errors && errors[line.dataset.code];
      if (old) old.remove();
      if (!message) return;
      var p = line.appendChild(document.createElement("p"));
      p.className = "error offline-error"; p.textContent = message.join(" ");
      line.classList.add("has-error");
    });
  }

  function show(e) {  // the report's state on the page: Chờ gửi, then Đã gửi (or why not)
    var text = e.state === "refused" ? [t.refused, "error", e.reason]
      : e.state === "stored" ? [e.submit ? e.result_state : t.saved, e.submit ? "success" : "", ""]
        : [e.submit ? t.waitingSend : t.waitingDraft, "warning", navigator.onLine ? "" : t.offline];
    status.className = "msg " + text[1];
    status.textContent = "";
    status.appendChild(document.createElement("strong")).textContent = text[0];
    if (text[2]) status.appendChild(document.createTextNode(" · " + text[2]));
    if (e.state === "stored" && e.submit) {  // it went out: nothing more to type here
      form.querySelectorAll(".actions").forEach(function (p) { p.style.display = "none"; });
      form.querySelectorAll("input[type=text], textarea").forEach(function (i) { i.readOnly = true; });
    }
  }

  function problem(text) {
    var p = document.getElementById("report-problem") || form.parentNode.insertBefore(document.createElement("p"), form);
    p.id = "report-problem"; p.className = "error form-error"; p.setAttribute("role", "alert");
    p.textContent = text; p.hidden = !text;
    if (text) p.scrollIntoView();
  }

  function confirmEmpty(empty) {  // the server's confirmation, made here from its <template>
    var copy = document.getElementById("confirm-send-template").content.cloneNode(true);
    copy.querySelector("[data-empty-count]").textContent = empty.length;
    var list = copy.querySelector("[data-empty-cells]");
    list.textContent = "";
    empty.forEach(function (line) { list.appendChild(document.createElement("li")).textContent = line.dataset.name; });
    copy.querySelector("[data-back]").href = "#" + empty[0].id;
    dropConfirm(); problem("");
    form.insertBefore(copy, form.querySelector("h2"));
    form.querySelector("#confirm-send").scrollIntoView();
  }
  function dropConfirm() { var old = form.querySelector("#confirm-send"); if (old) old.remove(); }

  var queue = window.TocnsQueue({
    kind: "report", api: t.api, csrf: field("csrfmiddlewaretoken").value, panel: panel,
    text: {waiting: t.waiting, allSent: t.allSent,
           states: {waiting: t.stateWaiting, sending: t.stateSending, stored: t.stateStored, refused: t.stateRefused}},
    describe: function (e) { return e.title + " · " + (e.submit ? t.send : t.draft); },
    edit: function (e) {
      if (e.report !== pk) { location.href = e.page; return; }
      fill(e); cellErrors(e.errors); show(e); key.value = e.client_id;  // never applied: its key may be used
      window.scrollTo(0, 0);
    },
    done: function (e, r, all) {
      e.result_state = r.state; e.errors = r.errors;
      if (r.version) {  // what waits after it was typed on top of it
        e.saved_version = r.version;
        all.forEach(function (o) { if (o.report === e.report && o.state === "waiting") o.version = r.version; });
      }
      if (e.report !== pk) return;
      if (r.version > version()) field("version").value = r.version;
      cellErrors(r.errors); show(e);
    }
  });

  // What this member last typed here, if the server has not got it yet or this copy is older.
  var mine = queue.load().filter(function (e) { return e.report === pk; }), last = mine[mine.length - 1];
  if (last && (last.state !== "stored" || last.saved_version > version())) {
    fill(last); cellErrors(last.errors); show(last);
    if (last.saved_version > version()) field("version").value = last.saved_version;
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;  // with a connection the server answers as usual
    event.preventDefault();
    var action = event.submitter ? event.submitter.value : "submit", entry = entryFromForm(action !== "save");
    var empty = lines.filter(function (line) { return entry.values[line.dataset.code] === ""; });
    if (entry.submit && empty.length === lines.length) return problem(t.empty);
    if (entry.submit && empty.length && action !== "confirm") return confirmEmpty(empty);
    // The newest save holds every cell: it takes the place of one still waiting.
    queue.load().forEach(function (e) {
      if (e.report === pk && (e.state === "waiting" || e.state === "refused")) queue.remove(e.client_id);
    });
    try { queue.add(entry); } catch (err) { return problem(t.full); }
    key.value = window.TocnsQueue.uuid().replace(/-/g, "");  // a later save is another one
    problem(""); dropConfirm(); cellErrors(null); show(entry);
    window.scrollTo(0, 0);
  });
})();
