/* The network as the page draws it: a canvas repainted each frame (the
 * weights as coloured lines, each neuron as a small map of what it
 * computes over the plane), under an SVG layer, rebuilt only when the
 * shape changes, that carries the names, the targets for pointer and
 * touch (44 px), and the keyboard: one Tab stop, arrow keys along the
 * network's columns and edges, Enter to explain. (Recolouring ~100 SVG
 * lines a frame cost the browser more than the training: 60 -> 40 frames
 * a second in bench/playground.mjs, hence the canvas.) */
import { lib } from './lib.js';
import { FEATURE } from './data.js';
import { gridInputs, colour } from './draw.js';
import { S, $ } from './state.js';
import { MAX_WIDTH } from './settings.js';
import { shadeOf, labelOf } from './menus.js';

const SVGNS = 'http://www.w3.org/2000/svg';
const NG = 16;          /* each neuron's map: 16 x 16 points */
const SQ = 26;          /* its square on the page, px */
const GAP = 44;         /* between neurons: touch targets of 44 px */
const TOP = 52;         /* room for the + and - buttons of each layer */
const BOTTOM = 22;      /* room for the last neuron's name */
const MARGIN = 34;

/* ------------------------------------------------------------- names */

/* Neuron names as backprop explain prints them (src/explain/explain.c):
 * inputs i1.., hidden h1.. (h<l>.<j> with several hidden layers), o1.. */
export function neuronName(l, j) {
  const L = lib.C.n_layers(lib.P);
  if (l < 0) return `i${j + 1}`;
  if (l === L - 1) return `o${j + 1}`;
  if (L === 2) return `h${j + 1}`;
  return `h${l + 1}.${j + 1}`;
}

export function layerIn(l) {
  const { C, P } = lib;
  return l === 0 ? C.n_in(P) : C.layer_width(P, l - 1);
}

/* The weight's number as explain counts them: layer by layer, row by row. */
export function weightNumber(l, j, k) {
  let n = 0;
  for (let i = 0; i < l; i++) n += layerIn(i) * lib.C.layer_width(lib.P, i);
  return n + j * layerIn(l) + k + 1;
}

/* The weight (l, j, k), or neuron j's bias when k < 0, in the parameter
 * block (layer after layer: W[n_out][n_in], then b). */
export function paramIndex(l, j, k) {
  let off = 0;
  for (let i = 0; i < l; i++) off += (layerIn(i) + 1) * lib.C.layer_width(lib.P, i);
  return k < 0 ? off + layerIn(l) * lib.C.layer_width(lib.P, l) + j : off + j * layerIn(l) + k;
}

export function paramValue(l, j, k) {
  return lib.M.HEAPF64[lib.C.params(lib.P) / 8 + paramIndex(l, j, k)];
}

/* An input's feature label: "x₁", "sin x₂". */
export function inputLabel(j) {
  return FEATURE[S.cfg.features[j]]?.label ?? `i${j + 1}`;
}

/* What a selection is called on the page: "neuron h1.2", "weight w37 (h1.5 → h2.3)". */
export function selectionName(sel) {
  if (sel.kind === 'weight')
    return `weight w${weightNumber(sel.l, sel.j, sel.k)} (${neuronName(sel.l - 1, sel.k)} \u2192 ${neuronName(sel.l, sel.j)})`;
  return sel.l < 0 ? `input ${neuronName(sel.l, sel.j)} = ${inputLabel(sel.j)}`
                   : `neuron ${neuronName(sel.l, sel.j)}`;
}

const same = (a, b) => !!a && !!b && a.kind === b.kind && a.l === b.l && a.j === b.j &&
                       (a.kind !== 'weight' || a.k === b.k);

/* ---------------------------------------------------------- the view */

let view = { key: '', W: 0, H: 0, lines: [], boxes: [], columns: [] };
let focusAt = { c: 0, i: 0 };           /* the roving Tab stop */
let hooks = { choose() {}, widen() {} };

/* hooks.choose(selection, {keyboard}) and hooks.widen(layer, +1 or -1). */
export function initNetwork(h) {
  hooks = h;
  $('net').addEventListener('keydown', onKey);
}

function svg(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

function shape() {
  const { C, P } = lib;
  const cols = [C.n_in(P)];
  for (let l = 0; l < C.n_layers(P); l++) cols.push(C.layer_width(P, l));
  return cols;
}

/* The picture's size: as wide as its column allows (at most 460 px),
 * tall enough for the widest layer at 44 px a neuron. */
let wrapWidth = 0;        /* #net-wrap's width, kept by a ResizeObserver:
                             reading it each frame would force a layout */
function size(cols) {
  if (!wrapWidth) {
    const wrap = $('net-wrap');
    wrapWidth = wrap.clientWidth || 460;
    new ResizeObserver(() => {
      const w = wrap.clientWidth || wrapWidth;
      if (w !== wrapWidth) { wrapWidth = w; drawNet(); }
    }).observe(wrap);
  }
  const W = Math.round(Math.max(260, Math.min(460, wrapWidth)));
  const H = TOP + BOTTOM + GAP * Math.max(...cols, 6);
  return [W, H];
}

function position(cols, W, H) {
  const area = H - TOP - BOTTOM;
  return (c, j) => [MARGIN + c * (W - 2 * MARGIN) / (cols.length - 1),
                    TOP + area / 2 + (j - (cols[c] - 1) / 2) * GAP];
}

/* An element of the keyboard's path: a button with a name, a place in
 * the columns, and what Enter selects. */
function target(el, column, sel, label) {
  el.setAttribute('role', 'button');
  el.setAttribute('tabindex', '-1');
  el.setAttribute('aria-label', label());
  const at = view.columns[column].length;
  view.columns[column].push({ el, sel });
  el.addEventListener('focus', () => {       /* by key, pointer or script */
    el.setAttribute('aria-label', label());
    const old = view.columns[focusAt.c]?.[focusAt.i];
    if (old && old.el !== el) old.el.setAttribute('tabindex', '-1');
    el.setAttribute('tabindex', '0');
    focusAt = { c: column, i: at };
  });
  el.addEventListener('click', () => hooks.choose(sel, { keyboard: false }));
}

function tooltip(el, text) {
  const t = svg('title', {}, el);
  el.addEventListener('mouseenter', () => { t.textContent = text(); });
}

function buildWeights(root, cols, pos) {
  const value = (l, j, k) => paramValue(l, j, k).toPrecision(6);
  for (let l = 0; l < cols.length - 1; l++) {
    view.columns[2 * l + 1] = [];
    for (let j = 0; j < cols[l + 1]; j++)
      for (let k = 0; k < cols[l]; k++) {
        const [x1, y1] = pos(l, k), [x2, y2] = pos(l + 1, j);
        const e = svg('line', { x1, y1, x2, y2, class: 'weight', 'data-l': l, 'data-j': j, 'data-k': k }, root);
        const sel = { kind: 'weight', l, j, k };
        const text = () => `weight w${weightNumber(l, j, k)} from ${neuronName(l - 1, k)} to ${neuronName(l, j)}, ${value(l, j, k)}`;
        tooltip(e, text);
        target(e, 2 * l + 1, sel, text);
        view.lines.push({ x1, y1, x2, y2, idx: paramIndex(l, j, k), sel });
      }
  }
}

function buildNeurons(root, cols, pos) {
  const acts = S.names.acts;
  for (let c = 0; c < cols.length; c++) {
    view.columns[2 * c] = [];
    for (let j = 0; j < cols[c]; j++) {
      const [x, y] = pos(c, j), l = c - 1;
      const sel = { kind: 'neuron', l, j };
      const name = neuronName(l, j), act = l >= 0 ? acts[lib.C.layer_act(lib.P, l)] : '';
      const e = svg('circle', { cx: x, cy: y, r: GAP / 2, class: 'neuron', 'data-l': l, 'data-j': j }, root);
      const text = () => (l < 0 ? `input ${name}, ${inputLabel(j)}`
        : `neuron ${name}, ${labelOf('act', act)}, bias ${paramValue(l, j, -1).toPrecision(6)}`);
      tooltip(e, text);
      target(e, 2 * c, sel, text);
      view.boxes.push({ x, y, l, j, act, sel });
      const t = svg('text', { x, y: y + SQ / 2 + 12, 'text-anchor': 'middle', class: 'label', 'aria-hidden': 'true' }, root);
      t.textContent = l < 0 ? inputLabel(j) : name;
    }
  }
}

/* + and - above each hidden layer: 44 px tall, as wide as the columns allow. */
function buildWidthButtons(root, cols, pos, W) {
  if (S.cfg.example) return;
  const spacing = (W - 2 * MARGIN) / (cols.length - 1);
  const bw = Math.max(22, Math.min(44, spacing / 2 - 3));
  for (let l = 0; l < cols.length - 2; l++) {
    const [x] = pos(l + 1, 0);
    for (const [d, label, text] of [[1, '+', 'add a neuron to'], [-1, '\u2212', 'remove a neuron from']]) {
      const at = d > 0 ? x - bw - 1 : x + 1;
      const g = svg('g', { class: 'widthbtn', role: 'button', tabindex: 0, 'data-l': l, 'data-d': d,
                           'aria-label': `${text} hidden layer ${l + 1}` }, root);
      const full = (d > 0 && cols[l + 1] >= MAX_WIDTH) || (d < 0 && cols[l + 1] <= 1);
      if (full) g.setAttribute('aria-disabled', 'true');
      svg('rect', { x: at, y: 2, width: bw, height: 44, rx: 6 }, g);
      svg('text', { x: at + bw / 2, y: 30, 'text-anchor': 'middle' }, g).textContent = label;
      const act = () => { if (!full) hooks.widen(l, d); };
      g.addEventListener('click', act);
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); act(); }
      });
    }
  }
}

function build(cols, W, H, key) {
  const root = $('net'), cv = $('netcanvas');
  const hadFocus = root.contains(document.activeElement) &&
                   document.activeElement.getAttribute('role') === 'button' &&
                   !document.activeElement.classList.contains('widthbtn');
  root.textContent = '';
  view = { key, W, H, lines: [], boxes: [], columns: [] };
  const dpr = window.devicePixelRatio || 1;
  cv.width = Math.round(W * dpr);
  cv.height = Math.round(H * dpr);
  cv.style.width = `${W}px`;
  cv.style.height = `${H}px`;
  root.setAttribute('width', W);
  root.setAttribute('height', H);
  root.setAttribute('viewBox', `0 0 ${W} ${H}`);
  $('net-wrap').style.height = `${H + 2}px`;
  const pos = position(cols, W, H);
  buildWeights(root, cols, pos);      /* under the neurons: a neuron wins a tap */
  buildNeurons(root, cols, pos);
  buildWidthButtons(root, cols, pos, W);
  $('shape').textContent = cols.join('-');
  if (!view.columns[focusAt.c] || !view.columns[focusAt.c][focusAt.i]) focusAt = { c: 0, i: 0 };
  const item = view.columns[focusAt.c][focusAt.i];
  item.el.setAttribute('tabindex', '0');
  if (hadFocus) item.el.focus();
  describe(cols);
}

/* A text alternative for the picture. */
function describe(cols) {
  const L = cols.length - 1;
  $('net').setAttribute('aria-label',
    `The network, ${cols.join('-')}: ${cols[0]} inputs, ${L - 1} hidden layers, ${cols[L]} outputs. ` +
    'Arrow keys move between neurons (up and down) and along the weights (left and right); ' +
    'Enter explains the one focused.');
}

/* ------------------------------------------------------- the keyboard */

function moveTo(c, i) {
  const col = view.columns[c];
  if (!col || !col.length) return;
  i = Math.max(0, Math.min(col.length - 1, i));
  const old = view.columns[focusAt.c]?.[focusAt.i];
  if (old) old.el.setAttribute('tabindex', '-1');
  focusAt = { c, i };
  col[i].el.setAttribute('tabindex', '0');
  col[i].el.focus();
}

/* Left and right follow the edges: from a neuron to its first incoming
 * (left) or outgoing (right) weight, from a weight to the neuron at
 * either end. Up and down go through a column. */
function onKey(e) {
  const item = view.columns[focusAt.c]?.[focusAt.i];
  if (!item || e.target !== item.el) return;
  const s = item.sel, cols = shape();
  let c = focusAt.c, i = focusAt.i;
  switch (e.key) {
    case 'ArrowUp': i--; break;
    case 'ArrowDown': i++; break;
    case 'Home': i = 0; break;
    case 'End': i = view.columns[c].length - 1; break;
    case 'ArrowRight':
      c++;              /* a neuron: weight (l+1, 0, j); a weight: neuron j above */
      i = s.j;
      if (c >= view.columns.length) return;
      break;
    case 'ArrowLeft':
      if (s.kind === 'neuron') { if (s.l < 0) return; c--; i = s.j * cols[s.l]; }
      else { c--; i = s.k; }
      break;
    case 'Enter': case ' ':
      e.preventDefault();
      hooks.choose(s, { keyboard: true });
      return;
    default: return;
  }
  e.preventDefault();
  moveTo(c, i);
}

/* --------------------------------------------------------- painting */

const neuronImage = document.createElement('canvas');
neuronImage.width = neuronImage.height = NG;

function paintMap(g, x, y, value) {
  const ctx = neuronImage.getContext('2d'), img = ctx.createImageData(NG, NG);
  for (let i = 0; i < NG * NG; i++) {
    const c = colour(value(i));
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(neuronImage, x, y, SQ, SQ);
}

/* Repaint: weights (blue positive, orange negative, width by size; the
 * selected one magenta, on top) and each neuron's map, read from one
 * forward phase of the library over the small grid. */
export function drawNet() {
  const { C, M, P } = lib;
  const cols = shape(), [W, H] = size(cols);
  const key = `${cols}|${W}|${H}|${S.cfg.example}|${S.cfg.features}|${S.names.acts}`;
  if (key !== view.key) build(cols, W, H, key);
  const cv = $('netcanvas'), g = cv.getContext('2d');
  const dpr = cv.width / W;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  const params = M.HEAPF64, base = C.params(P) / 8;
  let maxw = 1e-9;
  for (let i = 0; i < C.n_params(P); i++) maxw = Math.max(maxw, Math.abs(params[base + i]));
  g.clearRect(0, 0, W, H);
  g.globalAlpha = 0.85;
  let selected = null;
  for (const v of view.lines) {
    if (same(v.sel, S.select)) { selected = v; continue; }
    const w = params[base + v.idx];
    g.strokeStyle = w >= 0 ? '#0877bd' : '#f59322';
    g.lineWidth = 0.5 + 4 * Math.abs(w) / maxw;
    g.beginPath(); g.moveTo(v.x1, v.y1); g.lineTo(v.x2, v.y2); g.stroke();
  }
  if (selected) {
    g.strokeStyle = '#c2185b';
    g.lineWidth = 2.5 + 4 * Math.abs(params[base + selected.idx]) / maxw;
    g.beginPath(); g.moveTo(selected.x1, selected.y1); g.lineTo(selected.x2, selected.y2); g.stroke();
  }
  g.globalAlpha = 1;
  paintNeurons(g);
}

function paintNeurons(g) {
  const { C, M, P } = lib;
  const ptr = C.neuron_maps(P, gridInputs(NG, S.cfg.features), NG * NG);
  const maps = ptr ? M.HEAPF64.subarray(ptr / 8) : null;
  const nIn = C.n_in(P), inputs = gridInputs(NG, S.cfg.features) / 8;
  let at = 0;
  for (const v of view.boxes) {
    const x = v.x - SQ / 2, y = v.y - SQ / 2;
    if (v.l < 0) {    /* an input: its own value over the plane */
      paintMap(g, x, y, (i) => 0.5 + 0.5 * M.HEAPF64[inputs + i * nIn + v.j]);
    } else if (maps) {
      const off = at;
      const shade = shadeOf(v.act);
      paintMap(g, x, y, (i) => shade(maps[off + i]));
      at += NG * NG;
    } else {
      g.fillStyle = '#fff';
      g.fillRect(x, y, SQ, SQ);
    }
    const sel = same(v.sel, S.select);
    g.lineWidth = sel ? 3 : 1;
    g.strokeStyle = sel ? '#c2185b' : '#333';
    g.strokeRect(x, y, SQ, SQ);
  }
}

/* Focus the network's current Tab stop (for tests and the "explain"
 * shortcut). */
export function focusNetwork() {
  view.columns[focusAt.c]?.[focusAt.i]?.el.focus();
}
