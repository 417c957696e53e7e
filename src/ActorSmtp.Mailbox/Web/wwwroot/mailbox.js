// The mailbox page: the list (live over /api/v1/events), search, and one message's text, HTML, headers,
// attachments and raw source. Message content is hostile: it reaches this page's DOM only as textContent
// (never parsed as markup), and its HTML only inside the sandboxed iframe, served by /html with its own CSP.
"use strict";

const api = "api/v1";
const pageSize = 50;
const state = { messages: [], before: null, selected: null, query: "", remoteImages: false, tab: "text", detail: null };
const $ = id => document.getElementById(id);

// Builds an element; children are nodes or strings, and strings become text nodes, never markup.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {}))
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  for (const child of children)
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

// "to:x from:y subject:z words" → the API's filters; the remaining words are the full-text q.
function filters(text) {
  const params = new URLSearchParams();
  const words = [];
  for (const token of text.match(/(\w+:)?("[^"]*"|\S+)/g) || []) {
    const m = /^(to|from|subject):(.*)$/i.exec(token);
    if (m && m[2]) params.set(m[1].toLowerCase(), m[2].replace(/^"|"$/g, ""));
    else words.push(token);
  }
  if (words.length) params.set("q", words.join(" "));
  return params;
}

async function request(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { const body = await response.json(); if (body && body.error) message = body.error; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function when(iso) {
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function size(bytes) {
  return bytes < 1024 ? bytes + " B" : bytes < 1048576 ? (bytes / 1024).toFixed(1) + " KB" : (bytes / 1048576).toFixed(1) + " MB";
}

const sender = m => m.from || m.mailFrom || "<>";
const recipients = m => m.to || (m.rcptTo || []).join(", ");

function row(m, fresh) {
  const flags = [m.tls ? "TLS" : null, m.authenticatedAs ? "AUTH" : null, m.headerRecipientsDiffer ? "BCC" : null]
    .filter(Boolean).map(f => el("span", { class: "flag" }, f));
  const li = el("li", { "data-id": m.id, "aria-selected": String(m.id === state.selected), class: fresh ? "fresh" : null },
    el("span", { class: "who" }, sender(m)),
    el("span", { class: "when", title: m.receivedAt }, when(m.receivedAt)),
    el("span", { class: "subject" }, m.subject || "(no subject)", ...flags),
    el("span", { class: "rcpt" }, "to " + recipients(m)));
  li.addEventListener("click", () => open(m.id));
  return li;
}

function renderList() {
  $("list").replaceChildren(...state.messages.map(m => row(m, false)));
  $("empty").hidden = state.messages.length > 0;
  $("more").hidden = !state.before;
  renderCount();
}

async function load(more) {
  const params = filters(state.query);
  params.set("limit", pageSize);
  if (more && state.before) params.set("before", state.before);
  try {
    const page = await (await request(api + "/messages?" + params)).json();
    state.messages = more ? state.messages.concat(page.messages) : page.messages;
    state.before = page.before || null;
    renderList();
  } catch (error) {
    $("count").textContent = "Could not list messages: " + error.message;
  }
}

// Live list: a new message goes on top; with a search active the server decides what matches, so reload.
let reloadTimer = 0;
function reloadSoon() { clearTimeout(reloadTimer); reloadTimer = setTimeout(() => load(false), 250); }

function onStored(m) {
  if (state.query) return reloadSoon();
  if (state.messages.some(x => x.id === m.id)) return;
  state.messages.unshift(m);
  $("list").prepend(row(m, true));
  $("empty").hidden = true;
  renderCount();
}

function onDeleted(id) {
  state.messages = state.messages.filter(m => m.id !== id);
  const li = $("list").querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (li) li.remove();
  if (state.selected === id) close();
  $("empty").hidden = state.messages.length > 0;
  renderCount();
}

function onCleared() {
  state.messages = [];
  state.before = null;
  close();
  renderList();
}

function renderCount() {
  $("count").textContent = state.messages.length + (state.before ? "+" : "") + " message" + (state.messages.length === 1 ? "" : "s")
    + (state.query ? " matching “" + state.query + "”" : "");
}

function follow() {
  const events = new EventSource(api + "/events");
  const live = $("live");
  const data = e => JSON.parse(e.data || "{}");
  events.onopen = () => { live.dataset.state = "open"; live.title = "Live updates: on"; };
  // EventSource reconnects by itself; after a gap the list is reloaded, since events may have been missed.
  events.onerror = () => { live.dataset.state = "closed"; live.title = "Live updates: reconnecting"; reloadSoon(); };
  events.addEventListener("stored", e => onStored(data(e))); // data: the message's summary
  events.addEventListener("deleted", e => onDeleted(data(e).id));
  events.addEventListener("cleared", onCleared);
  window.addEventListener("pagehide", () => events.close());
}

// ---- one message ----

function close() {
  state.selected = null;
  state.detail = null;
  $("view-pane").hidden = true;
  $("placeholder").hidden = false;
  $("main").dataset.view = "list";
  $("v-html").removeAttribute("src");
  for (const li of $("list").children) li.setAttribute("aria-selected", "false");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
}

async function open(id) {
  state.selected = id;
  state.remoteImages = false;
  for (const li of $("list").children) li.setAttribute("aria-selected", String(li.dataset.id === id));
  if (location.hash !== "#" + id) history.replaceState(null, "", "#" + encodeURIComponent(id));
  let detail;
  try {
    detail = await (await request(`${api}/messages/${encodeURIComponent(id)}`)).json();
  } catch (error) {
    $("count").textContent = "Could not open the message: " + error.message;
    return;
  }
  if (state.selected !== id) return; // another one was clicked meanwhile
  state.detail = detail;
  renderMessage(detail);
  $("view-pane").hidden = false;
  $("placeholder").hidden = true;
  $("main").dataset.view = "message";
  show(detail.text != null || detail.html == null ? "text" : "html");
}

// d: GET /messages/{id} — { message: the summary, envelope, headers: [{name, value}], text, html, attachments }.
function renderMessage(d) {
  const m = d.message;
  $("v-subject").textContent = m.subject || "(no subject)";
  const meta = [
    ["From", m.from], ["To", m.to], ["Received", m.receivedAt && new Date(m.receivedAt).toLocaleString()],
    ["Envelope", "MAIL FROM:<" + (m.mailFrom || "") + "> RCPT TO:" + (m.rcptTo || []).map(r => "<" + r + ">").join(" ")],
    ["Size", size(m.size || 0)], ["TLS", m.tls ? "yes" : null], ["Authenticated as", m.authenticatedAs],
  ];
  $("v-meta").replaceChildren(...meta.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  $("v-text").textContent = d.text != null ? d.text : "(this message has no text part)";
  $("v-headers").tBodies[0].replaceChildren(...(d.headers || []).map(h => el("tr", null, el("th", null, h.name), el("td", null, h.value))));
  const attachments = d.attachments || [];
  $("v-attachment-count").textContent = attachments.length ? "(" + attachments.length + ")" : "";
  $("v-attachments").replaceChildren(...(attachments.length ? attachments.map(a => el("li", null,
    el("a", { href: `${api}/messages/${encodeURIComponent(m.id)}/attachments/${a.index}`, download: a.name || true }, a.name || "(unnamed)"),
    el("span", { class: "type" }, (a.type || "") + " · " + size(a.size || 0)))) : [el("li", null, "No attachments.")]));
  $("v-raw-link").href = `${api}/messages/${encodeURIComponent(m.id)}/raw`;
  $("v-raw-link").setAttribute("download", m.id + ".eml");
  $("v-raw").textContent = "";
  $("v-html").removeAttribute("src");
  document.querySelector('[data-tab="html"]').disabled = d.html == null;
}

// Tabs fetch what they show only when opened: the HTML (into the sandbox) and the raw source.
function show(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll(".tabs button"))
    button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  for (const panel of document.querySelectorAll(".tab")) panel.classList.toggle("active", panel.id === "tab-" + tab);
  const d = state.detail;
  if (!d) return;
  if (tab === "html") loadHtml(d.message.id);
  if (tab === "raw" && !$("v-raw").textContent) loadRaw(d.message.id);
}

function loadHtml(id) {
  const src = `${api}/messages/${encodeURIComponent(id)}/html` + (state.remoteImages ? "?remote-images=1" : "");
  if ($("v-html").getAttribute("src") !== src) $("v-html").setAttribute("src", src);
}

const rawShown = 2 * 1024 * 1024; // a page can show this much source; the download has all of it
async function loadRaw(id) {
  try {
    const text = await (await request(`${api}/messages/${encodeURIComponent(id)}/raw`)).text();
    if (state.selected !== id) return;
    $("v-raw").textContent = text.length > rawShown ? text.slice(0, rawShown) + "\n… (download the .eml for the rest)" : text;
  } catch (error) {
    $("v-raw").textContent = "Could not load the source: " + error.message;
  }
}

// ---- deleting ----

async function deleteOne() {
  const id = state.selected;
  if (!id) return;
  try {
    await request(`${api}/messages/${encodeURIComponent(id)}`, { method: "DELETE" });
    onDeleted(id); // the event says so too; whichever comes first
  } catch (error) {
    $("count").textContent = "Could not delete: " + error.message;
  }
}

// "Delete all" (or "Delete matching" while searching) asks twice: the first click arms it for a few seconds.
let disarmTimer = 0;
async function deleteAll() {
  const button = $("delete-all");
  if (!button.classList.contains("armed")) {
    button.classList.add("armed");
    button.textContent = state.query ? "Really delete matching?" : "Really delete all?";
    disarmTimer = setTimeout(disarm, 4000);
    return;
  }
  disarm();
  try {
    const params = filters(state.query);
    await request(api + "/messages" + (state.query ? "?" + params : ""), { method: "DELETE" });
    await load(false);
    close();
  } catch (error) {
    $("count").textContent = "Could not delete: " + error.message;
  }
}

function disarm() {
  clearTimeout(disarmTimer);
  const button = $("delete-all");
  button.classList.remove("armed");
  button.textContent = state.query ? "Delete matching" : "Delete all";
}

// ---- start ----

let searchTimer = 0;
function search(now) {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    const query = $("q").value.trim();
    if (query === state.query) return;
    state.query = query;
    disarm();
    load(false);
  }, now ? 0 : 300);
}

function start() {
  $("search").addEventListener("submit", e => { e.preventDefault(); search(true); });
  $("q").addEventListener("input", () => search(false));
  $("more").addEventListener("click", () => load(true));
  $("back").addEventListener("click", close);
  $("delete-one").addEventListener("click", deleteOne);
  $("delete-all").addEventListener("click", deleteAll);
  $("remote-images").addEventListener("click", () => { state.remoteImages = true; if (state.detail) loadHtml(state.detail.message.id); });
  for (const button of document.querySelectorAll(".tabs button")) button.addEventListener("click", () => show(button.dataset.tab));
  document.addEventListener("keydown", e => { if (e.key === "Escape" && state.selected) close(); });
  follow();
  load(false).then(() => { if (location.hash.length > 1) open(decodeURIComponent(location.hash.slice(1))); });
}

start();
