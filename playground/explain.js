/* The explain pane: bp_explain's text for the sample chosen (every
 * number of one step, as `backprop explain` prints it), the lines about
 * the selected neuron or weight drawn out of it; for a network too large
 * to read number by number, the library's one-screen summary and the
 * selection's chain from its drill-down instead; the selected weight's or
 * bias's value to edit, and the weights around a selected neuron as
 * buttons (the way to a weight on a touch screen). */
import { lib, heapF64 } from './lib.js';
import { S, $ } from './state.js';
import { problemOf } from './settings.js';
import { neuronName, weightNumber, selectionName, paramValue, layerIn, inputLabel } from './network.js';

/* A name in the explain text (out_h1.2, b_h1.2, dE/dw12): it starts
 * after a non-alphanumeric (an underscore is fine) or the d of dE/dw, and
 * ends at a non-digit, so h1 matches neither h12 nor h1.2, and w1 not w12. */
function nameRe(name) {
  return new RegExp('(^|[^A-Za-z0-9.]|/d)' + name.replace('.', '\\.') + '(?![0-9]|\\.[0-9])');
}

/* The lines about the selection, each row of a side-by-side table with
 * the table's heading. */
export function focusLines(text, sel) {
  if (!sel) return '';
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
  const res = [];
  let heading = null;
  for (const s of text.split('\n')) {
    if (/standard order\s+\S.*order\s*$/.test(s)) heading = s;
    else if (!/\S/.test(s)) heading = null;
    if (!keep(s)) continue;
    if (heading && heading !== s) { res.push(heading); heading = null; }
    res.push(s);
  }
  return res.map((s) => s.replace(/^ {4}/, '')).join('\n');
}

/* Every number to the digits of the rest: a weight or an input that
 * training has made a 17-digit double is shown with 9 decimals, like the
 * activations and gradients beside it (6 in exponent form). */
export function tidy(text) {
  return text.replace(/-?\d+\.\d{10,}(e[-+]?\d+)?/g, (m, exp) =>
    (exp ? Number(m).toExponential(6) : Number(m).toFixed(9)));
}

/* Who the sample is: "train sample 4 at (1.98, -4.82), label 0". */
function sampleText() {
  const s = S.sample;
  if (S.cfg.example) return 'Matt Mazur\'s 2-2-2 example, sample (0.05, 0.10), targets (0.01, 0.99)';
  const target = problemOf(S.cfg) === 'regression' ? `target ${s.label.toFixed(3)}` : `label ${s.label}`;
  return `${s.set} sample ${s.idx + 1} at (${s.at.map((v) => v.toFixed(2))}), ${target}`;
}

/* What the library writes for the sample, as text: every number of the
 * step (the full walk), the one-screen summary, and the selection's
 * whole chain (bp_explain_neuron / bp_explain_weight); null where it was
 * not asked for, or failed (err then holds the library's message). Each
 * text is read before the next call, which reuses pg's buffer. */
function libraryTexts(big, walk, sel) {
  const { C, M, P } = lib;
  const lr = S.cfg.lr, check = $('check').checked ? 1 : 0;
  const order = Number($('explain-order').value);
  const px = heapF64(S.sample.x), pt = heapF64(S.sample.t);
  const r = { walk: null, summary: null, chain: null, err: null };
  const take = (ptr) => {
    if (ptr) return tidy(M.UTF8ToString(ptr));
    r.err = r.err || C.error(P);
    return null;
  };
  try {
    if (walk) r.walk = take(C.explain(P, px, pt, lr, order, check));
    if (big) r.summary = take(C.explain_summary(P, px, pt, lr, order));
    if (big && sel && sel.l >= 0)
      r.chain = take(sel.kind === 'weight'
        ? C.explain_weight(P, px, pt, lr, sel.l, sel.j, sel.k, check)
        : C.explain_neuron(P, px, pt, lr, sel.l, sel.j, check));
  } finally {
    C.free_buf(px); C.free_buf(pt);
  }
  return r;
}

/* A selected input in a summarised network: its value, and where its
 * numbers are (it has no net input or delta of its own). */
function inputText(sel) {
  const name = neuronName(sel.l, sel.j);
  return `${name} = ${inputLabel(sel.j)} = ${tidy(String(S.sample.x[sel.j]))}: an input, given; ` +
    `it has no net input or delta. The weights out of it are the buttons above: ` +
    `select one to see its gradient.`;
}

/* Run bp_explain for the sample and fill the pane. A network small
 * enough for the library's full walk (bp_explain's own rule: at most
 * its default number of weights) shows the lines of the walk about the
 * selection; a larger one shows the library's one-screen summary, and
 * the selection's whole chain from the library's drill-down. The full
 * walk of a large network is written only while "every number of this
 * step" is open: it is long. */
export function explain() {
  if (!S.sample) return;
  const big = lib.C.explain_summarises(lib.P) === 1;
  const sel = S.select;
  const all = $('explain-all');
  const r = libraryTexts(big, !big || all.open, sel);
  const ok = !r.err;
  $('explain-text').textContent = r.walk ?? (ok ? '(written when opened)' : r.err);
  $('explain-summary').textContent = r.summary ?? '';
  $('explain-summary').hidden = !big || !ok;
  $('explain-what').textContent = sampleText() + (sel ? `; ${selectionName(sel)}` : '');
  const c = S.cfg;
  const reg = c.reg !== 'none' && c.rate > 0
    ? `Training adds ${c.reg === 'l1' ? `${c.rate} * sign(w)` : `${c.rate} * w`} (${c.reg.toUpperCase()}) to each weight's gradient; ` +
      'the update shown here is the loss\'s alone.\n' : '';
  const inputs = reg + (S.cfg.features.length > 2 && !S.cfg.example
    ? `Inputs: ${S.cfg.features.map((_, j) => `i${j + 1} = ${inputLabel(j)}`).join(', ')}.\n` : '');
  const what = !sel || !ok ? null
    : !big ? focusLines(r.walk, sel)
    : sel.l < 0 ? inputText(sel) : r.chain;
  $('explain-focus').textContent = !ok ? r.err
    : sel ? inputs + what
    : `${inputs}Select a neuron or a weight in the network (click, tap, or Tab and the arrow keys, then Enter) to see ` +
      (big ? 'its whole chain through both phases here.' : 'its numbers here.');
  $('explain-focus').classList.toggle('invalid', !ok);
  if (S.cfg.example) all.open = true;
  editor(sel);
  neighbours(sel);
}

/* The summary's numbers for the sample, layer by layer (pg_layer_stats,
 * bp_explain_stats): for the console and the browser tests, which check
 * the summary's text against them. null without a sample or on failure. */
export function layerStats() {
  const { C, M, P } = lib;
  if (!S.sample) return null;
  const px = heapF64(S.sample.x), pt = heapF64(S.sample.t);
  const ptr = C.layer_stats(P, px, pt, S.cfg.lr);
  C.free_buf(px); C.free_buf(pt);
  if (!ptr) return null;
  const keys = ['net_min', 'net_mean', 'net_max', 'out_min', 'out_mean', 'out_max', 'saturated', 'dead',
                'delta_norm', 'grad_norm', 'weight_norm', 'update_norm', 'n_out', 'loss']; /* PG_STATS of them */
  const L = C.n_layers(P), n = keys.length, v = M.HEAPF64.subarray(ptr / 8, ptr / 8 + L * n);
  return Array.from({ length: L }, (_, l) => Object.fromEntries(keys.map((k, i) => [k, v[l * n + i]])));
}

/* ----------------------------------------------- the weight editor */

/* The selected weight's value, or the selected neuron's bias, in a field
 * that sets it: TensorFlow Playground's "edit a weight". */
function editor(sel) {
  const form = $('edit');
  const editable = sel && !(sel.kind === 'neuron' && sel.l < 0);
  form.hidden = !editable;
  if (!editable) return;
  const k = sel.kind === 'weight' ? sel.k : -1;
  const name = k < 0 ? `b_${neuronName(sel.l, sel.j)}` : `w${weightNumber(sel.l, sel.j, sel.k)}`;
  $('edit-name').textContent = name;
  const field = $('edit-value');
  if (document.activeElement !== field) field.value = String(paramValue(sel.l, sel.j, k));
  form.dataset.l = sel.l;
  form.dataset.j = sel.j;
  form.dataset.k = k;
}

/* Parse and set the edited value; returns a message or '' when set. */
export function applyEdit() {
  const form = $('edit'), text = $('edit-value').value.trim();
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) return `'${text}' is not a number`;
  const { C, P } = lib;
  const st = C.set_param(P, Number(form.dataset.l), Number(form.dataset.j), Number(form.dataset.k), v);
  return st ? C.error(P) : '';
}

/* --------------------------------------- weights around a neuron */

/* For a selected neuron: its incoming and outgoing weights as buttons,
 * each selecting that weight (44 px targets, unlike the lines). */
function neighbours(sel) {
  const box = $('neighbours');
  box.textContent = '';
  if (!sel || sel.kind !== 'neuron') { box.hidden = true; return; }
  const L = lib.C.n_layers(lib.P);
  const groups = [];
  if (sel.l >= 0) {
    const inc = [];
    for (let k = 0; k < layerIn(sel.l); k++) inc.push({ kind: 'weight', l: sel.l, j: sel.j, k });
    groups.push(['into', inc]);
  }
  if (sel.l < L - 1) {
    const out = [];
    for (let j = 0; j < lib.C.layer_width(lib.P, sel.l + 1); j++) out.push({ kind: 'weight', l: sel.l + 1, j, k: sel.j });
    groups.push(['out of', out]);
  }
  for (const [dir, ws] of groups) {
    const row = document.createElement('div');
    row.className = 'neighbour-row';
    row.append(`weights ${dir} ${neuronName(sel.l, sel.j)}:`);
    for (const w of ws) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `w${weightNumber(w.l, w.j, w.k)} ${paramValue(w.l, w.j, w.k).toFixed(3)}`;
      b.setAttribute('aria-label', `select ${selectionName(w)}`);
      b.dataset.l = w.l; b.dataset.j = w.j; b.dataset.k = w.k;
      row.append(' ', b);
    }
    box.append(row);
  }
  box.hidden = false;
}
