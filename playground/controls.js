/* The controls: each shows its part of the settings (showSettings, after
 * every change and after loading the worked example or a URL), and each
 * change updates the settings and asks the page (app.js's actions) to
 * rebuild, retrain or redraw. */
import { S, $ } from './state.js';
import { FEATURES } from './data.js';
import { problemOf, MAX_LAYERS } from './settings.js';
import { fillMenus, lossAllowed } from './menus.js';
import { lib } from './lib.js';
import { applyEdit } from './explain.js';

/* A number for a menu of numbers: an option is added for a value the
 * menu lacks (one from a URL). */
function setNumber(select, v) {
  const text = String(v);
  if (![...select.options].some((o) => Number(o.value) === v)) {
    const o = document.createElement('option');
    o.textContent = text;
    const after = [...select.options].find((x) => Number(x.value) > v);
    select.insertBefore(o, after || null);
  }
  select.value = [...select.options].find((o) => Number(o.value) === v).value;
}

let menusFor = '';

export function showSettings() {
  const c = S.cfg, problem = problemOf(c);
  if (menusFor !== problem) { fillMenus(S.names, problem); menusFor = problem; }
  for (const id of ['act', 'loss', 'optim', 'reg', 'order']) $(id).value = c[id];
  for (const id of ['lr', 'batch', 'rate', 'spf', 'points']) setNumber($(id), c[id]);
  $('noise').value = c.noise;
  $('noise-v').textContent = c.noise;
  $('split').value = c.split;
  $('split-v').textContent = `${c.split}%`;
  $('show-test').checked = !!c.test;
  $('discretize').checked = !!c.discretize;
  for (const b of document.querySelectorAll('.sets button')) {
    const on = !c.example && b.dataset.set === c.data;
    b.classList.toggle('selected', on);
    b.setAttribute('aria-pressed', String(on));
  }
  for (const f of FEATURES) $(`feat-${f.name}`).checked = c.features.includes(f.name);
  $('mazur').classList.toggle('selected', !!c.example);
  $('mazur').setAttribute('aria-pressed', String(!!c.example));
  showOutputs();
  $('add-layer').disabled = !!c.example || c.layers.length >= MAX_LAYERS;
  $('del-layer').disabled = !!c.example || c.layers.length === 0;
}

/* The menu of outputs the heat map can show, when there are several. */
function showOutputs() {
  const { C, P } = lib;
  const n = C.layer_width(P, C.n_layers(P) - 1), sel = $('output');
  $('output-pick').hidden = n < 2;
  if (sel.options.length !== n) {
    sel.textContent = '';
    for (let i = 0; i < n; i++) {
      const o = document.createElement('option');
      o.value = i;
      o.textContent = `o${i + 1}`;
      sel.appendChild(o);
    }
  }
  S.cfg.output = Math.min(S.cfg.output, n - 1);
  sel.value = String(S.cfg.output);
}

function featureBoxes(act) {
  const box = $('features');
  for (const f of FEATURES) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = `feat-${f.name}`;
    input.addEventListener('change', () => {
      const on = FEATURES.filter((g) => $(`feat-${g.name}`).checked).map((g) => g.name);
      if (!on.length) { input.checked = true; act.status('The network needs at least one input.'); return; }
      S.cfg.features = on;
      act.rebuild();
    });
    label.append(input, ` ${f.label}`);
    box.appendChild(label);
  }
}

/* Settings that make a new network (its shape, activation, loss,
 * optimizer, features): they leave the worked example. */
function wireNetworkSettings(act) {
  for (const id of ['act', 'optim'])
    $(id).addEventListener('change', () => { S.cfg[id] = $(id).value; act.rebuild(); });
  $('loss').addEventListener('change', () => { S.cfg.loss = $('loss').value; S.cfg.output = 0; act.rebuild(); });
  $('add-layer').addEventListener('click', () => {
    if (S.cfg.layers.length < MAX_LAYERS) { S.cfg.layers.push(4); act.rebuild(); }
  });
  $('del-layer').addEventListener('click', () => {
    if (S.cfg.layers.length) { S.cfg.layers.pop(); act.rebuild(); }
  });
  for (const b of document.querySelectorAll('.sets button'))
    b.addEventListener('click', () => {
      if (S.cfg.example) act.leaveExample();
      const c = S.cfg;
      c.data = b.dataset.set;
      if (!lossAllowed(c.loss, problemOf(c))) c.loss = 'sse';
      c.output = 0;
      act.build();
    });
  for (const id of ['points', 'noise', 'split'])
    $(id).addEventListener(id === 'points' ? 'change' : 'input', () => {
      S.cfg[id] = Number($(id).value);
      act.build();
    });
}

/* Settings that change training as it goes, or only the picture. */
function wireLiveSettings(act) {
  for (const id of ['lr', 'batch'])
    $(id).addEventListener('change', () => { S.cfg[id] = Number($(id).value); act.training(); });
  $('order').addEventListener('change', () => { S.cfg.order = $('order').value; act.training(); });
  $('spf').addEventListener('change', () => { S.cfg.spf = Number($('spf').value); act.saveUrl(); });
  $('reg').addEventListener('change', () => { S.cfg.reg = $('reg').value; act.regularization(); });
  $('rate').addEventListener('change', () => { S.cfg.rate = Number($('rate').value); act.regularization(); });
  $('show-test').addEventListener('change', () => { S.cfg.test = $('show-test').checked ? 1 : 0; S.cursor = -1; act.display(); });
  $('discretize').addEventListener('change', () => { S.cfg.discretize = $('discretize').checked ? 1 : 0; act.display(); });
  $('output').addEventListener('change', () => { S.cfg.output = Number($('output').value); act.display(); });
  $('precise').addEventListener('change', act.showLosses);
}

function wireExplain(act) {
  for (const id of ['check', 'explain-order']) $(id).addEventListener('change', () => act.edited());
  /* a large network's full walk is written when it is opened */
  $('explain-all').addEventListener('toggle', () => { if ($('explain-all').open) act.explain(); });
  $('edit').addEventListener('submit', (e) => {
    e.preventDefault();
    const err = applyEdit();
    act.status(err ? `Not set: ${err}` : `Set ${$('edit-name').textContent} to ${$('edit-value').value}.`);
    $('edit-value').setAttribute('aria-invalid', String(!!err));
    if (!err) act.edited();
  });
  $('neighbours').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    act.choose({ kind: 'weight', l: Number(b.dataset.l), j: Number(b.dataset.j), k: Number(b.dataset.k) }, {});
  });
}

export function wireControls(act) {
  featureBoxes(act);
  wireNetworkSettings(act);
  wireLiveSettings(act);
  wireExplain(act);
  $('run').addEventListener('click', act.run);
  $('step').addEventListener('click', act.step);
  $('reset').addEventListener('click', act.reset);
  $('banner-reset').addEventListener('click', act.reset);
  $('regen').addEventListener('click', act.regen);
  $('mazur').addEventListener('click', act.example);
  $('export').addEventListener('click', () => exportModel(act));
  $('train-n').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Number($('train-n-value').value);
    if (!Number.isInteger(v) || v < 1 || v > 1e7) {
      act.status(`Steps to train: '${$('train-n-value').value}' is not a whole number from 1 to 10000000.`);
      $('train-n-value').setAttribute('aria-invalid', 'true');
      return;
    }
    $('train-n-value').setAttribute('aria-invalid', 'false');
    act.trainMany(v);
  });
  $('heatmap').addEventListener('click', act.heatmapClick);
  $('heatmap').addEventListener('keydown', act.heatmapKey);
  $('heatmap').addEventListener('blur', () => act.display());
  /* narrow screens start with the settings folded */
  $('settings').open = !window.matchMedia('(max-width: 760px)').matches;
  document.addEventListener('keydown', (e) => {
    if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(e.target.tagName)) return;
    if (e.target.closest && e.target.closest('#net, #heatmap')) return;
    const L = S.cfg.layers;
    if (S.cfg.example || !L.length) return;
    if (e.key === '+') { L[L.length - 1] = Math.min(8, L[L.length - 1] + 1); act.rebuild(); }
    if (e.key === '-') { L[L.length - 1] = Math.max(1, L[L.length - 1] - 1); act.rebuild(); }
  });
}

/* The network in the text model form, shown and offered as a file. */
function exportModel(act) {
  const { C, M, P } = lib;
  const ptr = C.export_text(P);
  if (!ptr) { act.status(C.error(P)); return; }
  const text = M.UTF8ToString(ptr);
  const ta = $('model-text');
  ta.value = text;
  ta.hidden = false;
  const a = $('download');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.hidden = false;
  act.status('The model in the text form: backprop info / predict / explain --model read it.');
}
