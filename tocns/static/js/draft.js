// What was typed is never lost to an ended session. On a form sent with POST, the values are kept in
// this tab's sessionStorage (not passwords, files or the CSRF token). If the server then asks to sign
// in (the session ended while the form was open), the sign-in page marks the copy; signing in comes
// back to the form (?next=), and the copy is put back into it with a note. Any other page means the
// form was taken or left, and the copy is dropped. Loaded on the sign-in page and on the pages of
// the users whose session ends after a short idle time (accounts.middleware.IdleTimeoutMiddleware).
(function () {
  "use strict";
  var KEY = "tocns.draft", MAX_AGE = 2 * 3600 * 1000;
  var me = document.currentScript, store = window.sessionStorage;
  // The sign-in steps load it themselves (data-sign-in) before the copy every office page loads.
  if (!store || !me || window.tocnsDraft) return;
  window.tocnsDraft = true;
  var here = location.pathname + location.search;

  function read() {
    try { return JSON.parse(store.getItem(KEY)); } catch (e) { return null; }
  }

  function kept(field) {
    return field.name && !field.disabled && field.name !== "csrfmiddlewaretoken" &&
      ["password", "file", "submit", "button", "reset", "image"].indexOf(field.type) < 0;
  }

  function typed(form) {  // a form worth keeping has somewhere to type or choose
    return Array.prototype.some.call(form.elements, function (f) {
      return kept(f) && f.type !== "hidden";
    });
  }

  function target(form) {
    var url = new URL(form.getAttribute("action") || location.href, location.href);
    return url.pathname + url.search;
  }

  var draft = read();
  if (draft && (Date.now() - draft.at > MAX_AGE)) { store.removeItem(KEY); draft = null; }
  if (draft) {
    if (me.dataset.signIn !== undefined) {
      draft.signIn = true;  // the form went to the sign-in page: keep it for after
      store.setItem(KEY, JSON.stringify(draft));
    } else {
      store.removeItem(KEY);
      var form = null;
      if (draft.signIn && draft.owner === document.body.dataset.user) {
        // Back on the form's page, or on the page its action names (the ?next= of the sign-in).
        if (draft.path === here) form = document.forms[draft.form];
        else if (draft.action === here) form = Array.prototype.filter.call(document.forms, function (f) {
          return target(f) === here && typed(f);
        })[0];
      }
      if (form) {
        var values = {};
        draft.values.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
        Array.prototype.forEach.call(form.elements, function (f) {
          if (!kept(f) || !(f.name in values)) return;
          if (f.type === "checkbox" || f.type === "radio") f.checked = values[f.name].indexOf(f.value) >= 0;
          else if (f.multiple) Array.prototype.forEach.call(f.options, function (o) {
            o.selected = values[f.name].indexOf(o.value) >= 0;
          });
          else f.value = values[f.name].shift();
        });
        var note = document.createElement("p");
        note.className = "msg info"; note.setAttribute("role", "status");
        note.textContent = me.dataset.restored;
        form.insertBefore(note, form.firstChild);
      }
    }
  }

  if (me.dataset.signIn !== undefined) return;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post" || !typed(form)) return;
    var values = [];
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!kept(f)) return;
      if ((f.type === "checkbox" || f.type === "radio") && !f.checked) return;
      if (f.multiple) Array.prototype.forEach.call(f.selectedOptions, function (o) { values.push([f.name, o.value]); });
      else values.push([f.name, f.value]);
    });
    try {
      store.setItem(KEY, JSON.stringify({path: here, action: target(form),
        form: Array.prototype.indexOf.call(document.forms, form),
        owner: document.body.dataset.user, at: Date.now(), values: values}));
    } catch (e) { /* storage full: the server still answers as before */ }
  }, true);
})();
