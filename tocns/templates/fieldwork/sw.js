{% load static %}// The service worker. Served under /nhat-ky/sw.js with "Service-Worker-Allowed: /", registered for
// the whole site. It keeps the last copy of the pages that ask for it (<meta name="tocns-offline">:
// the field log, a survey, a monthly report) and of the files they use, so they open with no
// connection. Never a redirect or the sign-in page: a visit after the session ended must not take the
// place of the member's copy. Whoever signs in or out, the copies kept were the previous member's and
// are dropped. Signing out with no connection is answered here and sent to the server on the next
// page opened with a connection.
var PAGES = "tocns-pages-v2", FILES = "tocns-files-v2", STATE = "tocns-state-v1";
var LOGIN = "{% url 'accounts:login' %}", LOGOUT = "{% url 'accounts:logout' %}", STATIC = "{% get_static_prefix %}";
var LOG = "{% url 'fieldwork:log' %}", CSS = "{% static 'css/app.css' %}";
var TEXT = JSON.parse("{{ text|escapejs }}");
var HASHED = /\.[0-9a-f]{12}\.\w+$/;  // a file whose name changes with its content

function escape(s) { return s.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
function page(words, href) {  // a small page made here, when there is no connection
  return new Response(
    '<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, ' +
    'initial-scale=1"><title>' + escape(words[0]) + '</title><link rel="stylesheet" href="' + CSS + '">' +
    '<header class="top"><span class="brand">' + escape(TEXT.brand) + '</span></header><main><h1>' +
    escape(words[0]) + '</h1><p>' + escape(words[1]) + '</p><p><a class="button primary" href="' + href + '">' +
    escape(words[2]) + '</a></p></main>', {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function keep(request, response) {
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !response) return Promise.resolve();
  if (url.pathname.indexOf(STATIC) === 0) {
    return response.ok ? caches.open(FILES).then(function (c) { return c.put(request, response); }) : Promise.resolve();
  }
  if (response.status !== 200 || response.redirected || response.type !== "basic" ||
      new URL(response.url).pathname === LOGIN ||
      (response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) return Promise.resolve();
  var copy = response.clone(), key = url.origin + url.pathname;
  return Promise.all([response.text(), caches.open(PAGES)]).then(function (both) {
    // A page that no longer asks (a report once sent) leaves no old copy behind.
    return both[0].indexOf('<meta name="tocns-offline"') < 0 ? both[1].delete(key) : both[1].put(key, copy);
  });
}

// A sign-out made offline, finished as soon as the server can be reached.
function finishSignOut() {
  return caches.open(STATE).then(function (cache) {
    return cache.match("sign-out").then(function (saved) {
      if (!saved) return false;
      return saved.text().then(function (body) {
        return fetch(LOGOUT, {method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                              headers: {"Content-Type": "application/x-www-form-urlencoded"}});
      }).then(function () { return cache.delete("sign-out"); });
    });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return [PAGES, FILES, STATE].indexOf(n) < 0; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () {
    // The worker was once registered for /nhat-ky/ only: that registration gives way to this one.
    if (self.registration.scope !== self.location.origin + "/") return self.registration.unregister();
    var preload = self.registration.navigationPreload;
    return Promise.all([preload && preload.enable(), self.clients.claim()]);
  }));
});

self.addEventListener("message", function (event) {  // a page seen before the worker ran
  var urls = event.data && event.data.keep;
  if (!urls) return;
  event.waitUntil(Promise.all(urls.map(function (url) {
    return fetch(url, {credentials: "same-origin"}).then(function (r) { return keep(new Request(url), r); })
      .catch(function () {});
  })));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "POST") {
    if (url.pathname !== LOGIN && url.pathname !== LOGOUT) return;
    var body = request.clone().text();
    event.respondWith(caches.delete(PAGES).then(finishSignOut).then(function () {
      return fetch(request);
    }).catch(function () {
      if (url.pathname === LOGIN) return page(TEXT.offline, LOG);
      return body.then(function (text) {
        return caches.open(STATE).then(function (c) { return c.put("sign-out", new Response(text)); });
      }).then(function () { return page(TEXT.signedOut, LOGIN); });
    }));
  } else if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(finishSignOut().then(function (signedOut) {
      return Promise.resolve(signedOut === false && event.preloadResponse).then(function (preloaded) {
        return preloaded || fetch(request);
      });
    }).then(function (response) {
      event.waitUntil(keep(request, response.clone()));
      return response;
    }).catch(function () {
      return caches.match(request, {ignoreSearch: true, cacheName: PAGES}).then(function (hit) {
        return hit || page(TEXT.offline, LOG);
      });
    }));
  } else if (request.method === "GET" && url.pathname.indexOf(STATIC) === 0) {
    // Files named by their content: the copy; others: the copy now, a fresh one for next time.
    event.respondWith(caches.open(FILES).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit && HASHED.test(url.pathname)) return hit;
        var fresh = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        if (!hit) return fresh;
        event.waitUntil(fresh.catch(function () {}));
        return hit;
      });
    }));
  }
});
