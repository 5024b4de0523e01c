// Runs a built site's search worker in node, as Chromium runs it: the worker script named in the
// site's __config (Material's, or the portal's wrapper of it), set up with the site's
// search_index.json, then one query message per question.
//   node bench/search_worker.js SITE_DIR WORKER_PATH < queries.json > results.json
// queries.json: ["query", ...]; results.json: [["location of page 1", ...], ...] (pages in the
// order the search box shows them: Material groups sections under their page).
"use strict"
const fs = require("fs")
const path = require("path")
const vm = require("vm")

const [site, workerPath] = process.argv.slice(2)
const listeners = []
let answer = null

function load(file) {
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file })
}

globalThis.self = globalThis
globalThis.fetch = undefined  // the site hosted alone: the worker finds no backend and searches its static index
globalThis.location = new URL("http://127.0.0.1/" + workerPath)
globalThis.addEventListener = (type, fn) => { if (type === "message") listeners.push(fn) }
globalThis.postMessage = message => { answer(message) }
globalThis.importScripts = (...urls) => {
  for (const url of urls) load(path.join(site, new URL(url, globalThis.location).pathname))
}

function send(message) {
  return new Promise(resolve => {
    answer = resolve
    for (const fn of listeners) fn({ data: message })
  })
}

async function main() {
  load(path.join(site, globalThis.location.pathname))
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"))
  await send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } })
  const queries = JSON.parse(fs.readFileSync(0, "utf8"))
  const results = []
  for (const query of queries) {
    const reply = await send({ type: 2, data: query })
    results.push(reply.data.items.map(group => group[0].location.split("#")[0]))
  }
  process.stdout.write(JSON.stringify(results))
}

main()
