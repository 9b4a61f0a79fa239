// SPDX-License-Identifier: Apache-2.0
// ui.js: building the page from data without ever parsing it as HTML: every text goes in through
// text nodes, so a name like <script> shows as those characters.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function table(headers, rows, onRow) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col', class: x.opt ? 'opt' : null }, x.label || x)))),
    h('tbody', {}, rows.map(r => {
      const tr = h('tr', { class: onRow ? 'clickable' : null, tabindex: onRow ? 0 : null },
        r.cells.map((c, i) => h('td', { class: headers[i] && headers[i].opt ? 'opt' : null }, c)));
      if (onRow) {
        tr.addEventListener('click', () => onRow(r));
        tr.addEventListener('keydown', e => { if (e.key === 'Enter') onRow(r); });
      }
      return tr;
    })));
}

// a labelled form control
export function field(label, control) {
  const id = control.id || ('f' + Math.random().toString(36).slice(2));
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}
