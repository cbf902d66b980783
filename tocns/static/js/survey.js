// A survey answered on the phone with or without a connection: each questionnaire is checked
// here, kept on the phone and sent by queue.js. Without this script the form posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  var panel = document.getElementById("queue");
  if (!form || !panel || !window.localStorage || !window.fetch || !window.TocnsQueue) return;
  var text = JSON.parse(document.getElementById("survey-text").textContent);
  var questions = [].slice.call(form.querySelectorAll("fieldset[data-question]"));

  function answers() {
    var values = {};
    questions.forEach(function (box) {
      var inputs = [].slice.call(box.querySelectorAll("input"));
      var kind = box.dataset.kind, id = box.dataset.question;
      if (kind === "multiple") values[id] = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      else if (kind === "single") values[id] = (inputs.filter(function (i) { return i.checked; })[0] || {}).value || "";
      else values[id] = inputs[0].value.trim();
    });
    return values;
  }

  // The server's checks, question by question, shown next to each question.
  function check(values) {
    var first = null;
    questions.forEach(function (box) {
      var v = values[box.dataset.question], problem = "";
      var empty = Array.isArray(v) ? !v.length : v === "";
      if (empty && box.hasAttribute("data-required")) problem = text.required;
      else if (!empty && box.dataset.kind === "number" && !/^-?[\d.,\s]+$/.test(v)) problem = text.number;
      var line = box.querySelector("p.error");
      line.textContent = problem; line.hidden = !problem;
      box.classList.toggle("has-error", !!problem);
      if (problem && !first) first = box;
    });
    if (first) first.scrollIntoView();
    return !first;
  }

  function edit(e) {  // a refused questionnaire opened back into the form
    form.elements.client_id.value = e.client_id;
    form.elements.unit.value = e.unit;
    questions.forEach(function (box) {
      var given = [].concat(e.values[box.dataset.question] === undefined ? [] : e.values[box.dataset.question]);
      box.querySelectorAll("input").forEach(function (i) {
        if (i.type === "text") i.value = given[0] || ""; else i.checked = given.indexOf(i.value) >= 0;
      });
    });
    var problem = document.getElementById("survey-problem");
    problem.textContent = e.reason; problem.hidden = false;
    window.scrollTo(0, 0);
  }

  var queue = window.TocnsQueue({
    kind: "survey", legacy: "tocns.survey.queue", api: form.dataset.api,
    csrf: form.elements.csrfmiddlewaretoken.value, panel: panel, text: text, fileName: "khao-sat-chua-gui-", edit: edit,
    describe: function (e) {  // when it was made and its first answers, so the member knows which one
      var first = Object.keys(e.values).slice(0, 2).map(function (k) { return [].concat(e.values[k]).join(", "); });
      return text.entry + " " + new Date(e.made_at).toLocaleTimeString("vi-VN") + " · " + first.join(" · ");
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = answers();
    if (!check(values)) return;
    var problem = document.getElementById("survey-problem");
    try {
      queue.add({client_id: form.elements.client_id.value, survey: Number(form.dataset.survey),
                 unit: form.elements.unit.value, values: values, made_at: new Date().toISOString()});
    } catch (e) { problem.textContent = text.full; problem.hidden = false; return; }
    problem.hidden = true;
    form.elements.client_id.value = window.TocnsQueue.uuid();
    questions.forEach(function (box) {
      box.querySelectorAll("input").forEach(function (i) { if (i.type === "text") i.value = ""; else i.checked = false; });
    });
    window.scrollTo(0, 0);
  });

})();
