/* Every setting of the page in one object, and its form in the URL.
 *
 * The page keeps its whole state - data set, noise, split, features,
 * layers, activation, loss, optimizer, rate, regularization, batch, seed,
 * backward order and the display switches - in `#key=value&...` after the
 * address, rewritten on every change, so a URL shared or reloaded opens
 * the same page. Values are the library's names (activation "tanh", loss
 * "bce", optimizer "adam") and plain numbers, never menu positions. */
import { DATASETS, FEATURE } from './data.js';

export const DEFAULTS = Object.freeze({
  example: '',             /* 'mazur': Matt Mazur's worked example loaded */
  data: 'xor',
  points: 500,
  noise: 0,                /* percent, 0..50 */
  split: 50,               /* percent of the points trained on */
  features: ['x1', 'x2'],
  layers: [8, 8],          /* widths of the hidden layers */
  act: 'tanh',
  loss: 'bce',
  optim: 'sgd',
  lr: 0.1,
  reg: 'none',             /* none, l1, l2 */
  rate: 0,                 /* regularization rate */
  batch: 10,
  seed: 1,                 /* the weights' draw and the batches' shuffle */
  dataseed: 1,             /* the points' draw and split */
  order: 'standard',       /* standard, layerwise */
  spf: 30,                 /* training steps per animation frame */
  test: 1,                 /* show the test points */
  discretize: 0,           /* heat map as hard decisions */
  output: 0,               /* which output the heat map shows */
});

export const MAX_LAYERS = 6, MAX_WIDTH = 8;

/* A copy of a settings object (arrays copied too). */
export function copySettings(s) {
  return { ...s, features: [...s.features], layers: [...s.layers] };
}

/* The problem a data set poses: 'classification' or 'regression'. */
export function problemOf(s) { return DATASETS[s.data].problem; }

/* --------------------------------------------------------- parsing */

function int(lo, hi) {
  return (v) => {
    if (!/^-?\d+$/.test(v)) throw new Error(`'${v}' is not a whole number`);
    const n = Number(v);
    if (n < lo || n > hi) throw new Error(`${n} is outside ${lo}..${hi}`);
    return n;
  };
}
function real(lo, hi, loOpen) {
  return (v) => {
    const n = Number(v);
    if (v === '' || !Number.isFinite(n)) throw new Error(`'${v}' is not a number`);
    if (n > hi || n < lo || (loOpen && n === lo))
      throw new Error(`${n} is outside ${loOpen ? '(' : '['}${lo}, ${hi}]`);
    return n;
  };
}
function oneOf(list) {
  return (v) => {
    if (!list().includes(v)) throw new Error(`'${v}' is not one of ${list().join(', ')}`);
    return v;
  };
}
function listOf(each, max) {
  return (v) => {
    const items = v === '' ? [] : v.split(',');
    if (items.length > max) throw new Error(`more than ${max} items`);
    return items.map(each);
  };
}

/* How each key reads; names the library knows are checked against its
 * lists (given by the page once the library is loaded). */
export function parsers(names) {
  return {
    example: (v) => {
      if (v !== '' && v !== 'mazur') throw new Error(`'${v}' is not an example of this page (mazur)`);
      return v;
    },
    data: oneOf(() => Object.keys(DATASETS)),
    points: int(10, 2000),
    noise: int(0, 50),
    split: int(10, 90),
    features: (v) => {
      const f = listOf(oneOf(() => Object.keys(FEATURE)), 7)(v);
      if (!f.length) throw new Error('no input feature');
      return Object.keys(FEATURE).filter((n) => f.includes(n)); /* inputs' order */
    },
    layers: listOf(int(1, MAX_WIDTH), MAX_LAYERS),
    act: oneOf(() => names.hidden),
    loss: oneOf(() => names.losses),
    optim: oneOf(() => names.optims),
    lr: real(0, 10, true),
    reg: oneOf(() => ['none', 'l1', 'l2']),
    rate: real(0, 10, false),
    batch: int(1, 1000),
    seed: int(1, 2147483647),
    dataseed: int(1, 2147483647),
    order: oneOf(() => ['standard', 'layerwise']),
    spf: int(1, 1000),
    test: int(0, 1),
    discretize: int(0, 1),
    output: int(0, 63),
  };
}

/* Settings from a URL fragment ("#data=circle&lr=0.03"), starting from
 * base: {settings, errors}, one message per value not taken, naming the
 * key ("lr: 'abc' is not a number"). Unknown keys are reported too. */
export function fromHash(hash, base, names) {
  const s = copySettings(base), errors = [];
  const p = parsers(names);
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [k, v] of q) {
    if (!(k in p)) { errors.push(`${k}: not a setting of this page`); continue; }
    try { s[k] = p[k](v); } catch (e) { errors.push(`${k}: ${e.message}`); }
  }
  return { settings: s, errors };
}

/* The URL fragment of settings: every key, in a fixed order. */
export function toHash(s) {
  const q = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) {
    if (k === 'example' && !s.example) continue;
    const v = s[k];
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return '#' + q.toString().replace(/%2C/g, ',');
}
