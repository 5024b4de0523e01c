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
"use strict"
;(function () {
  var REFERENCE_PREFIX = /^\s*(api|ref|reference):\s*/i
  var listen = self.addEventListener.bind(self)
  var post = self.postMessage.bind(self)
  var tuning = null
  var scopes = []

  function setup(data) {
    var portal = (data.config && data.config.portal) || {}
    var stop = {}
    ;(portal.stopwords || []).forEach(function (word) { stop[word] = true })
    return {
      separator: new RegExp(data.config.separator || "[\\s\\-]+", "g"),
      reference: portal.reference || [],
      stem: (data.config.pipeline || []).indexOf("stemmer") >= 0,
      stop: stop
    }
  }

  function isStopWord(word) {
    return tuning.stop[word] || !self.lunr.stopWordFilter(word)
  }

  function rewrite(text) {
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
      return tuning.stem ? self.lunr.stemmer(new self.lunr.Token(word)).toString() : word
    })
    return { query: terms.join(" "), scope: scope }
  }

  function inScope(location, scope) {
    var reference = tuning.reference.some(function (prefix) { return location.indexOf(prefix) === 0 })
    return scope === "reference" ? reference : !reference
  }

  self.addEventListener = function (type, handler, options) {
    if (type !== "message")
      return listen(type, handler, options)
    listen(type, function (ev) {
      var message = ev.data
      if (message && message.type === 0)
        tuning = setup(message.data)
      else if (message && message.type === 2 && tuning) {
        var tuned = rewrite(String(message.data))
        scopes.push(tuned.scope)
        message = { type: 2, data: tuned.query }
      }
      handler({ data: message })
    }, options)
  }

  self.postMessage = function (message) {
    if (message && message.type === 3 && scopes.length) {
      var scope = scopes.shift()
      message.data.items = message.data.items.filter(function (group) { return inScope(group[0].location, scope) })
    }
    post(message)
  }

  importScripts(new URL(self.location.href).searchParams.get("material"))
  self.lunr.QueryLexer.termSeparator = /\s+/
})()
