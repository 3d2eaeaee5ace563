/* kissi: progressive enhancement, no framework. Every page works without this file.
   - registers the service worker (offline shell) and asks it to keep the offline pages
     and, on a fast unmetered link, the pages linked from [data-offline-links] (voice.js
     asks for the clips);
   - offline queue: a form marked data-queue (but not its data-step buttons, which only
     ask the node the next question) whose post cannot reach the node is kept in
     IndexedDB with a generated Idempotency-Key, counted as waiting, and sent again (page
     load, "online" event, every 20 s) with the same key, so it lands exactly once;
   - says "offline, as of HH:MM" on a page the service worker served from its cache;
   - a post that needs the node (a data-step button, a form not queued) when the node is
     away shows kissi's offline screen ([data-offline-step], icon and spoken prompt). */
(function (run) {  // async: wait for the document when it is still being parsed
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run); else run();
})(function () {
  'use strict';
  var D = document, H = D.documentElement, W = window;
  var sw = navigator.serviceWorker;
  var STORE = 'outbox', busy = false, LOGIN = H.getAttribute('data-login') || '/login';

  function uuid() {  // v4, from getRandomValues: randomUUID needs a secure context
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function db(mode, fn) {  // run fn(store) in one transaction; resolves with fn's request result
    return new Promise(function (ok, ko) {
      var open = indexedDB.open('kissi', 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(STORE, {keyPath: 'key'});
      };
      open.onerror = function () { ko(open.error); };
      open.onsuccess = function () {
        var t = open.result.transaction(STORE, mode), r = fn(t.objectStore(STORE));
        t.oncomplete = function () { open.result.close(); ok(r && r.result); };
        t.onerror = function () { ko(t.error); };
      };
    });
  }

  function show(sel, on) {
    var el = D.querySelector(sel);
    if (el) el.hidden = !on;
    return el;
  }

  function count() {  // waiting (and refused) posts, shown beside the sync indicator
    return db('readonly', function (s) { return s.getAll(); }).then(function (items) {
      var n = 0, bad = 0;
      items.forEach(function (i) { if (i.failed) bad++; else n++; });
      [['[data-outbox]', n], ['[data-outbox-failed]', bad]].forEach(function (p) {
        var el = show(p[0], p[1] > 0);
        if (el) el.querySelector('b').textContent = p[1];
      });
      D.documentElement.setAttribute('data-outbox-n', n);  // this document's, even after render()
      return n;
    });
  }

  // The phone's clock against the node's (data-now of a page the node just served, not a
  // cached copy): a queued sale carries the time of her tap in the node's time.
  var offset = +(localStorage.getItem('kissi-offset') || 0);
  if (H.getAttribute('data-now') && !H.getAttribute('data-offline-at')) {
    offset = +H.getAttribute('data-now') - Date.now();
    try { localStorage.setItem('kissi-offset', offset); } catch (x) { /* private mode */ }
  }

  function send(item) {  // resolves with the node's answer; rejects when the node is away
    var h = {'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': item.key};
    if (item.tapped) h['Kissi-Tapped-At'] = new Date(item.tapped).toISOString();
    return fetch(item.url, {
      method: 'POST', body: item.body, credentials: 'same-origin', headers: h
    }).then(function (res) {
      if (res.status === 502 || res.status === 503 || res.status === 504) throw new Error('away');
      return res;
    });
  }

  function flush() {  // send the waiting posts in order; stop at the first the node misses
    if (busy) return Promise.resolve();
    busy = true;
    return db('readonly', function (s) { return s.getAll(); }).then(function (items) {
      items.sort(function (a, b) { return a.at - b.at; });
      return items.filter(function (i) { return !i.failed; }).reduce(function (p, item) {
        return p.then(function () {
          return send(item).then(function (res) {
            if (new URL(res.url).pathname === LOGIN) throw new Error('signed out');
            if (res.status >= 400) item.failed = res.status;  // refused: kept, shown, not resent
            return db('readwrite', function (s) {
              return item.failed ? s.put(item) : s.delete(item.key);
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () {}).then(function () { busy = false; return count(); });
  }

  function say(key) {  // voice.js plays it, from the one clip manifest this page fetched
    D.dispatchEvent(new CustomEvent('kissi-say', {detail: key}));
  }

  function render(res) {  // show the node's answer as the form post would have
    return res.text().then(function (html) {
      history.replaceState(null, '', res.url);
      D.open(); D.write(html); D.close();
    });
  }

  function offline() {  // kissi's own screen, never the browser's error page
    var el = show('[data-offline-step]', true);
    if (el) { el.focus(); say('sync.offline'); }
  }

  D.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-offline-step] button');
    if (b) show('[data-offline-step]', false);
  });

  function formData(f, by) {
    try { return new FormData(f, by); } catch (x) { return new FormData(f); }
  }

  D.addEventListener('submit', function (e) {
    var f = e.target, by = e.submitter;
    if (e.defaultPrevented || (f.method || '').toLowerCase() !== 'post') return;
    var step = by && by.hasAttribute('data-step');
    if (!f.hasAttribute('data-queue') || step) {
      // a post the node must answer (the next question, or a form not kept on the phone)
      if (!navigator.onLine) { e.preventDefault(); offline(); return; }
      if (!step) return;  // a plain post
      e.preventDefault();  // the next step, asked with fetch so a missing node shows kissi's screen
      fetch(f.action, {method: 'POST', body: new URLSearchParams(formData(f, by)), credentials: 'same-origin'})
        .then(function (res) {
          if (res.status === 502 || res.status === 503 || res.status === 504) throw new Error('away');
          return render(res);
        }).catch(offline);
      return;
    }
    e.preventDefault();
    var data = formData(f, by);
    var once = f.elements.once;  // the form's one-time token: Back then send again is one sale
    var item = {key: (once && once.value) || uuid(), url: f.action, body: new URLSearchParams(data).toString(),
      at: Date.now(), tapped: Date.now() + offset};
    var buttons = f.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    var attempt = navigator.onLine ? send(item) : Promise.reject(new Error('offline'));
    attempt.then(render, function () {
      return db('readwrite', function (s) { return s.put(item); }).then(count).then(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        f.reset();
        if (once) once.value = once.defaultValue = uuid();  // the next sale on this page is another one
        var note = show('[data-queued]', true);
        if (note) { note.focus(); say('sync.queued'); }
      });
    });
  });

  D.addEventListener('submit', function (e) {  // signed out: forget this trader's pages
    var out = H.getAttribute('data-logout');
    if (out && new URL(e.target.action).pathname === out && sw && sw.controller) {
      sw.controller.postMessage({type: 'forget'});
    }
  });

  var at = H.getAttribute('data-offline-at');
  if (at) {
    var el = show('[data-offline-banner]', true), t = el && el.querySelector('time');
    if (t) {
      var d = new Date(at);
      t.dateTime = at;
      t.textContent = ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
    }
  }

  if (sw) {  // needs a secure context (HTTPS, or localhost): elsewhere the queue still works
    sw.register('/sw.js', {scope: '/', updateViaCache: 'all'}).then(function () { return sw.ready; }).then(function (r) {
      // the worker keeps this version's stylesheets: the next pages may link them (pwa.stylesheet)
      var v = H.getAttribute('data-shell');
      if (v && r.active && sw.controller) D.cookie = 'kissi_shell=' + v + ';path=/;max-age=2592000;samesite=lax';
      if (!at && H.hasAttribute('data-user')) {
        // the next step of each (the sell grid's products), for offline sales: on a fast
        // unmetered link; on a metered one the pages she opens are kept as she opens them
        var c = navigator.connection, fast = !c || (!c.saveData && (c.type === 'wifi' || c.effectiveType === '4g'));
        var keep = !fast ? [] : [].map.call(D.querySelectorAll('[data-offline-links] a[href]'), function (a) {
          return a.href;
        });
        r.active.postMessage({type: 'warm', keep: keep, links: fast});  // the clips: voice.js asks for them
      }
    }).catch(function () {});
  }

  if (!W.kissiFlush) {  // once per window, even when a post's answer replaces the document
    W.addEventListener('online', function () { W.kissiFlush(); });
    setInterval(function () { if (D.documentElement.getAttribute('data-outbox-n') > 0) W.kissiFlush(); }, 20000);
  }
  W.kissiFlush = flush;
  flush();
});
/* What templates may not do inline (the Content-Security-Policy refuses inline script):
   [data-print] prints the page; a file input marked [data-autosubmit] sends its form once
   a file is chosen. */
document.addEventListener('click', function (e) {
  if (e.target.closest && e.target.closest('[data-print]')) window.print();
});
document.addEventListener('change', function (e) {
  if (e.target.matches && e.target.matches('[data-autosubmit]') && e.target.form) e.target.form.submit();
});
