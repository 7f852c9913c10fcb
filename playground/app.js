/* The playground page: the network, its data and its training. Every
 * number of the network (training, predictions, explanations, the model
 * text) comes from the backprop C library compiled to WebAssembly
 * (pg.c); this file holds what happens when, and the other modules draw
 * (draw.js, network.js), explain (explain.js), name (menus.js) and
 * remember (settings.js, in the URL). */
import { lib, loadLibrary, heapF64, heapI32, check, LibError, STATUS } from './lib.js';
import { DOMAIN, featureRow, featureRows, makePoints } from './data.js';
import { DEFAULTS, copySettings, fromHash, toHash, problemOf } from './settings.js';
import { readNames, outputFor, lossAllowed } from './menus.js';
import { S, $ } from './state.js';
import { drawHeatmap, drawLoss, drawGrads, drawLegend, shortNumber, cursorPoints, cursorPoint } from './draw.js';
import { drawNet, initNetwork, neuronName, selectionName, paramValue, layerIn } from './network.js';
import { explain, layerStats } from './explain.js';
import { showSettings, wireControls } from './controls.js';

const regression = () => problemOf(S.cfg) === 'regression' && !S.cfg.example;

/* ------------------------------------------------------------ the data */

/* What the network sees of a point, and what it should answer. */
const inputsOf = (p) => featureRow(S.cfg.features, p[0], p[1]);
function targetsOf(p) {
  if (outputFor(S.cfg.loss, problemOf(S.cfg)).n === 2) return [p[2], 1 - p[2]];   /* o1: label 1 */
  return [p[2]];
}

function makeData() {
  const c = S.cfg;
  Object.assign(S, makePoints(c.data, c.points, c.noise / 100, c.split, c.dataseed));
  S.cursor = -1;
}

function sendData() {
  const { C, P } = lib;
  const t = (pts) => pts.flatMap(targetsOf);
  const px = heapF64(featureRows(S.cfg.features, S.train)), pt = heapF64(t(S.train));
  const qx = heapF64(featureRows(S.cfg.features, S.test)), qt = heapF64(t(S.test));
  const st = C.set_data(P, px, pt, S.train.length, qx, qt, S.test.length);
  [px, pt, qx, qt].forEach(C.free_buf);
  check(st, 'data');
}

/* ----------------------------------------------------- the network */

const order = () => (S.cfg.order === 'layerwise' ? 1 : 0);

function sendTraining() {
  check(lib.C.set_training(lib.P, S.cfg.batch, order(), S.cfg.lr), 'training settings');
}

/* L1 and L2 regularization: the one place the page hands them to the
 * library (the optimizer's penalty l1 sum|w| + l2/2 sum w^2 on the
 * weights, changed without touching the optimizer's state). */
function sendRegularization() {
  const c = S.cfg;
  const rate = c.reg === 'none' ? 0 : c.rate;
  check(lib.C.set_regularization(lib.P, c.reg === 'l1' ? rate : 0, c.reg === 'l2' ? rate : 0), 'regularization');
}

function enumIndex(list, name) {
  const i = list.indexOf(name);
  if (i < 0) throw new Error(`the library has no '${name}'`);
  return i;
}

/* A new network of the chosen shape on the current data; clears the
 * history and any divergence. */
function build() {
  const { C, P } = lib, c = S.cfg, n = S.names;
  c.example = '';
  const out = outputFor(c.loss, problemOf(c));
  const widths = [...c.layers, out.n];
  const acts = [...c.layers.map(() => enumIndex(n.acts, c.act)), enumIndex(n.acts, out.act)];
  const pw = heapI32(widths), pa = heapI32(acts);
  const st = C.build(P, c.features.length, widths.length, pw, pa, enumIndex(n.losses, c.loss),
                     enumIndex(n.optims, c.optim), c.lr, c.seed);
  C.free_buf(pw); C.free_buf(pa);
  check(st, 'network');
  sendTraining();
  sendData();
  sendRegularization();
  fresh();
  const keep = S.sample && S.sample.set !== 'example' &&
               S.sample.idx < (S.sample.set === 'train' ? S.train : S.test).length;
  pickSample(keep ? S.sample.set : 'train', keep ? S.sample.idx : 0);
  if (!validSelection(S.select)) S.select = null;
  afterChange();
}

/* A new network or new weights: no history, no divergence. */
function fresh() {
  S.history = [];
  S.diverged = null;
  S.job = null;
  showBanner(null);
}

function validSelection(sel) {
  const { C, P } = lib;
  if (!sel) return false;
  const L = C.n_layers(P);
  const width = (l) => (l < 0 ? C.n_in(P) : C.layer_width(P, l));
  if (sel.l < -1 || sel.l >= L || sel.j >= width(sel.l)) return false;
  return sel.kind !== 'weight' || (sel.l >= 0 && sel.k < width(sel.l - 1));
}

/* Matt Mazur's worked example (2015): the 2-2-2 network of his post "A
 * Step by Step Backpropagation Example" (examples/mazur.model), trained
 * on its one sample with learning rate 0.5 and frozen biases. */
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

/* Load it. From the button the controls take its settings (sigmoid,
 * squared error, plain gradient descent, rate 0.5, batch 1); from a URL
 * its rate, batch, order and output are the URL's. */
function loadExample(fromButton) {
  const { C, P } = lib, c = S.cfg;
  S.running = false;
  check(C.load_model(P, MAZUR, MAZUR.length), 'Matt Mazur\'s example');
  if (fromButton && !c.example) S.beforeExample = copySettings(c);
  Object.assign(c, { example: 'mazur', act: 'sigmoid', loss: 'sse', optim: 'sgd',
                     layers: [2], features: ['x1', 'x2'] });
  if (fromButton) Object.assign(c, { lr: 0.5, batch: 1, output: 0, reg: 'none', rate: 0 });
  sendTraining();
  sendRegularization();
  const px = heapF64(MAZUR_X), pt = heapF64(MAZUR_T);
  const st = C.set_data(P, px, pt, 1, px, pt, 1);
  C.free_buf(px); C.free_buf(pt);
  check(st, 'data');
  fresh();
  S.sample = { x: MAZUR_X, t: MAZUR_T, label: MAZUR_T[0], idx: 0, set: 'example',
               at: MAZUR_X.map((v) => v * DOMAIN) };
  S.select = { kind: 'weight', l: 1, j: 0, k: 0 };   /* w5 */
  afterChange();
}

/* After a new network: the controls and the URL show its settings, and
 * everything is drawn and explained afresh. */
function afterChange() {
  showSettings();
  saveUrl();
  record();
  redraw(true);
}

/* ------------------------------------------------------------ training */

/* n training steps; false if training failed (the banner says why). */
function trainSteps(n) {
  const { C, P } = lib;
  const out = C.alloc(8);
  const st = C.train(P, n, out);
  C.free_buf(out);
  if (st === 0) return true;
  diverged(new LibError(st, C.error(P)));
  return false;
}

function evaluate(which) {
  const { C, M, P } = lib;
  const out = C.alloc(16);
  check(C.evaluate(P, which, out), 'evaluate');
  const r = [M.HEAPF64[out / 8], M.HEAPF64[out / 8 + 1]];
  C.free_buf(out);
  return r;
}

/* Training has stopped on an error: NaN or Inf (divergence), or another
 * failure. The banner says which and what to do; the losses are marked
 * invalid until the next Reset or new network. */
function diverged(err) {
  S.running = false;
  S.job = null;
  const step = lib.C.steps(lib.P);
  const why = err.message.replace(/^training step: /, '');
  S.diverged = err.status === STATUS.NONFINITE || !(err instanceof LibError)
    ? `Training diverged at step ${step}: ${why}. Press Reset for new weights.`
    : `Training stopped at step ${step}: ${why}.`;
  showBanner(S.diverged);
  status(S.diverged);
}

function showBanner(msg) {
  $('banner').hidden = !msg;
  $('banner-text').textContent = msg || '';
}

/* Losses, accuracy, steps: evaluated by the library on the whole train
 * and test sets, and kept for the loss curve. */
function record() {
  const { C, M, P } = lib;
  const tr = evaluate(0), te = S.test.length && !S.cfg.example ? evaluate(1) : [NaN, NaN];
  if (!S.diverged && !(Number.isFinite(tr[0]) && (Number.isFinite(te[0]) || !S.test.length || S.cfg.example)))
    diverged(new Error(`the ${Number.isFinite(tr[0]) ? 'test' : 'training'} loss is ${Number.isFinite(tr[0]) ? te[0] : tr[0]}`));
  S.last = { train: tr, test: te, penalty: C.penalty(P) };
  if (!S.diverged) {
    const gp = C.grad_norms(P);      /* the steps since the last record */
    S.history.push([C.steps(P), tr[0], te[0], gp ? Array.from(M.HEAPF64.subarray(gp / 8, gp / 8 + C.n_layers(P))) : null]);
    if (S.history.length > 2000) S.history = S.history.filter((_, i) => i % 2 === 0);
  }
  showLosses();
  $('steps').textContent = C.steps(P);
  $('epochs').textContent = C.epochs(P);
}

/* The loss boxes: four significant digits, or every digit on request;
 * after a divergence "diverged", marked invalid. */
function showLosses() {
  if (!S.last) return;
  const precise = $('precise').checked, bad = !!S.diverged;
  const fmt = (v) => (bad ? 'diverged' : !Number.isFinite(v) ? '-' : precise ? String(v) : shortNumber(v));
  const box = (id, text) => {
    $(id).textContent = text;
    $(id).classList.toggle('invalid', bad);
    $(id).setAttribute('aria-invalid', String(bad));
  };
  box('train-loss', fmt(S.last.train[0]));
  box('test-loss', S.cfg.example ? '-' : fmt(S.last.test[0]));
  const acc = S.last.test[1];
  box('test-acc', bad ? 'invalid' : Number.isFinite(acc) ? (acc * 100).toFixed(1) + '%' : '-');
  $('acc-box').hidden = regression() || !!S.cfg.example;
  $('penalty-box').hidden = S.cfg.reg === 'none' || !(S.cfg.rate > 0);
  box('penalty', fmt(S.last.penalty));
}

/* "Train N steps": the steps in slices of about 30 ms, so the page stays
 * live; Run, Pause, Step or Reset stop it. */
async function trainMany(n) {
  S.running = false;
  const job = { left: n };
  S.job = job;
  let slice = 200;
  while (job.left > 0 && S.job === job) {
    const k = Math.min(job.left, slice), t0 = performance.now();
    if (!trainSteps(k)) break;
    job.left -= k;
    const ms = performance.now() - t0;
    slice = Math.max(1, Math.min(100000, Math.round(k * 30 / Math.max(ms, 1))));
    record();
    redraw(false);
    $('train-n-go').textContent = job.left ? `Stop (${job.left} left)` : 'Train';
    if (job.left) await new Promise((r) => setTimeout(r, 0));
  }
  if (S.job === job) {
    S.job = null;
    status(S.diverged || `trained ${n - job.left} steps; step ${lib.C.steps(lib.P)} now`);
  }
  $('train-n-go').textContent = 'Train';
  record();
  redraw(true);
}

/* One animation frame: some training steps, then one redraw. */
function frame() {
  if (S.running) {
    const t0 = performance.now(), spf = S.cfg.spf;
    trainSteps(spf);
    record();
    redraw(false);
    S.stats.frames++;
    S.stats.steps += spf;
    S.stats.work.push(performance.now() - t0);
    if (S.stats.work.length > 600) S.stats.work.shift();
    if (!S.running) redraw(true);        /* it stopped itself: diverged */
  }
  $('run').textContent = S.running ? 'Pause' : 'Run';
  $('run').setAttribute('aria-pressed', String(S.running));
  requestAnimationFrame(frame);
}

function run(on) {
  S.running = on;
  S.job = null;
  $('run').textContent = on ? 'Pause' : 'Run';
  if (!on) { record(); redraw(true); }      /* explain what it paused at */
}

/* -------------------------------------------------------------- drawing */

/* Everything; the explain text, which is long, only when asked (every
 * pause, step, click, change) and every 15th frame while running. */
function redraw(withExplain) {
  const reg = regression();
  drawHeatmap(reg);
  drawLoss();
  drawGrads();
  drawNet();
  const still = !S.running && !S.job;
  if (withExplain || still || S.stats.frames % 15 === 0) explain();
  if (withExplain || still || S.stats.frames % 15 === 0) describe(reg);
}

/* The heat map's caption, legend and text alternative; the loss curve's. */
function describe(reg) {
  const { C, P } = lib;
  const no = C.layer_width(P, C.n_layers(P) - 1), o = Math.min(S.cfg.output, no - 1);
  const name = neuronName(C.n_layers(P) - 1, o);
  $('heat-caption').textContent = no > 1
    ? `The heat map shows ${name}, output ${o + 1} of ${no}, over the plane.`
    : `The heat map shows the output ${name} over the plane.`;
  drawLegend(reg, name);
  const l = S.last || { train: [NaN], test: [NaN] };
  $('heatmap').setAttribute('aria-label',
    `Heat map of ${name} over the plane${S.cfg.discretize ? ', discretized' : ''}: ` +
    (reg ? 'blue where it is near 1, orange near -1. ' : 'blue where it predicts label 1, orange label 0. ') +
    (S.cfg.example ? 'The one sample of the worked example is marked. '
      : `${S.train.length} training points${S.cfg.test ? ` and ${S.test.length} test points (dark rings)` : ''}. `) +
    'Arrow keys step through the points; Enter explains the one marked.');
  $('losschart').setAttribute('aria-label', S.history.length < 2 ? 'Loss curve: not trained yet.'
    : `Loss curve over ${S.history[S.history.length - 1][0]} steps: training loss ${shortNumber(l.train[0])}` +
      (S.cfg.example ? '.' : `, test loss ${shortNumber(l.test[0])}.`));
  const g = S.history.filter((h) => h[3]), gl = g.length ? g[g.length - 1] : null;
  $('gradchart').setAttribute('aria-label', g.length < 2 ? 'Gradient norms by layer: not trained yet.'
    : `Gradient norm |dE/dW| of each layer over ${gl[0]} steps, log scale; the latest: ` +
      gl[3].map((v, i) => `layer ${i + 1} ${shortNumber(v)}`).join(', ') + '.');
}

/* ------------------------------------------------------------- explain */

function pickSample(set, idx) {
  const p = (set === 'train' ? S.train : S.test)[idx];
  if (!p) { S.sample = null; return; }
  S.sample = { x: inputsOf(p), t: targetsOf(p), label: p[2], idx, set, at: [p[0], p[1]] };
}

function scrollToExplain() {
  $('explain').scrollIntoView({ block: 'start', behavior: 'instant' });
}

/* A neuron or weight chosen by pointer, touch or keyboard. */
function choose(sel, how = {}) {
  S.select = sel;
  explain();
  drawNet();
  if (how.keyboard) {
    scrollToExplain();
    status(`Explaining ${selectionName(sel)}.`);
  }
}

function clickHeatmap(ev) {
  if (S.cfg.example) return;
  const cv = $('heatmap'), r = cv.getBoundingClientRect();
  const x = ((ev.clientX - r.left) / r.width * 2 - 1) * DOMAIN;
  const y = (1 - (ev.clientY - r.top) / r.height * 2) * DOMAIN;
  let best = -1, bd = Infinity;
  cursorPoints().forEach((c, i) => {
    const d = (c.p[0] - x) ** 2 + (c.p[1] - y) ** 2;
    if (d < bd) { bd = d; best = i; }
  });
  if (best >= 0) explainPoint(best, false);
}

function explainPoint(i, keyboard) {
  S.cursor = i;
  const c = cursorPoint();
  if (!c) return;
  pickSample(c.set, c.idx);
  explain();
  drawHeatmap(regression());
  if (keyboard) {
    scrollToExplain();
    status(`Explaining ${c.set} sample ${c.idx + 1}.`);
  }
}

/* The heat map from the keyboard: arrows move a cursor over the points
 * (and say which), Enter explains the one under it. */
function heatmapKey(e) {
  const n = cursorPoints().length;
  if (!n) return;
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[e.key];
  if (step) {
    e.preventDefault();
    S.cursor = ((S.cursor < 0 ? 0 : S.cursor + step) % n + n) % n;
    const c = cursorPoint();
    drawHeatmap(regression());
    const what = regression() ? `target ${c.p[2].toFixed(3)}` : `label ${c.p[2]}`;
    status(`${c.set} sample ${c.idx + 1} at (${c.p[0].toFixed(2)}, ${c.p[1].toFixed(2)}), ${what}. Enter explains it.`);
  } else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    explainPoint(S.cursor < 0 ? 0 : S.cursor, true);
  }
}

/* -------------------------------------------------------- page and URL */

function status(msg) { $('status').textContent = msg; }

function saveUrl() {
  const h = toHash(S.cfg);
  if (location.hash !== h) history.replaceState(null, '', h);
}

/* Settings from the URL, then the data and the network they describe. */
function restore(hash) {
  const { settings, errors } = fromHash(hash, DEFAULTS, S.names);
  if (!lossAllowed(settings.loss, problemOf(settings))) {
    errors.push(`loss: ${settings.loss} needs classes; ${settings.data} is a regression set, so sse`);
    settings.loss = 'sse';
  }
  S.cfg = copySettings(settings);
  makeData();
  if (S.cfg.example) loadExample(false); else build();
  if (errors.length) status(`Not taken from the URL: ${errors.join('; ')}.`);
  return errors;
}

/* A control's action, its failure said in the status line (a refusal of
 * the library, say) instead of escaping as a page error. */
function guarded(f) {
  return (...args) => {
    try {
      return f(...args);
    } catch (e) {
      status(`Not done: ${e.message || e}`);
      return undefined;
    }
  };
}

/* What the controls do (controls.js calls these). */
const actions = {
  build: () => { makeData(); build(); },
  rebuild: build,
  training: () => { sendTraining(); saveUrl(); explain(); },
  regularization: () => { sendRegularization(); saveUrl(); record(); redraw(true); },
  display: () => { saveUrl(); record(); redraw(true); },
  run: () => run(!S.running),
  step: () => { run(false); if (!S.diverged) trainSteps(1); record(); redraw(true); },
  reset: () => { run(false); S.cfg.seed++; if (S.cfg.example) loadExample(true); else build(); status('New weights.'); },
  regen: () => { S.cfg.dataseed++; makeData(); build(); },
  trainMany: (n) => { if (S.job) { S.job = null; return; } trainMany(n); },
  example: () => loadExample(true),
  /* back to the settings from before the example (a data set chosen) */
  leaveExample: () => {
    S.cfg = { ...copySettings(S.beforeExample || DEFAULTS), example: '', order: S.cfg.order };
  },
  edited: () => { record(); redraw(true); },
  explain,
  choose,
  status,
  heatmapClick: clickHeatmap,
  heatmapKey,
  saveUrl,
  showLosses,
};

/* The page's API for the browser tests, the bench and the console. */
window.playground = {
  setHidden(widths) { S.cfg.layers = widths.slice(); build(); },
  train(n) { trainSteps(n); record(); redraw(true); },
  trainOnly(n) { trainSteps(n); },                /* for bench/playground.mjs */
  redrawOnly() { record(); drawHeatmap(regression()); drawLoss(); drawGrads(); drawNet(); },
  gradHistory() { return S.history.filter((h) => h[3]).map((h) => [h[0], h[3]]); },  /* [step, |dE/dW| per layer] */
  explainOnly() { explain(); },
  layerStats,                                     /* the summary's numbers (pg_layer_stats) */
  losses() { return { train: evaluate(0)[0], test: evaluate(1)[0] }; },
  weights() {                                      /* the weights alone, no biases */
    const w = [], { C, P } = lib;
    for (let l = 0; l < C.n_layers(P); l++)
      for (let j = 0; j < C.layer_width(P, l); j++)
        for (let k = 0; k < layerIn(l); k++) w.push(paramValue(l, j, k));
    return w;
  },
  restore,
  state: S,
};
window.pgStats = S.stats;

loadLibrary().then(() => {
  S.names = readNames();
  for (const k of Object.keys(actions)) actions[k] = guarded(actions[k]);
  wireControls(actions);
  initNetwork({ choose: actions.choose, widen: guarded((l, d) => { S.cfg.layers[l] += d; build(); }) });
  restore(location.hash);
  window.addEventListener('hashchange', guarded(() => restore(location.hash)));
  if (!/Not taken/.test($('status').textContent))
    status('ready: the backprop C library in WebAssembly (double precision)');
  document.body.dataset.ready = '1';
  requestAnimationFrame(frame);
}).catch((e) => {
  status(`could not start: ${e.message || e}`);
  showBanner(`The page could not start: ${e.message || e}`);
});
