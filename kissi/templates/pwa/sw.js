/* kissi service worker: the app shell and the last pages seen, for when the node is away.
   Static files: cache first (their cache is versioned). Pages: network first, the last
   copy when the node does not answer, marked with the time it was fetched. Audio clips:
   cache first, kept when a page asks for them (voice.js: the page's own prompts first,
   the rest of the language only on a fast unmetered link or when she asks).
   Posts are never touched here: the page's offline queue (app.js) owns them. */
'use strict';
var V = {{ version|tojson }};
var SHELL = 'kissi-shell-' + V, PAGES = 'kissi-pages-' + V, AUDIO = 'kissi-audio-' + V;
var PRECACHE = {{ precache|tojson }};
var OFFLINE_PAGES = {{ pages|tojson }};
var STATIC = {{ static|tojson }};
var MAX_PAGES = 80;
var MANIFEST_FRESH_MS = 15 * 60 * 1000;

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  var keep = [SHELL, PAGES, AUDIO];
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf('kissi-') === 0 && keep.indexOf(n) < 0;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(req, res) {
  // Only the pages the server marks as kept offline (X-Kissi-Offline: keep): every page
  // says no-store to the browser's HTTP cache, which the logout below does not empty.
  if (!res.ok || res.redirected || res.type !== 'basic') return;
  if (res.headers.get('X-Kissi-Offline') !== 'keep') return;
  if ((res.headers.get('Content-Type') || '').indexOf('text/html') !== 0) return;
  return res.clone().text().then(function (body) {
    var h = new Headers(res.headers);
    h.set('X-Kissi-At', new Date().toISOString());
    return caches.open(PAGES).then(function (c) {
      return c.put(req.url, new Response(body, {status: 200, headers: h})).then(function () {
        return c.keys();
      }).then(function (ks) {
        return Promise.all(ks.slice(0, Math.max(0, ks.length - MAX_PAGES)).map(function (k) {
          return c.delete(k);
        }));
      });
    });
  });
}

function fromCache(req) {
  // The stored page, marked so the page can say "offline, as of HH:MM".
  return caches.open(PAGES).then(function (c) {
    return c.match(req.url).then(function (hit) {
      return hit || c.match(req.url, {ignoreSearch: true});
    }).then(function (hit) { return hit || c.match(new URL('/', self.location).href); });
  }).then(function (hit) {
    if (!hit) return new Response('offline', {status: 503, headers: {'Content-Type': 'text/plain'}});
    return hit.text().then(function (body) {
      var at = hit.headers.get('X-Kissi-At') || '';
      body = body.replace(/<html/i, '<html data-offline-at="' + at + '"');
      return new Response(body, {status: 200, headers: hit.headers});
    });
  });
}

function clipManifest(e, req) {
  // The kept copy while it is younger than MANIFEST_FRESH_MS (a page view on a warm phone
  // asks nothing), else the node's (a 304 when unchanged), else the kept one (offline).
  return caches.open(AUDIO).then(function (c) {
    return c.match(req.url).then(function (hit) {
      var at = hit && +hit.headers.get('X-Kissi-At');
      if (hit && Date.now() - at < MANIFEST_FRESH_MS) return hit;
      return fetch(req).then(function (res) {
        if (!res.ok) return hit || res;
        return res.clone().text().then(function (body) {
          var h = new Headers(res.headers);
          h.set('X-Kissi-At', String(Date.now()));
          e.waitUntil(c.put(req.url, new Response(body, {status: 200, headers: h})));
          return res;
        });
      }, function () { return hit || Response.error(); });
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    e.respondWith(fetch(req).then(function (res) {
      e.waitUntil(Promise.resolve(keepPage(req, res)));
      return res;
    }, function () { return fromCache(req); }));
    return;
  }
  if (/\/manifest\.json$/.test(url.pathname)) {  // a clip manifest: see clipManifest
    e.respondWith(clipManifest(e, req));
    return;
  }
  var audio = /\.(opus|ogg|webm|mp3)$/.test(url.pathname);
  if (audio || url.pathname.indexOf(STATIC) === 0 || PRECACHE.indexOf(url.pathname) >= 0) {
    e.respondWith(caches.match(req, {ignoreSearch: !audio}).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok && audio) {
          var copy = res.clone();
          e.waitUntil(caches.open(AUDIO).then(function (c) { return c.put(req, copy); }));
        }
        return res;
      });
    }));
  }
});

function linksToKeep(html) {
  // The hrefs inside a <nav data-offline-links> (the sell grid's products).
  var part = html.split('data-offline-links')[1];
  if (!part) return [];
  var out = [], re = /href="([^"]+)"/g, m;
  part = part.split('</nav>')[0];
  while ((m = re.exec(part))) out.push(m[1].replace(/&amp;/g, '&'));
  return out;
}

function keepMissing(c, urls, refresh) {
  // Fetch (signed in) the pages the phone does not have yet; returns the links they name.
  return Promise.all(urls.map(function (p) {
    var u = new URL(p, self.location).href;
    return c.match(u).then(function (hit) {
      if (hit && !refresh) return hit.text().then(linksToKeep);
      var req = new Request(u, {credentials: 'same-origin'});
      return fetch(req).then(function (res) {
        return Promise.resolve(keepPage(req, res)).then(function () {
          return res.ok && !res.redirected ? res.clone().text().then(linksToKeep) : [];
        });
      }, function () { return []; });
    });
  })).then(function (lists) { return [].concat.apply([], lists); });
}

function warm(msg) {
  var jobs = [];
  // The offline pages, then the pages they (or the current page) ask to keep, such as each
  // product's sell step: what the phone does not have yet, fetched signed in.
  jobs.push(caches.open(PAGES).then(function (c) {
    return keepMissing(c, OFFLINE_PAGES, msg.refresh).then(function (links) {
      // the links they name only on a fast unmetered link (the page says: msg.links)
      return keepMissing(c, (msg.links ? links : []).concat(msg.keep || []), false);
    });
  }));
  return Promise.all(jobs);
}

function keepClips(urls) {
  // The clips a page asked for (voice.js: its own prompts, or the whole language on a fast
  // unmetered link or when she asks), fetched one at a time, only those not kept yet.
  return caches.open(AUDIO).then(function (c) {
    return urls.filter(function (u) { return typeof u === 'string'; }).reduce(function (p, u) {
      return p.then(function () {
        return c.match(u).then(function (hit) { return hit || c.add(u).catch(function () {}); });
      });
    }, Promise.resolve());
  });
}

self.addEventListener('message', function (e) {
  var msg = e.data || {};
  if (msg.type === 'warm') e.waitUntil(warm(msg));
  if (msg.type === 'clips' && Array.isArray(msg.urls)) e.waitUntil(keepClips(msg.urls.slice(0, 2000)));
  if (msg.type === 'forget') {  // signed out: the pages of this trader leave the phone
    e.waitUntil(caches.delete(PAGES));
  }
});
