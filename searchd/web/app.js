// arkiv's web page: search with completions, facets and the document view.
// Everything shown follows from the URL, so any view can be shared, bookmarked or reloaded.
'use strict';

const PAGE_SIZE = 10;
const TOKEN_KEY = 'arkiv.token';
const SORTS = ['relevance', 'newest', 'oldest'];
const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august',
  'september', 'oktober', 'november', 'desember'];
const $ = (sel) => document.querySelector(sel);

// ---- helpers ----
// Builds an element. Strings become text nodes, so nothing from the API is parsed as HTML here.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k, String(v));
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false && kid !== '') el.append(kid);
  return el;
}

// Snippets and `marked` come HTML-escaped from the server with <mark> around matches.
// Only bare <mark> elements are kept, so a slip on the server cannot inject markup.
function markedHTML(html) {
  const t = document.createElement('template');
  t.innerHTML = html || '';
  for (const el of [...t.content.querySelectorAll('*')].reverse()) {
    if (el.tagName !== 'MARK') el.replaceWith(el.textContent);
    else for (const a of [...el.attributes]) el.removeAttribute(a.name);
  }
  return t.content;
}

const fmtNum = (n, digits = 0) => Number(n).toLocaleString('nb-NO', { maximumFractionDigits: digits });

// "2023-04-21" → "21.04.2023", "2026-03" → "mars 2026", "2023" → "2023".
function fmtDate(d) {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(d || '');
  if (!m) return d || '';
  const [, y, mo, da] = m;
  if (da) return `${da}.${mo}.${y}`;
  return mo ? `${MONTHS[+mo - 1] || mo} ${y}` : y;
}

// A period as short as Norwegian usage writes it: "30.–31.01.2025", "januar–mars 2025".
function fmtRange(a, b) {
  if (!b || b === a) return fmtDate(a);
  if (!a) return fmtDate(b);
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && da && db) return ma === mb ? `${da}.–${db}.${mb}.${yb}` : `${da}.${ma}.–${db}.${mb}.${yb}`;
  if (ya === yb && ma && mb && !da && !db) return `${MONTHS[+ma - 1]}–${MONTHS[+mb - 1]} ${yb}`;
  return `${fmtDate(a)}–${fmtDate(b)}`;
}

function sectionLabel(s) {
  if (!s) return '';
  const t = s.number != null ? `${s.number}. ${s.heading || ''}` : s.heading || '';
  return (s.presenter ? `${t} (v/${s.presenter})` : t).trim();
}

const badge = () => h('span', { class: 'badge' }, 'Intern');

// The date fields also take 21.04.2023 and 04.2023, as Norwegians write them; the API wants ISO.
function normDate(v) {
  const m = /^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$/.exec(v.trim());
  const parts = m ? [m[3], m[2], m[1]].filter(Boolean) : v.trim().split('-');
  return parts.map((p, i) => (i ? p.padStart(2, '0') : p)).join('-');
}

// localStorage throws in some private modes; the token is then just not kept.
const token = {
  get() { try { return localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } },
  set(v) { try { localStorage[v ? 'setItem' : 'removeItem'](TOKEN_KEY, v); } catch (e) { /* not kept */ } },
};

// ---- URL state ----
function readState() {
  const p = new URLSearchParams(location.search);
  const g = (k) => (p.get(k) || '').trim();
  return { q: g('q'), kind: g('kind'), from: g('from'), to: g('to'), doc: p.get('doc') || '',
    sort: SORTS.includes(g('sort')) ? g('sort') : 'relevance', page: Math.max(1, parseInt(g('page'), 10) || 1) };
}

// encodeURIComponent, not URLSearchParams: "%20" is read right by any decoder, "+" is not.
const qs = (pairs) => Object.entries(pairs).filter(([, v]) => v !== '' && v != null)
  .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

function searchURL(s) {
  const str = qs({ q: s.q, kind: s.kind, from: s.from, to: s.to,
    sort: s.sort === 'relevance' ? '' : s.sort, page: s.page > 1 ? s.page : '' });
  return str ? `/?${str}` : '/';
}

const docURL = (id, q, sak) => `/?${qs({ doc: id, q })}${sak != null ? `#sak-${sak}` : ''}`;

function apiURL(s) {
  if (s.doc) return `/api/doc/${encodeURIComponent(s.doc)}${s.q ? `?${qs({ q: s.q })}` : ''}`;
  // q is always sent, even empty: a search of filters alone is valid.
  return `/api/search?q=${encodeURIComponent(s.q)}&${qs({ kind: s.kind, from: s.from, to: s.to,
    sort: s.sort, page: s.page, size: PAGE_SIZE })}`;
}

const go = (url) => { history.pushState(null, '', url); render('push'); };

// ---- API ----
async function api(path, signal) {
  const headers = { Accept: 'application/json' };
  if (token.get()) headers.Authorization = `Bearer ${token.get()}`;
  const res = await fetch(path, { headers, signal });
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: a proxy's error page or a crash */ }
  if (res.ok && body && !body.error) return body;
  const msg = body && body.error && body.error.message;
  const err = new Error(msg || `Tjeneren svarte med feil (HTTP ${res.status}).`);
  err.status = res.status;
  throw err;
}

const cache = new Map();

// ---- rendering ----
let seq = 0;           // bumped by each render; an answer meant for an older one is dropped
let controller = null;
let rendered = '';     // path+query last drawn, to tell a #sak-N jump from a navigation
let lastSearch = '';   // where "Tilbake til treffene" leads

async function render(how) {
  const s = readState();
  const my = ++seq;
  rendered = location.pathname + location.search;
  if (controller) controller.abort();
  controller = new AbortController();
  setBusy(false);
  const focusKey = facetKey(document.activeElement);
  closeCompletions();
  syncForm(s);
  showError(null);
  setFeed(s.doc ? '' : s.q);
  if (!s.doc && !(s.q || s.kind || s.from || s.to)) {
    document.title = 'arkiv – søk i Politirådets dokumenter';
    show('home');
    if (how === 'push') window.scrollTo(0, 0);
    return;
  }
  const url = apiURL(s);
  let data = cache.get(url);
  if (!data) {
    setBusy(true);
    try {
      data = await api(url, controller.signal);
    } catch (e) {
      if (my !== seq) return;   // aborted, or overtaken by a newer navigation
      setBusy(false);
      if (s.doc) show(null); else { renderSearch(null, s); show('search'); }
      return showError(e);
    }
    if (my !== seq) return;
    setBusy(false);
    cache.set(url, data);   // recent answers: Back then redraws at once and the scroll position survives
    if (cache.size > 20) cache.delete(cache.keys().next().value);
  }
  if (s.doc) renderDoc(data, s); else renderSearch(data, s);
  show(s.doc ? 'doc' : 'search');
  after(how, s, focusKey);
}

function setBusy(on) {
  $('#main').setAttribute('aria-busy', String(on));
  document.body.classList.toggle('loading', on);
}

function show(view) {
  for (const id of ['home', 'search', 'doc']) $(`#${id}`).hidden = id !== view;
  $('#filters').hidden = view !== 'home' && view !== 'search';
  $('#sort-box').hidden = view !== 'search';
  if (view === 'home') $('#facet-kind-box').hidden = $('#facet-year-box').hidden = true;
  if (view !== 'search') $('#total').textContent = $('#took').textContent = '';
}

// Scroll and move focus after a navigation, so keyboard and screen reader users land in the new view.
function after(how, s, focusKey) {
  if (s.doc) {
    if (how !== 'pop') {
      const target = /^#sak-/.test(location.hash) && document.getElementById(location.hash.slice(1));
      const mark = $('#doc-body mark');
      if (target) target.scrollIntoView();
      else if (mark) mark.scrollIntoView({ block: 'center' });
      else window.scrollTo(0, 0);
    }
    if (how === 'push') $('#doc-title').focus({ preventScroll: true });
    return;
  }
  lastSearch = location.pathname + location.search;
  if (how !== 'push') return;
  window.scrollTo(0, 0);
  const keep = document.activeElement;
  const again = focusKey && document.querySelector(focusKey);   // the facet button that was pressed, redrawn
  if (again) again.focus();
  else if (!keep || !keep.closest('#search-form, #date-form, #sort-box')) {
    $('#results-heading').focus({ preventScroll: true });
  }
}

const facetKey = (el) => (el && el.matches && el.matches('button.facet')
  ? `button.facet[data-facet="${el.dataset.facet}"][data-value="${CSS.escape(el.dataset.value)}"]` : '');

function syncForm(s) {
  if ($('#q').value.trim() !== s.q) $('#q').value = s.q;   // an equal value is left alone: the caret stays
  [$('#from').value, $('#to').value, $('#sort').value] = [s.from, s.to, s.sort];
}

function setFeed(q) {
  const href = q ? `/feed?${qs({ q })}` : '';
  const link = $('#feed-link');
  if (href) { link.href = href; link.title = `arkiv: ${q}`; } else link.removeAttribute('href');
  $('#feed').href = href || '/feed';
  $('#feed-box').hidden = !href;
}

function showError(err) {
  const box = $('#error');
  if (!err) return box.replaceChildren();
  const help = err.status !== 401 ? [] : [token.get()
    ? h('button', { type: 'button', class: 'btn btn-secondary', id: 'error-clear-token' }, 'Fjern lagret nøkkel')
    : h('p', {}, 'Ansatte kan logge inn under «Innlogging for ansatte» nederst på siden.')];
  box.replaceChildren(h('p', {}, err.message), ...help);
}

// ---- search results ----
function renderSearch(data, s) {
  const ok = !!data;
  const { total = { value: 0, exact: true }, hits = [], facets = {}, facets_exact: exact = true,
    took_ms: took } = data || {};
  document.title = s.q ? `«${s.q}» – arkiv` : 'Dokumenter – arkiv';
  $('#total').textContent = ok ? `${total.exact === false ? 'ca. ' : ''}${fmtNum(total.value)} treff` : '';
  $('#took').textContent = ok && took != null ? `(${fmtNum(took, 1)} ms)` : '';
  const sug = ok && typeof data.suggestion === 'string' && data.suggestion !== s.q ? data.suggestion : '';
  $('#suggestion').hidden = !sug;
  const sugLink = sug && h('a', { href: searchURL({ ...s, q: sug, page: 1 }) }, sug);
  $('#suggestion').replaceChildren(...(sug ? ['Mente du: ', sugLink, '?'] : []));
  const year = /^\d{4}$/.test(s.from) && s.from === s.to ? s.from : '';
  fillFacet('kind', facets.kind, s.kind, exact, (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'nb'));
  fillFacet('year', facets.year, year, exact, (a, b) => b[0].localeCompare(a[0]));
  renderActive(s);
  $('#results').start = (s.page - 1) * PAGE_SIZE + 1;
  $('#results').replaceChildren(...hits.map((hit) => renderHit(hit, s)));
  renderNoHits(ok && hits.length === 0, total.value, s);
  renderPager(ok ? total.value : 0, s);
}

function renderHit(hit, s) {
  const sec = hit.section;
  const meta = [fmtRange(hit.date, hit.date_end), hit.kind, sectionLabel(sec),
    hit.page != null ? `side ${hit.page}` : ''].filter(Boolean).join(' · ');
  const snippets = hit.snippets || (hit.snippet ? [hit.snippet] : []);
  return h('li', { class: 'hit' },
    h('h2', { class: 'hit-heading' },
      h('a', { class: 'hit-title', href: docURL(hit.id, s.q, sec && sec.number) }, hit.title || hit.id),
      hit.access === 'internal' ? badge() : null),
    meta ? h('p', { class: 'hit-meta' }, meta) : null,
    snippets.map((sn) => h('p', { class: 'snippet' }, markedHTML(sn))));
}

// One toggle button per value; aria-pressed (and a ✓ from the CSS) tells which filter is on.
// Counts over more than 1,000 matches are estimates, marked "ca." as the total is.
function fillFacet(name, counts, active, exact, order) {
  const entries = Object.entries(counts || {}).sort(order);
  if (active && !entries.some(([v]) => v === active)) entries.unshift([active, null]);
  $(`#facet-${name}`).replaceChildren(...entries.map(([v, n]) => h('li', {}, h('button', {
    type: 'button', class: 'facet', 'data-facet': name, 'data-value': v, 'aria-pressed': String(v === active),
  }, h('span', { class: 'facet-label' }, v),
  n != null ? h('span', { class: 'count' }, exact ? '' : 'ca. ', fmtNum(n), h('span', { class: 'vh' }, ' treff'))
    : null))));
  $(`#facet-${name}-box`).hidden = entries.length === 0;
}

function renderActive(s) {
  const chip = (what, label) => h('li', {}, h('button', { type: 'button', class: 'chip', 'data-remove': what,
    'aria-label': `Fjern filteret ${label}` }, label, h('span', { 'aria-hidden': 'true' }, ' ×')));
  const period = s.from && s.to ? fmtRange(s.from, s.to) : s.from ? `fra ${fmtDate(s.from)}` : `til ${fmtDate(s.to)}`;
  const chips = [s.kind && chip('kind', `Type: ${s.kind}`), (s.from || s.to) && chip('date', `Periode: ${period}`)]
    .filter(Boolean);
  $('#active-filters').replaceChildren(...chips);
  $('#active-filters').hidden = chips.length === 0;
}

function renderNoHits(none, total, s) {
  const box = $('#no-hits');
  box.hidden = !none;
  const link = (text, to) => h('a', { href: searchURL(to) }, text);
  const unfiltered = (s.kind || s.from || s.to) && [', eller ', link('søk uten filtre', { q: s.q, sort: s.sort })];
  box.replaceChildren(...(!none ? [] : total > 0   // a page past the end, from an old link
    ? [h('p', {}, 'Denne siden er tom. ', link('Gå til første side', { ...s, page: 1 }))]
    : !s.q ? [h('p', {}, 'Ingen dokumenter passer til filtrene.')]
      : [h('p', { class: 'no-hits-title' }, 'Ingen treff for ', h('strong', {}, `«${s.q}»`), '.'),
        h('p', {}, 'Sjekk stavemåten, eller prøv færre eller andre ord', unfiltered, '.')]));
}

function renderPager(total, s) {
  const pages = Math.ceil(total / PAGE_SIZE);
  const nav = $('#pager');
  nav.hidden = pages <= 1;
  if (pages <= 1) return nav.replaceChildren();
  const link = (p, text, cls, label) => h('a', { href: searchURL({ ...s, page: p }), class: cls,
    'aria-label': label, 'aria-current': p === s.page && !cls ? 'page' : null }, text);
  const items = [];
  if (s.page > 1) items.push(link(s.page - 1, '‹ Forrige', 'prev', 'Forrige side'));
  // The first and last page and two either side of the current one; the gaps show as "…".
  const shown = [...new Set([1, pages, s.page - 2, s.page - 1, s.page, s.page + 1, s.page + 2])]
    .filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  shown.forEach((p, i) => {
    if (i && p - shown[i - 1] > 1) items.push(h('span', { class: 'gap', 'aria-hidden': 'true' }, '…'));
    items.push(link(p, String(p), null, `Side ${p}`));
  });
  if (s.page < pages) items.push(link(s.page + 1, 'Neste ›', 'next', 'Neste side'));
  nav.replaceChildren(h('ul', {}, items.map((el) => h('li', {}, el))));
}

// ---- document view ----
function renderDoc(d, s) {
  const title = d.title || d.id;
  document.title = `${title} – arkiv`;
  $('#doc-title').replaceChildren(title, ...(d.access === 'internal' ? [badge()] : []));
  // Back to the very search the reader came from, when it was for the same words.
  const fromHere = lastSearch && new URLSearchParams(lastSearch.split('?')[1] || '').get('q') === (s.q || null);
  $('#back-link').href = fromHere ? lastSearch : s.q ? searchURL({ q: s.q }) : '/';
  $('#back-link').textContent = fromHere || s.q ? 'Tilbake til treffene' : 'Til søket';
  const people = d.participants || [];
  const meta = [['Dato', fmtRange(d.date, d.date_end)], ['Type', d.kind], ['Beskrivelse', d.description],
    ['Deltakere', people.length && h('ul', { class: 'participants' }, people.map((p) => h('li', {}, p)))]];
  $('#doc-meta').replaceChildren(...meta.filter(([, v]) => v)
    .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
  const seen = new Set();
  const toc = [];
  const blocks = (d.blocks || []).map((b) => {
    const sec = b.section;
    const internal = (sec && sec.access === 'internal') || b.access === 'internal';
    const raw = b.marked != null ? b.marked : null;
    // Paragraphs are split on blank lines; single line breaks are kept by white-space: pre-wrap.
    const paras = (raw != null ? raw : b.text || '').split(/\n\s*\n/).filter((p) => p.trim())
      .map((p) => h('p', {}, raw != null ? markedHTML(p.trim()) : p.trim()));
    const cls = internal ? 'block internal' : 'block';
    if (!sec) return h('div', { class: cls }, internal ? badge() : null, h('div', { class: 'text' }, paras));
    // An agenda item spread over several blocks keeps its id on the first one only.
    const id = sec.number != null && !seen.has(sec.number) ? `sak-${sec.number}` : null;
    seen.add(sec.number);
    if (id) toc.push(h('li', {}, h('a', { href: `#${id}` }, sectionLabel(sec))));
    return h('section', { class: cls, id }, h('h2', {}, sectionLabel(sec) || 'Uten overskrift',
      internal ? badge() : null), h('div', { class: 'text' }, paras));
  });
  $('#doc-toc ol').replaceChildren(...toc);
  $('#doc-toc').hidden = toc.length < 2;
  $('#doc-body').replaceChildren(...blocks);
}

// ---- completions: the ARIA combobox pattern, with a listbox popup ----
const input = $('#q');
const listbox = $('#completions');
let suggestTimer = 0;   // the ~150 ms debounce
let suggestCtl = null;  // aborts a completion request that typing has made stale
let active = -1;        // the highlighted option, -1 for none

function setOpen(open) {
  listbox.hidden = !open;
  input.setAttribute('aria-expanded', String(open));
  if (!open) setActive(-1);
}

function closeCompletions() {
  clearTimeout(suggestTimer);
  if (suggestCtl) suggestCtl.abort();
  setOpen(false);
  listbox.replaceChildren();   // stale options must not come back on ArrowDown
}

function setActive(i) {
  active = i;
  [...listbox.children].forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
  if (i < 0) return input.removeAttribute('aria-activedescendant');
  input.setAttribute('aria-activedescendant', listbox.children[i].id);
  listbox.children[i].scrollIntoView({ block: 'nearest' });
}

async function fetchCompletions() {
  const typed = input.value;
  if (typed.trim().length < 2) return closeCompletions();
  if (suggestCtl) suggestCtl.abort();
  suggestCtl = new AbortController();
  let data;
  try { data = await api(`/api/suggest?${qs({ q: typed })}`, suggestCtl.signal); } catch (e) { return; }  // a nicety
  if (input.value !== typed || document.activeElement !== input) return;
  const items = (data.completions || []).filter((c) => typeof c === 'string' && c !== typed.trim()).slice(0, 8);
  const lower = typed.toLowerCase();
  listbox.replaceChildren(...items.map((c, i) => h('li', { role: 'option', id: `completion-${i}`,
    class: 'completion', 'data-value': c, 'aria-selected': 'false' },
  c.toLowerCase().startsWith(lower) ? [c.slice(0, typed.length), h('strong', {}, c.slice(typed.length))] : c)));
  setOpen(items.length > 0);
}

function submitSearch() {
  closeCompletions();
  go(searchURL({ ...readState(), q: input.value.trim(), page: 1 }));
  if (matchMedia('(pointer: coarse)').matches) input.blur();   // put the phone keyboard away to show results
}

const choose = (value) => { input.value = value; submitSearch(); };
input.addEventListener('input', () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(fetchCompletions, 150);
});

input.addEventListener('keydown', (ev) => {
  const n = listbox.children.length;
  if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && n) {
    ev.preventDefault();
    if (listbox.hidden) return setOpen(true);
    const next = active + (ev.key === 'ArrowDown' ? 1 : -1);
    setActive(next >= n ? -1 : next < -1 ? n - 1 : next);   // -1 is back in the text field
  } else if (ev.key === 'Enter' && !listbox.hidden && active >= 0) {
    ev.preventDefault();
    choose(listbox.children[active].dataset.value);
  } else if (ev.key === 'Escape' && !listbox.hidden) {
    ev.preventDefault();   // else a search field also clears its text
    setOpen(false);
  }
});

input.addEventListener('blur', () => setOpen(false));
listbox.addEventListener('mousedown', (ev) => ev.preventDefault());   // keeps the focus in the field
listbox.addEventListener('click', (ev) => {
  const opt = ev.target.closest('[role="option"]');
  if (opt) choose(opt.dataset.value);
});

// ---- events ----
$('#search-form').addEventListener('submit', (ev) => { ev.preventDefault(); submitSearch(); });

$('#date-form').addEventListener('submit', (ev) => {
  ev.preventDefault();   // the browser has checked the pattern before this runs
  go(searchURL({ ...readState(), from: normDate($('#from').value), to: normDate($('#to').value), page: 1 }));
});

$('#sort').addEventListener('change', () => go(searchURL({ ...readState(), sort: $('#sort').value, page: 1 })));

document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('button.facet, button.chip');
  if (btn) {
    const s = { ...readState(), page: 1 };
    const on = btn.classList.contains('chip') || btn.getAttribute('aria-pressed') === 'true';
    const v = on ? '' : btn.dataset.value;
    if ((btn.dataset.facet || btn.dataset.remove) === 'kind') s.kind = v;
    else s.from = s.to = v;   // a year facet, or the period chip
    return go(searchURL(s));
  }
  if (ev.target.closest('#error-clear-token')) return tokenChanged('');
  // Links within the page are followed without a reload; new tabs and other pages work as usual.
  const a = ev.target.closest('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin || a.pathname !== '/') return;
  if (a.search === location.search && a.hash) return;   // an in-page jump such as #sak-7
  ev.preventDefault();
  go(a.href);
});

window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== rendered) render('pop');   // a #sak-N jump needs no redraw
});

// ---- staff token ----
function tokenChanged(value) {
  token.set(value);
  cache.clear();   // what the server answers depends on who asks
  updateTokenStatus();
  render('pop');
}

function updateTokenStatus() {
  const on = !!token.get();
  $('#token-status').textContent = on ? 'En nøkkel er lagret i denne nettleseren og sendes med hvert søk.'
    : 'Ingen nøkkel er lagret.';
  $('#token-clear').hidden = !on;
}

$('#token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  tokenChanged($('#token').value.trim());
  $('#token').value = '';
});
$('#token-clear').addEventListener('click', () => tokenChanged(''));

updateTokenStatus();
render('load');
