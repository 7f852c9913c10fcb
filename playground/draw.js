/* The output side of the page: the heat map of the network's output over
 * the plane with the points on it, its colour legend, the loss curve and
 * each layer's gradient norm over training.
 * Every value drawn comes from the library (pg_predict). */
import { lib, heapF64 } from './lib.js';
import { DOMAIN, featureRow } from './data.js';
import { S, $ } from './state.js';

export const GRID = 50;       /* heat-map cells per side */

/* A value in [0, 1] as a colour: 0 orange, 0.5 white, 1 blue. */
export function colour(v) {
  v = Math.min(1, Math.max(0, v));
  const o = [245, 147, 34], w = [232, 234, 235], b = [8, 119, 189];
  const [a, c, f] = v < 0.5 ? [o, w, v * 2] : [w, b, (v - 0.5) * 2];
  return a.map((x, i) => Math.round(x + (c[i] - x) * f));
}

/* A target or an output on the colour scale: classes and sigmoid or
 * softmax outputs are in [0, 1]; regression targets and identity outputs
 * in [-1, 1]. */
export function toUnit(v, regression) {
  return regression ? 0.5 + 0.5 * v : v;
}

/* The inputs of a g x g grid over the plane (row 0 at the top) through
 * the chosen features, in the module's heap: [g*g][features]. Kept while
 * the features stay the same. */
const grids = new Map();
export function gridInputs(g, features) {
  const key = `${g}|${features}`;
  if (!grids.has(key)) {
    const rows = [];
    for (let r = 0; r < g; r++)
      for (let c = 0; c < g; c++) {
        const x = (-1 + 2 * c / (g - 1)) * DOMAIN, y = (1 - 2 * r / (g - 1)) * DOMAIN;
        rows.push(...featureRow(features, x, y));
      }
    grids.set(key, heapF64(rows));     /* a few kB each; never freed */
  }
  return grids.get(key);
}

const cell = document.createElement('canvas');
cell.width = cell.height = GRID;

/* Data units ([-6, 6]) to the canvas's pixels. */
function toCanvas(cv) {
  return [(x) => (x / DOMAIN + 1) / 2 * cv.width, (y) => (1 - y / DOMAIN) / 2 * cv.height];
}

function drawPoint(g, sx, sy, p, regression, test) {
  const c = colour(toUnit(p[2], regression));
  g.beginPath();
  g.arc(sx(p[0]), sy(p[1]), 3.2, 0, 2 * Math.PI);
  g.fillStyle = `rgb(${c})`;
  g.fill();
  g.lineWidth = 1;
  g.strokeStyle = test ? '#000' : '#fff';
  g.stroke();
}

function ring(g, x, y, r, style, dash) {
  g.beginPath();
  g.setLineDash(dash || []);
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.lineWidth = 2.5;
  g.strokeStyle = style;
  g.stroke();
  g.setLineDash([]);
}

/* The heat map: output `cfg.output` of the network on a 50 x 50 grid,
 * discretized on request, the points (test points with a dark ring), the
 * sample being explained (a magenta ring) and the keyboard's cursor. */
export function drawHeatmap(regression) {
  const { C, M, P } = lib, cfg = S.cfg;
  const cv = $('heatmap'), g = cv.getContext('2d');
  const ptr = C.predict(P, gridInputs(GRID, cfg.features), GRID * GRID);
  if (ptr) {
    const no = C.layer_width(P, C.n_layers(P) - 1), o = Math.min(cfg.output, no - 1);
    const img = cell.getContext('2d').createImageData(GRID, GRID);
    const h = M.HEAPF64, base = ptr / 8;
    for (let i = 0; i < GRID * GRID; i++) {
      let v = toUnit(h[base + i * no + o], regression);
      if (cfg.discretize) v = v >= 0.5 ? 1 : 0;
      const c = colour(v);
      img.data.set([c[0], c[1], c[2], 255], i * 4);
    }
    cell.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingEnabled = !cfg.discretize;
    g.drawImage(cell, 0, 0, cv.width, cv.height);
  } else {
    g.fillStyle = '#eee';
    g.fillRect(0, 0, cv.width, cv.height);
  }
  const [sx, sy] = toCanvas(cv);
  if (cfg.example) {
    drawPoint(g, sx, sy, [...S.sample.at, S.sample.t[cfg.output] ?? S.sample.t[0]], false, false);
  } else {
    S.train.forEach((p) => drawPoint(g, sx, sy, p, regression, false));
    if (cfg.test) S.test.forEach((p) => drawPoint(g, sx, sy, p, regression, true));
  }
  if (S.sample) ring(g, sx(S.sample.at[0]), sy(S.sample.at[1]), 8, '#c2185b');
  const cur = cursorPoint();
  if (cur && cv.matches(':focus-visible')) ring(g, sx(cur.p[0]), sy(cur.p[1]), 11, '#111', [3, 3]);
}

/* The points the keyboard steps through: the training points, then the
 * test points when they are shown. */
export function cursorPoints() {
  if (S.cfg.example) return [];
  const list = S.train.map((p, i) => ({ p, set: 'train', idx: i }));
  if (S.cfg.test) list.push(...S.test.map((p, i) => ({ p, set: 'test', idx: i })));
  return list;
}
export function cursorPoint() {
  const list = cursorPoints();
  return S.cursor >= 0 && S.cursor < list.length ? list[S.cursor] : null;
}

/* The legend under the heat map: the colour scale with its end values
 * for this problem, and what the rings and lines mean. */
export function drawLegend(regression, outputName) {
  const [lo, mid, hi] = regression ? ['-1', '0', '1'] : ['0', '0.5', '1'];
  $('legend-lo').textContent = lo;
  $('legend-mid').textContent = mid;
  $('legend-hi').textContent = hi;
  $('legend-what').textContent = regression
    ? `colour: the target or ${outputName}'s value`
    : `colour: label 1 blue, label 0 orange; ${outputName}'s value between`;
}

/* The loss curve: train (grey) and test (black) loss at each recorded
 * step, scaled to the largest finite loss. */
export function drawLoss() {
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
      const y = cv.height - 2 - h[k] / max * (cv.height - 16);
      if (started) g.lineTo(x, y); else g.moveTo(x, y);
      started = true;
    }
    g.strokeStyle = style;
    g.lineWidth = 1.5;
    g.stroke();
  };
  line(1, '#777');
  line(2, '#111');
  g.fillStyle = '#444';
  g.font = '12px sans-serif';
  g.fillText(`loss (max ${shortNumber(max)}): train grey, test black`, 4, 12);
}

/* Each layer's gradient norm over training on a log scale, a line per
 * layer (dark blue at the input side to orange at the output, numbered
 * at the right as the summary numbers them): the mean |dE/dW| of the steps between two points of the
 * history (pg_grad_norms, as `backprop train --plot` draws them per
 * epoch). Lines that fall apart downwards are a vanishing gradient. */
export function drawGrads() {
  const cv = $('gradchart'), g = cv.getContext('2d');
  g.clearRect(0, 0, cv.width, cv.height);
  const hs = S.history.filter((h) => h[3]);
  if (hs.length < 2) return;
  const L = hs[0][3].length;
  let lo = Infinity, hi = -Infinity;
  for (const h of hs)
    for (const v of h[3]) if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi >= lo)) return;
  let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  if (b <= a) b = a + 1;
  const x0 = hs[0][0], x1 = Math.max(hs[hs.length - 1][0], x0 + 1), right = 16;
  const yOf = (v) => cv.height - 2 - (Math.log10(v) - a) / (b - a) * (cv.height - 18);
  const labels = [];
  for (let l = 0; l < L; l++) {
    const f = L > 1 ? l / (L - 1) : 0, dark = [8, 48, 107], warm = [217, 72, 1];
    const style = `rgb(${dark.map((c, i) => Math.round(c + (warm[i] - c) * f)).join(', ')})`;
    g.beginPath();
    let started = false, last = null;
    for (const h of hs) {
      const v = h[3][l];
      if (!(v > 0 && Number.isFinite(v))) continue;
      const x = (h[0] - x0) / (x1 - x0) * (cv.width - 4 - right) + 2, y = yOf(v);
      if (started) g.lineTo(x, y); else g.moveTo(x, y);
      started = true;
      last = [x, y];
    }
    g.strokeStyle = style;
    g.lineWidth = 1.5;
    g.stroke();
    if (last) labels.push({ text: String(l + 1), style, x: last[0] + 3, y: last[1] + 4 });
  }
  /* the numbers at the lines' ends, 10 px apart at least, inside */
  labels.sort((p, q) => p.y - q.y);
  labels.forEach((t, i) => { t.y = Math.max(t.y, 22, i ? labels[i - 1].y + 10 : 0); });
  const over = labels.length ? labels[labels.length - 1].y - (cv.height - 2) : 0;
  g.font = '11px sans-serif';
  for (const t of labels) {
    g.fillStyle = t.style;
    g.fillText(t.text, t.x, over > 0 ? Math.max(12, t.y - over) : t.y);
  }
  g.fillStyle = '#444';
  g.font = '12px sans-serif';
  g.fillText(`|dE/dW| per layer, log scale (1e${a} to 1e${b})`, 4, 12);
}

/* A loss for a box: four significant digits, exponent form for the very
 * small and the huge (1.520e+104, 3.510e-5), never a row of zeros. */
export function shortNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (v === 0) return '0';
  if (a < 1e-3 || a >= 1e5) return v.toExponential(3);
  return v.toPrecision(4);
}
