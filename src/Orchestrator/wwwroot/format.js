// Formatting and keyed rendering helpers.

import { state } from './state.js';

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// ---------------------------------------------------------------------------------------------
// Formatting

const escapeMap = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => escapeMap[c]);

const serverNow = () => Date.now() - state.skewMs;

function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${Math.floor(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const ms = (value) => (value == null ? '—' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`);

function clock(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleTimeString([], { hour12: false });
}

// A <time> element whose text the ticker keeps current: "ago" (3 s ago), "for" (3 s) or "in".
const timeAgo = (iso, fmt = 'ago') =>
  iso ? `<time data-at="${esc(iso)}" data-fmt="${fmt}" title="${esc(new Date(iso).toLocaleString())}"></time>` : '<span class="muted">—</span>';

// Time after `from`, for the dispatched/started/completed columns: "+1.2 s".
function after(from, iso) {
  if (!iso) return '<span class="muted">—</span>';
  const delta = (Date.parse(iso) - Date.parse(from)) / 1000;
  return `<span title="${esc(new Date(iso).toLocaleString())}">+${esc(duration(delta))}</span>`;
}

// "1.0.0+4ac09b24ab40…" (a full commit id) → "1.0.0+4ac09b2", the whole in the title.
const version = (v) => (v ? `<span title="${esc(v)}">v${esc(String(v).replace(/\+([0-9a-f]{7})[0-9a-f]{8,}$/, '+$1'))}</span>` : '');

const labels = (list) => (list ?? []).map((l) => `<span class="label">${esc(l)}</span>`).join('');
const jobLink = (id) => `<a href="#/jobs/${encodeURIComponent(id)}">${esc(id)}</a>`;

function renderTimes(root = document) {
  const now = serverNow();
  for (const el of $$('time[data-at]', root)) {
    const at = Date.parse(el.dataset.at);
    if (Number.isNaN(at)) continue;
    const seconds = (now - at) / 1000;
    let text;
    switch (el.dataset.fmt) {
      case 'for': text = duration(seconds); break;
      default: text = seconds < 1 ? 'just now' : `${duration(seconds)} ago`;
    }
    if (el.textContent !== text) el.textContent = text;
  }
}

// ---------------------------------------------------------------------------------------------
// Keyed rendering: rows are reused by key and rewritten only when their HTML changes, so a
// button under the mouse is not replaced every second and a click always lands.

function syncChildren(container, items, keyOf, htmlOf, decorate) {
  const existing = new Map();
  for (const child of [...container.children]) existing.set(child.dataset.key, child);
  const seen = new Map();
  let previous = null;
  for (const item of items) {
    // Two items with one key (same time, same target) still get a row each.
    const base = String(keyOf(item));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const key = n ? `${base}#${n}` : base;
    let el = existing.get(key);
    const html = htmlOf(item);
    if (el) {
      existing.delete(key);
    } else {
      el = document.createElement(container.tagName === 'TBODY' ? 'tr' : container.tagName === 'OL' ? 'li' : 'div');
      el.dataset.key = key;
    }
    if (el._html !== html) {
      el.innerHTML = html;
      el._html = html;
      renderTimes(el);
    }
    if (decorate) decorate(el, item);
    const expectedPosition = previous ? previous.nextSibling : container.firstChild;
    if (expectedPosition !== el) container.insertBefore(el, expectedPosition);
    previous = el;
  }
  for (const stale of existing.values()) stale.remove();
  const empty = container.closest('section')?.querySelector(':scope > .empty');
  if (empty) empty.hidden = items.length > 0;
}

function setHtml(el, html) {
  if (el._html === html) return;
  el.innerHTML = html;
  el._html = html;
  renderTimes(el);
}


export { $, $$, esc, serverNow, duration, ms, clock, timeAgo, after, version, labels, jobLink, renderTimes, syncChildren, setHtml };
