// The portal's search worker: Material's own search worker (its lunr index, ranking and
// highlighting), loaded below, with each query tuned before Material sees it. The page loads this
// file as `portal-search.js?material=search.<hash>.min.js` (see generator/search.py); the index's
// config.portal (written by the build) holds the extra stop words and the reference scope.
//
//  - stop words ("the", "my", "won't" ...) are left out: Material matches every word as a prefix,
//    so "the" would match "then", "theme" ... on most pages;
//  - words are stemmed as the index is (lunr's Porter stemmer), so "calibrating" finds "calibration";
//  - codes such as TQ-201 or E-WO-409 stay one word (the index's separator keeps them, and lunr's
//    query lexer is told to split on white space only);
//  - reader content comes first: pages under the reference prefixes (API and code references) are
//    left out unless the query starts with "api:" (then only they are searched).
//
// Served with the support backend (`portal serve`, or nginx sending /api to it), reader-scope queries
// go to the backend's search instead (`GET <api>/search?q=`: whoosh, the glossary's other names,
// spelling tolerance, "no good match"), its answer shaped as Material's results, so the box looks,
// reads by keyboard and highlights the opened page as before. Whether the backend is there is asked
// once, at setup, with an empty query to the same origin; without it (the site hosted alone) every
// query stays with the static index. "api:" queries always use the static index: only it holds the
// references.
//
// A large site's static index is Pagefind's (generator/pagefind_index.py; config.portal.pagefind
// names its bundles, reader and reference): a query fetches the few chunks it needs instead of
// Material's whole index. Pagefind stems on its own; stop words are still left out first.
"use strict"
;(function () {
  var REFERENCE_PREFIX = /^\s*(api|ref|reference):\s*/i
  var listen = self.addEventListener.bind(self)
  var post = self.postMessage.bind(self)
  var tuning = null
  var scopes = []
  var backend = null  // a promise: the backend's search URL, or null when the site is hosted alone
  var asked = 0

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]
    })
  }

  function probe(api) {
    var url = api && self.fetch ? new URL(api.replace(/\/$/, "") + "/search", self.location.href) : null
    var asking = url && url.origin === self.location.origin ? fetch(url + "?q=", { credentials: "omit" }) : Promise.reject(null)
    return asking
      .then(function (r) { return r.ok ? r.json() : null })
      .then(function (body) { return body && Array.isArray(body.results) ? url.href : null })
      .catch(function () { return null })
      .then(function (found) {
        if (self.BroadcastChannel) {  // the page records searches only where a backend takes them (portal.js)
          var channel = new BroadcastChannel("portal-search")
          channel.postMessage({ backend: !!found })
          channel.close()
        }
        return found
      })
  }

  function shaped(answer, ticket) {
    var terms = {}
    ;(answer.terms || []).forEach(function (term) { terms[term] = true })
    var items = answer.results.map(function (hit) {
      return [{ location: hit.url, title: escapeHtml(hit.title), text: hit.snippet_html, score: hit.score, terms: terms }]
    })
    if (!answer.good_match && ticket) {
      var form = ticket + (ticket.indexOf("?") < 0 ? "?" : "&") + "subject=" + encodeURIComponent(answer.query.slice(0, 200))
      items.unshift([{ location: form, title: "No good match: ask the support team",
        text: "<p>No article seems to answer this yet. File a ticket with your question" +
          (items.length ? "; the closest pages follow." : ".") + "</p>", score: 0, terms: {} }])
    }
    return { items: items }
  }

  var bundles = {}
  var SHOWN = 5  // Pagefind results shown: the reader's article is among the first five (bench/search_quality.py's hit@5)

  function pagefind(scope) {
    if (!tuning.pagefind[scope])  // a scope with no pages has no bundle
      return Promise.resolve({ search: function () { return Promise.resolve({ results: [] }) } })
    if (!bundles[scope]) {
      var root = new URL("../../../", self.location.href)
      bundles[scope] = import(new URL(tuning.pagefind[scope] + "pagefind.js", root).href).then(function (pf) {
        return pf.options({ excerptLength: 24 }).then(function () { return pf })
      })
    }
    return bundles[scope]
  }

  function askPagefind(text) {
    var mine = ++asked
    var tuned = rewrite(text, false)
    if (!tuned.query)
      return Promise.resolve(false)
    var terms = {}
    tuned.query.split(" ").forEach(function (word) { terms[word] = true })
    return pagefind(tuned.scope).then(function (pf) { return pf.search(tuned.query) }).then(function (found) {
      // each result's text is one more fetch: none for a query typed over already, the first SHOWN otherwise
      var first = mine === asked ? ((found && found.results) || []).slice(0, SHOWN) : []
      return Promise.all(first.map(function (result) {
        return result.data().then(function (data) { return { score: result.score, data: data } })
      }))
    }).then(function (pages) {
      if (mine === asked)
        post({ type: 3, data: { items: pages.map(function (page) {
          return [{ location: page.data.url.replace(/^\//, ""), title: escapeHtml((page.data.meta || {}).title || ""),
            text: page.data.excerpt, score: page.score, terms: terms }]
        }) } })
      return true
    })
  }

  function askBackend(url, text) {
    var mine = ++asked
    return fetch(url + "?q=" + encodeURIComponent(text), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status) })
      .then(function (answer) {
        if (mine === asked)  // a newer query is on its way: its answer is the one to show
          post({ type: 3, data: shaped(answer, tuning.ticket) })
        return true
      })
  }

  function setup(data) {
    var portal = (data.config && data.config.portal) || {}
    var stop = {}
    ;(portal.stopwords || []).forEach(function (word) { stop[word] = true })
    return {
      separator: new RegExp(data.config.separator || "[\\s\\-]+", "g"),
      reference: portal.reference || [],
      stem: (data.config.pipeline || []).indexOf("stemmer") >= 0,
      stop: stop,
      ticket: portal.ticket || "",
      pagefind: portal.pagefind || null
    }
  }

  function isStopWord(word) {
    return tuning.stop[word] || (self.lunr && !self.lunr.stopWordFilter(word))  // Pagefind sites: lunr's words are in tuning.stop
  }

  function rewrite(text, stemmed) {
    var scope = "reader"
    var prefix = REFERENCE_PREFIX.exec(text)
    if (prefix) {
      scope = "reference"
      text = text.slice(prefix[0].length)
    }
    if (/["+*~^]/.test(text))  // the reader writes lunr's own query syntax: leave it alone
      return { query: text, scope: scope }
    var words = text.toLowerCase().replace(/[\u2018\u2019]/g, "'").split(tuning.separator)
      .map(function (word) { return word.replace(/^\W+|\W+$/g, "") })
      .filter(function (word) { return word.length > 0 })
    var kept = words.filter(function (word) { return !isStopWord(word) })
    var terms = (kept.length ? kept : words).map(function (word) {
      return tuning.stem && stemmed !== false && self.lunr ? self.lunr.stemmer(new self.lunr.Token(word)).toString() : word
    })
    return { query: terms.join(" "), scope: scope }
  }

  function inScope(location, scope) {
    var reference = tuning.reference.some(function (prefix) { return location.indexOf(prefix) === 0 })
    return scope === "reference" ? reference : !reference
  }

  // Material's worker (lunr, 40 kB) is loaded only where its index is used: on a Pagefind site its
  // index is empty, so the setup and any query left to it are answered here and nothing of it is fetched.
  var material = null  // Material's message handler, or its stand-in
  self.addEventListener = function (type, handler, options) {
    if (type !== "message")
      return listen(type, handler, options)
    material = handler
  }

  function standIn(ev) {
    self.postMessage(ev.data && ev.data.type === 0 ? { type: 1 } : { type: 3, data: { items: [] } })
  }

  listen("message", function (ev) {
    var message = ev.data
    if (message && message.type === 0) {
      tuning = setup(message.data)
      backend = probe(((message.data.config || {}).portal || {}).api)
      if (!material && tuning.pagefind) {
        material = standIn
      } else if (!material) {
        importScripts(new URL(self.location.href).searchParams.get("material"))
        self.lunr.QueryLexer.termSeparator = /\s+/
      }
    } else if (message && message.type === 2 && tuning) {
      var text = String(message.data)
      var reference = REFERENCE_PREFIX.test(text)
      if (text.trim() && (!reference || tuning.pagefind)) {
        backend.then(function (url) {
          return url && !reference ? askBackend(url, text.trim()) : tuning.pagefind ? askPagefind(text) : false
        }).catch(function () { return false }).then(function (done) {
          if (!done)
            lunrQuery(text)
        })
        return
      }
      lunrQuery(text)
      return
    }
    material({ data: message })
  })

  function lunrQuery(text) {
    asked++  // a backend answer still on its way is stale now
    var tuned = rewrite(text)
    scopes.push(tuned.scope)
    material({ data: { type: 2, data: tuned.query } })
  }

  self.postMessage = function (message) {
    if (message && message.type === 3 && scopes.length) {
      var scope = scopes.shift()
      message.data.items = message.data.items.filter(function (group) { return inScope(group[0].location, scope) })
    }
    post(message)
  }
})()
