/* The playground page: data, drawing and controls in JavaScript; every
 * number of the network (training, predictions, explanations, the model
 * text) from the backprop C library compiled to WebAssembly (pg.c). */
'use strict';

const ACT = { identity: 0, sigmoid: 1, tanh: 2, relu: 3, leaky: 4 };
const LOSS_SSE = 0;
const GRID = 50;              /* heat-map resolution, cells per side */
const DOMAIN = 6;             /* the plane shown is [-6, 6]^2; inputs / 6 */

const $ = (id) => document.getElementById(id);

/* -------------------------------------------------------- seeded draws */

/* mulberry32: a small seeded generator, so "New points" is repeatable. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r) {
  const u = 1 - r(), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/* Points [x, y, label] in [-6, 6]^2, like TensorFlow Playground's. */
const DATASETS = {
  xor(n, noise, r) {
    const pts = [];
    for (let i = 0; i < n; i++) {
      const pad = 0.3;
      let x = (r() * 10 - 5), y = (r() * 10 - 5);
      x += x > 0 ? pad : -pad;
      y += y > 0 ? pad : -pad;
      const nx = x + (r() * 10 - 5) * noise, ny = y + (r() * 10 - 5) * noise;
      pts.push([nx, ny, x * y >= 0 ? 1 : 0]);
    }
    return pts;
  },
  circle(n, noise, r) {
    const pts = [];
    for (let i = 0; i < n; i++) {
      const inner = i < n / 2;
      const rad = inner ? r() * 2.5 : 3.5 + r() * 1.5;
      const ang = r() * 2 * Math.PI;
      const x = rad * Math.sin(ang), y = rad * Math.cos(ang);
      pts.push([x + (r() * 10 - 5) * noise, y + (r() * 10 - 5) * noise,
                inner ? 1 : 0]);
    }
    return pts;
  },
  spiral(n, noise, r) {
    const pts = [], half = n / 2;
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < half; i++) {
        const rad = (i / half) * 5, t = 1.75 * (i / half) * 2 * Math.PI + c * Math.PI;
        pts.push([rad * Math.sin(t) + (r() * 2 - 1) * noise * 5,
                  rad * Math.cos(t) + (r() * 2 - 1) * noise * 5, c ? 0 : 1]);
      }
    return pts;
  },
  gauss(n, noise, r) {
    const pts = [], sd = 0.5 + noise * 4;
    for (let i = 0; i < n; i++) {
      const c = i < n / 2 ? 1 : 0, m = c ? 2 : -2;
      pts.push([m + normal(r) * sd, m + normal(r) * sd, c]);
    }
    return pts;
  },
};

/* ------------------------------------------------------ the C library */

let M = null;   /* the WebAssembly module */
let P = 0;      /* the pg object (a pointer into its heap) */
const C = {};   /* the pg_* functions */

function bindC() {
  const f = (name, ret, args) => { C[name] = M.cwrap('pg_' + name, ret, args); };
  f('new', 'number', []);
  f('error', 'string', ['number']);
  f('alloc', 'number', ['number']);
  f('free_buf', null, ['number']);
  f('build', 'number', ['number', 'number', 'number', 'number', 'number',
                        'number', 'number', 'number', 'number']);
  f('load_model', 'number', ['number', 'string', 'number']);
  f('set_training', 'number', ['number', 'number', 'number', 'number']);
  f('set_data', 'number', ['number', 'number', 'number', 'number', 'number',
                           'number', 'number']);
  f('train', 'number', ['number', 'number', 'number']);
  f('steps', 'number', ['number']);
  f('epochs', 'number', ['number']);
  f('evaluate', 'number', ['number', 'number', 'number']);
  f('grid', 'number', ['number', 'number', 'number', 'number', 'number', 'number']);
  f('n_layers', 'number', ['number']);
  f('n_in', 'number', ['number']);
  f('layer_width', 'number', ['number', 'number']);
  f('layer_act', 'number', ['number', 'number']);
  f('params', 'number', ['number']);
  f('n_params', 'number', ['number']);
  f('loss_kind', 'number', ['number']);
  f('neuron_grid', 'number', ['number']);
  f('explain', 'number', ['number', 'number', 'number', 'number', 'number', 'number']);
  f('export_text', 'number', ['number']);
}

/* Copy numbers into a fresh block of the heap; the caller frees it. */
function heapF64(values) {
  const ptr = C.alloc(8 * Math.max(values.length, 1));
  M.HEAPF64.set(values, ptr / 8);
  return ptr;
}
function heapI32(values) {
  const ptr = C.alloc(4 * Math.max(values.length, 1));
  M.HEAP32.set(values, ptr / 4);
  return ptr;
}

function check(status, what) {
  if (status !== 0) throw new Error(`${what}: ${C.error(P)}`);
}

/* ---------------------------------------------------------- the state */

const S = {
  dataset: 'xor',
  points: [],          /* [x, y, label] */
  train: [], test: [],
  hidden: [8, 8],      /* widths of the hidden layers */
  running: false,
  example: false,      /* the seeds' 2-2-2 example is loaded */
  sample: null,        /* {x: [..], t: [..], idx, set} explained */
  select: null,        /* {kind: 'neuron'|'weight'|'bias', l, j, k} */
  history: [],         /* [step, train loss, test loss] */
  seed: 1,
  stats: { frames: 0, steps: 0, work: [] },
};
window.pgStats = S.stats;  /* read by the browser tests and bench */

function selectValue(id) { return Number($(id).value); }

function hiddenAct() { return selectValue('act'); }

/* Inputs scaled to about [-1, 1]. */
function toArrays(pts) {
  const x = [], t = [];
  for (const p of pts) { x.push(p[0] / DOMAIN, p[1] / DOMAIN); t.push(p[2]); }
  return { x, t };
}

function makeData() {
  const r = rng(S.seed * 7919 + 13);
  const n = selectValue('npts'), noise = selectValue('noise') / 100;
  const pts = DATASETS[S.dataset](n, noise, r);
  for (let i = pts.length - 1; i > 0; i--) {     /* shuffle, then split */
    const j = Math.floor(r() * (i + 1));
    [pts[i], pts[j]] = [pts[j], pts[i]];
  }
  const nTrain = Math.max(1, Math.round(pts.length * selectValue('split') / 100));
  S.points = pts;
  S.train = pts.slice(0, nTrain);
  S.test = pts.slice(nTrain);
}

function sendData() {
  const a = toArrays(S.train), b = toArrays(S.test);
  const px = heapF64(a.x), pt = heapF64(a.t), qx = heapF64(b.x), qt = heapF64(b.t);
  const st = C.set_data(P, px, pt, S.train.length, qx, qt, S.test.length);
  [px, pt, qx, qt].forEach(C.free_buf);
  check(st, 'data');
}

function sendTraining() {
  check(C.set_training(P, selectValue('batch'), selectValue('order'),
                       selectValue('lr')), 'training settings');
}

/* A new network of the chosen shape on the current data. */
function build() {
  S.example = false;
  const widths = [...S.hidden, 1];
  const acts = [...S.hidden.map(hiddenAct), ACT.sigmoid];
  const pw = heapI32(widths), pa = heapI32(acts);
  const st = C.build(P, 2, widths.length, pw, pa, selectValue('loss'),
                     selectValue('optim'), selectValue('lr'), S.seed);
  C.free_buf(pw); C.free_buf(pa);
  check(st, 'network');
  sendTraining();
  sendData();
  S.history = [];
  S.select = null;
  if (!S.sample || S.sample.set !== 'train' || S.sample.idx >= S.train.length)
    pickSample('train', 0);
  else
    pickSample('train', S.sample.idx);
  record();
  redraw();
}

/* The seeds' 2-2-2 network (examples/mazur.model), trained on its one
 * sample with learning rate 0.5 (seeds 003/004). */
const MAZUR = `backprop-model 1
input 2
layer 2 sigmoid
layer 2 sigmoid
loss sse sum
freeze 0 biases
freeze 1 biases
weights 0
  0.15 0.20
  0.25 0.30
biases 0
  0.35 0.35
weights 1
  0.40 0.45
  0.50 0.55
biases 1
  0.60 0.60
end
`;
const MAZUR_X = [0.05, 0.10], MAZUR_T = [0.01, 0.99];

function loadMazur() {
  S.running = false;
  check(C.load_model(P, MAZUR, MAZUR.length), 'the 2-2-2 example');
  S.example = true;
  $('lr').value = '0.5';
  $('batch').value = '1';
  sendTraining();
  const px = heapF64(MAZUR_X), pt = heapF64(MAZUR_T);
  const st = C.set_data(P, px, pt, 1, px, pt, 1);
  C.free_buf(px); C.free_buf(pt);
  check(st, 'data');
  S.history = [];
  S.sample = { x: MAZUR_X, t: MAZUR_T, idx: 0, set: 'example' };
  S.select = { kind: 'weight', l: 1, j: 0, k: 0 };   /* w5 */
  record();
  redraw();
}

/* --------------------------------------------------------- training */

function trainSteps(n) {
  const out = C.alloc(8);
  const st = C.train(P, n, out);
  C.free_buf(out);
  check(st, 'training');
}

function evaluate(which) {
  const out = C.alloc(16);
  check(C.evaluate(P, which, out), 'evaluate');
  const r = [M.HEAPF64[out / 8], M.HEAPF64[out / 8 + 1]];
  C.free_buf(out);
  return r;
}

function record() {
  const tr = evaluate(0), te = S.test.length && !S.example ? evaluate(1) : [NaN, NaN];
  S.history.push([C.steps(P), tr[0], te[0]]);
  if (S.history.length > 2000)          /* keep every other point */
    S.history = S.history.filter((_, i) => i % 2 === 0);
  $('train-loss').textContent = fmt(tr[0]);
  $('test-loss').textContent = fmt(te[0]);
  $('test-acc').textContent = Number.isFinite(te[1]) ? (te[1] * 100).toFixed(1) + '%' : '-';
  $('steps').textContent = C.steps(P);
  $('epochs').textContent = C.epochs(P);
}

function fmt(v) { return Number.isFinite(v) ? v.toFixed(4) : '-'; }

/* One animation frame: some training steps, then one redraw. */
function frame() {
  if (S.running) {
    const t0 = performance.now();
    const spf = selectValue('spf');
    try {
      trainSteps(spf);
    } catch (e) {
      S.running = false;
      status(e.message);
    }
    record();
    redraw();
    S.stats.frames++;
    S.stats.steps += spf;
    S.stats.work.push(performance.now() - t0);
    if (S.stats.work.length > 600) S.stats.work.shift();
  }
  $('run').textContent = S.running ? 'Pause' : 'Run';
  requestAnimationFrame(frame);
}

/* ---------------------------------------------------------- drawing */

function colour(v) {             /* 0 -> orange, 0.5 -> white, 1 -> blue */
  v = Math.min(1, Math.max(0, v));
  const o = [245, 147, 34], w = [232, 234, 235], b = [8, 119, 189];
  const [a, c, f] = v < 0.5 ? [o, w, v * 2] : [w, b, (v - 0.5) * 2];
  return a.map((x, i) => Math.round(x + (c[i] - x) * f));
}

const grid = document.createElement('canvas');
grid.width = grid.height = GRID;

function drawHeatmap() {
  const cv = $('heatmap'), g = cv.getContext('2d');
  const ptr = C.grid(P, GRID, -1, 1, -1, 1);
  if (ptr) {
    const no = C.layer_width(P, C.n_layers(P) - 1);
    const img = grid.getContext('2d').createImageData(GRID, GRID);
    const h = M.HEAPF64, base = ptr / 8;
    for (let i = 0; i < GRID * GRID; i++) {
      const c = colour(h[base + i * no]);
      img.data.set([c[0], c[1], c[2], 255], i * 4);
    }
    grid.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingEnabled = true;
    g.drawImage(grid, 0, 0, cv.width, cv.height);
  }
  const sx = (x) => (x / DOMAIN + 1) / 2 * cv.width;
  const sy = (y) => (1 - y / DOMAIN) / 2 * cv.height;
  const dot = (p, test) => {
    const c = colour(p[2]);
    g.beginPath();
    g.arc(sx(p[0]), sy(p[1]), 3.2, 0, 2 * Math.PI);
    g.fillStyle = `rgb(${c})`;
    g.fill();
    g.lineWidth = 1;
    g.strokeStyle = test ? '#000' : '#fff';
    g.stroke();
  };
  if (S.example) {
    const p = [MAZUR_X[0] * DOMAIN, MAZUR_X[1] * DOMAIN, MAZUR_T[0]];
    dot(p, false);
  } else {
    S.train.forEach((p) => dot(p, false));
    S.test.forEach((p) => dot(p, true));
  }
  if (S.sample) {
    g.beginPath();
    g.arc(sx(S.sample.x[0] * DOMAIN), sy(S.sample.x[1] * DOMAIN), 8, 0, 2 * Math.PI);
    g.lineWidth = 2.5;
    g.strokeStyle = '#c2185b';
    g.stroke();
  }
}

function drawLoss() {
  const cv = $('losschart'), g = cv.getContext('2d');
  g.clearRect(0, 0, cv.width, cv.height);
  const hs = S.history;
  if (hs.length < 2) return;
  let max = 0;
  for (const h of hs) for (const v of [h[1], h[2]]) if (Number.isFinite(v)) max = Math.max(max, v);
  if (!(max > 0)) return;
  const x0 = hs[0][0], x1 = Math.max(hs[hs.length - 1][0], x0 + 1);
  const line = (k, style) => {
    g.beginPath();
    let started = false;
    for (const h of hs) {
      if (!Number.isFinite(h[k])) continue;
      const x = (h[0] - x0) / (x1 - x0) * (cv.width - 4) + 2;
      const y = cv.height - 2 - h[k] / max * (cv.height - 14);
      if (started) g.lineTo(x, y); else g.moveTo(x, y);
      started = true;
    }
    g.strokeStyle = style;
    g.lineWidth = 1.5;
    g.stroke();
  };
  line(1, '#777');
  line(2, '#111');
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.fillText(`loss (max ${max.toPrecision(3)}): train grey, test black`, 4, 11);
}

/* Neuron names as backprop explain prints them (src/explain/explain.c). */
function neuronName(l, j) {
  const L = C.n_layers(P);
  if (l < 0) return `i${j + 1}`;
  if (l === L - 1) return `o${j + 1}`;
  if (L === 2) return `h${j + 1}`;
  return `h${l + 1}.${j + 1}`;
}

function weightNumber(l, j, k) {
  let n = 0;
  for (let i = 0; i < l; i++) n += layerIn(i) * C.layer_width(P, i);
  return n + j * layerIn(l) + k + 1;
}

function layerIn(l) { return l === 0 ? C.n_in(P) : C.layer_width(P, l - 1); }

/* The weight (l, j, k) and bias (l, j) in the parameter block. */
function paramIndex(l, j, k) {
  let off = 0;
  for (let i = 0; i < l; i++) off += (layerIn(i) + 1) * C.layer_width(P, i);
  return k < 0 ? off + layerIn(l) * C.layer_width(P, l) + j : off + j * layerIn(l) + k;
}

const SVGNS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

/* The network. Its picture is a canvas, repainted each frame; over it an
 * SVG layer, rebuilt only when the shape or the selection changes, holds
 * the labels and invisible targets for the pointer. (Recolouring ~100 SVG
 * lines a frame cost the browser more than all the training: 60 -> 40
 * frames a second in bench/playground.mjs.) */
let netView = { key: '', lines: [], circles: [] };

function drawNet() {
  const root = $('net'), cv = $('netcanvas'), g = cv.getContext('2d');
  const L = C.n_layers(P), W = cv.width, H = cv.height;
  const cols = [C.n_in(P)];
  for (let l = 0; l < L; l++) cols.push(C.layer_width(P, l));
  const key = `${cols}|${S.example}|${JSON.stringify(S.select)}`;
  if (key !== netView.key) buildNet(root, cols, W, H, key);
  const params = M.HEAPF64, base = C.params(P) / 8;
  let maxw = 1e-9;
  for (let i = 0; i < C.n_params(P); i++) maxw = Math.max(maxw, Math.abs(params[base + i]));
  g.clearRect(0, 0, W, H);
  g.globalAlpha = 0.85;
  let selected = null;
  for (const v of netView.lines) {
    if (v.sel) { selected = v; continue; }
    const w = params[base + v.idx];
    g.strokeStyle = w >= 0 ? '#0877bd' : '#f59322';
    g.lineWidth = 0.5 + 4 * Math.abs(w) / maxw;
    g.beginPath(); g.moveTo(v.x1, v.y1); g.lineTo(v.x2, v.y2); g.stroke();
  }
  if (selected) {                 /* on top of the rest */
    g.strokeStyle = '#c2185b';
    g.lineWidth = 2.5 + 4 * Math.abs(params[base + selected.idx]) / maxw;
    g.beginPath(); g.moveTo(selected.x1, selected.y1); g.lineTo(selected.x2, selected.y2); g.stroke();
  }
  g.globalAlpha = 1;
  /* each neuron as what it computes over the plane (a 16 x 16 map from
   * one forward phase of the library), the inputs as x1 and x2 */
  const ptr = C.neuron_grid(P), NG = 16;
  const maps = ptr ? M.HEAPF64.subarray(ptr / 8) : null;
  let at = 0;
  for (const v of netView.circles) {
    const x = v.x - 11, y = v.y - 11;
    if (maps) {
      const img = neuronImage.getContext('2d').createImageData(NG, NG);
      for (let i = 0; i < NG * NG; i++) {
        let val;
        if (v.l < 0) { /* an input: its own value, x1 left to right, x2 up */
          const r = Math.floor(i / NG), c = i % NG;
          val = 0.5 + 0.5 * (v.j === 0 ? -1 + 2 * c / (NG - 1) : 1 - 2 * r / (NG - 1));
        } else {
          val = shade(v.act, maps[at + i]);
        }
        const col = colour(val);
        img.data.set([col[0], col[1], col[2], 255], i * 4);
      }
      if (v.l >= 0) at += NG * NG;
      neuronImage.getContext('2d').putImageData(img, 0, 0);
      g.imageSmoothingEnabled = true;
      g.drawImage(neuronImage, x, y, 22, 22);
    } else {
      g.fillStyle = '#fff';
      g.fillRect(x, y, 22, 22);
    }
    g.lineWidth = v.sel ? 3 : 1;
    g.strokeStyle = v.sel ? '#c2185b' : '#333';
    g.strokeRect(x, y, 22, 22);
  }
}

const neuronImage = document.createElement('canvas');
neuronImage.width = neuronImage.height = 16;

/* A neuron's output as a shade: sigmoid and softmax outputs are already
 * in [0, 1], tanh in [-1, 1]; unbounded ones are squashed. */
function shade(act, v) {
  if (act === ACT.sigmoid || act === 6) return v;
  if (act === ACT.tanh) return 0.5 + 0.5 * v;
  return 0.5 + 0.5 * Math.tanh(v);
}

function buildNet(root, cols, W, H, key) {
  while (root.firstChild) root.removeChild(root.firstChild);
  netView = { key, lines: [], circles: [] };
  const L = cols.length - 1;
  const pos = (c, j) => {
    const x = 30 + c * (W - 60) / (cols.length - 1);
    const n = cols[c], gap = Math.min(36, (H - 40) / Math.max(n, 1));
    return [x, H / 2 + (j - (n - 1) / 2) * gap];
  };
  /* a tooltip with the current value, made when the pointer arrives */
  const tip = (e, text) => {
    const t = svg('title', {}, e);
    e.addEventListener('mouseenter', () => { t.textContent = text(); });
  };
  const value = (i) => M.HEAPF64[C.params(P) / 8 + i].toPrecision(6);
  for (let l = 0; l < L; l++)
    for (let j = 0; j < cols[l + 1]; j++)
      for (let k = 0; k < cols[l]; k++) {
        const [x1, y1] = pos(l, k), [x2, y2] = pos(l + 1, j);
        const sel = !!S.select && S.select.kind === 'weight' && S.select.l === l &&
                    S.select.j === j && S.select.k === k;
        const e = svg('line', { x1, y1, x2, y2, class: 'weight',
                                'data-l': l, 'data-j': j, 'data-k': k }, root);
        const idx = paramIndex(l, j, k);
        tip(e, () => `w${weightNumber(l, j, k)} = ${value(idx)}`);
        e.addEventListener('click', () => choose({ kind: 'weight', l, j, k }));
        netView.lines.push({ x1, y1, x2, y2, idx, sel });
      }
  for (let c = 0; c < cols.length; c++)
    for (let j = 0; j < cols[c]; j++) {
      const [x, y] = pos(c, j), l = c - 1;
      const sel = !!S.select && S.select.kind === 'neuron' && S.select.l === l && S.select.j === j;
      const e = svg('circle', { cx: x, cy: y, r: 11, class: 'neuron', 'data-l': l, 'data-j': j }, root);
      const name = neuronName(l, j), bidx = l >= 0 ? paramIndex(l, j, -1) : -1;
      tip(e, () => (bidx >= 0 ? `${name}: bias ${value(bidx)}` : name));
      e.addEventListener('click', () => choose({ kind: 'neuron', l, j }));
      netView.circles.push({ x, y, bidx, sel, l, j, act: l >= 0 ? C.layer_act(P, l) : -1 });
      const t = svg('text', { x, y: y + 4, 'text-anchor': 'middle', class: 'label' }, root);
      t.textContent = name;
    }
  if (!S.example)                 /* + and - above each hidden layer */
    for (let l = 0; l < L - 1; l++) {
      const [x] = pos(l + 1, 0);
      for (const [dx, label, d] of [[-12, '+', 1], [12, '\u2212', -1]]) {
        const b = svg('text', { x: x + dx, y: 14, 'text-anchor': 'middle',
                                class: 'widthbtn', 'data-l': l, 'data-d': d }, root);
        b.textContent = label;
        b.addEventListener('click', () => {
          S.hidden[l] = Math.min(8, Math.max(1, S.hidden[l] + d));
          build();
        });
      }
    }
  $('shape').textContent = cols.join('-');
}

/* Everything but the explain text, which is long: while running it is
 * refreshed every 15th frame. */
function redraw() {
  drawHeatmap();
  drawLoss();
  drawNet();
  if (!S.running || S.stats.frames % 15 === 0) explain();
}

/* ---------------------------------------------------------- explain */

function pickSample(set, idx) {
  const p = (set === 'train' ? S.train : S.test)[idx];
  S.sample = { x: [p[0] / DOMAIN, p[1] / DOMAIN], t: [p[2]], idx, set };
}

function choose(sel) {
  S.select = sel;
  redraw();
}

/* A name in the explain text (out_h1.2, b_h1.2, dE/dw12): it starts
 * after a non-alphanumeric (an underscore is fine) or the d of dE/dw, and
 * ends at a non-digit, so h1 matches neither h12 nor h1.2, and w1 not w12. */
function nameRe(name) {
  return new RegExp('(^|[^A-Za-z0-9.]|/d)' + name.replace('.', '\\.') + '(?![0-9]|\\.[0-9])');
}

function explainLines(text) {
  const sel = S.select;
  if (!sel) return '';
  const lines = text.split('\n');
  let keep;
  if (sel.kind === 'neuron') {
    const re = nameRe(neuronName(sel.l, sel.j));
    keep = sel.l < 0
      ? (s) => re.test(s) && !/^\s*(input|network)/.test(s)
      : (s) => re.test(s.replace(/=.*$/, '')) || /^\s*E_total/.test(s);
  } else {
    const target = neuronName(sel.l, sel.j).replace('.', '\\.');
    const reW = nameRe(`w${weightNumber(sel.l, sel.j, sel.k)}`);
    const reD = new RegExp(`^\\s*delta_${target} =`);
    keep = (s) => reW.test(s) || reD.test(s);
  }
  /* a row of the side-by-side table comes with the table's heading */
  const res = [];
  let heading = null;
  for (const s of lines) {
    if (/standard order\s+seeds' order/.test(s)) heading = s;
    else if (!/\S/.test(s)) heading = null;
    if (!keep(s)) continue;
    if (heading && heading !== s) { res.push(heading); heading = null; }
    res.push(s);
  }
  return res.map((s) => s.replace(/^ {4}/, '')).join('\n');
}

function explain() {
  if (!S.sample) return;
  const px = heapF64(S.sample.x), pt = heapF64(S.sample.t);
  const ptr = C.explain(P, px, pt, selectValue('lr'), selectValue('explain-order'),
                        $('check').checked ? 1 : 0);
  C.free_buf(px); C.free_buf(pt);
  const text = ptr ? M.UTF8ToString(ptr) : `explain: ${C.error(P)}`;
  $('explain-text').textContent = text;
  const sel = S.select;
  let what = S.example ? 'the seeds\' 2-2-2 example, sample (0.05, 0.10)'
    : `${S.sample.set} sample ${S.sample.idx + 1} at (${S.sample.x.map((v) => (v * DOMAIN).toFixed(2))}), label ${S.sample.t[0]}`;
  if (sel)
    what += sel.kind === 'weight' ? `; weight w${weightNumber(sel.l, sel.j, sel.k)} (${neuronName(sel.l - 1, sel.k)} \u2192 ${neuronName(sel.l, sel.j)})`
                                  : `; neuron ${neuronName(sel.l, sel.j)}`;
  $('explain-what').textContent = what;
  $('explain-focus').textContent = sel ? explainLines(text)
    : 'Select a neuron or a weight in the network to see its numbers here.';
  if (S.example) $('explain-all').open = true;
}

/* ---------------------------------------------------------- controls */

function status(msg) { $('status').textContent = msg; }

function clickHeatmap(ev) {
  if (S.example) return;
  const cv = $('heatmap'), r = cv.getBoundingClientRect();
  const x = ((ev.clientX - r.left) / r.width * 2 - 1) * DOMAIN;
  const y = (1 - (ev.clientY - r.top) / r.height * 2) * DOMAIN;
  let best = null, bd = Infinity;
  for (const [set, pts] of [['train', S.train], ['test', S.test]])
    pts.forEach((p, i) => {
      const d = (p[0] - x) ** 2 + (p[1] - y) ** 2;
      if (d < bd) { bd = d; best = [set, i]; }
    });
  if (best) { pickSample(best[0], best[1]); redraw(); }
}

function exportModel() {
  const ptr = C.export_text(P);
  if (!ptr) { status(C.error(P)); return; }
  const text = M.UTF8ToString(ptr);
  const ta = $('model-text');
  ta.value = text;
  ta.hidden = false;
  const a = $('download');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.hidden = false;
  status('The model in the text form: backprop info / predict / explain --model read it.');
}

function wire() {
  $('run').onclick = () => { S.running = !S.running; };
  $('step').onclick = () => {
    S.running = false;
    try { trainSteps(1); } catch (e) { status(e.message); }
    record(); redraw();
  };
  $('reset').onclick = () => { S.seed++; if (S.example) loadMazur(); else build(); };
  $('regen').onclick = () => { S.seed++; makeData(); build(); };
  for (const b of document.querySelectorAll('#datasets button'))
    b.onclick = () => {
      S.dataset = b.dataset.set;
      document.querySelectorAll('#datasets button').forEach((x) => x.classList.toggle('selected', x === b));
      makeData(); build();
    };
  for (const id of ['npts', 'noise', 'split'])
    $(id).oninput = () => {
      $('noise-v').textContent = $('noise').value;
      $('split-v').textContent = $('split').value + '%';
      makeData(); build();
    };
  for (const id of ['act', 'loss', 'optim']) $(id).onchange = build;
  for (const id of ['lr', 'batch', 'order'])
    $(id).onchange = () => { try { sendTraining(); } catch (e) { status(e.message); } explain(); };
  for (const id of ['check', 'explain-order']) $(id).onchange = explain;
  $('add-layer').onclick = () => { if (S.hidden.length < 6) { S.hidden.push(4); build(); } };
  $('del-layer').onclick = () => { if (S.hidden.length > 0) { S.hidden.pop(); build(); } };
  $('heatmap').addEventListener('click', clickHeatmap);
  $('mazur').onclick = loadMazur;
  $('export').onclick = exportModel;
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
    if (e.key === '+' && S.hidden.length) { S.hidden[S.hidden.length - 1] = Math.min(8, S.hidden[S.hidden.length - 1] + 1); build(); }
    if (e.key === '-' && S.hidden.length) { S.hidden[S.hidden.length - 1] = Math.max(1, S.hidden[S.hidden.length - 1] - 1); build(); }
  });
}

/* The page's API for tests and for the console. */
window.playground = {
  setHidden(widths) { S.hidden = widths.slice(); build(); },
  train(n) { trainSteps(n); record(); redraw(); },
  trainOnly(n) { trainSteps(n); },          /* for bench/playground.mjs */
  redrawOnly() { record(); drawHeatmap(); drawLoss(); drawNet(); },
  explainOnly() { explain(); },
  losses() { return { train: evaluate(0)[0], test: evaluate(1)[0] }; },
  state: S,
};

createBackprop().then((mod) => {
  M = mod;
  bindC();
  P = C.new();
  wire();
  makeData();
  build();
  status(`ready: the backprop C library in WebAssembly (double precision)`);
  document.body.dataset.ready = '1';
  requestAnimationFrame(frame);
}).catch((e) => status(`could not start: ${e.message || e}`));
