/* The activation, loss and optimizer menus, built from the library's own
 * tables (lib.js libraryTable, through pg_describe): a new activation,
 * loss or optimizer in the library appears here with no change to the
 * page, under the label the library gives it. What an entry's flags and
 * range say decides where it is offered. */
import { libraryTable } from './lib.js';

/* bp_act_info / bp_loss_info flags (include/backprop.h) */
const ACTF_ROWWISE = 1, ACTF_NO_GRADIENT = 2;
const LOSSF_CLOSED_FORM = 1, LOSSF_ARGMAX = 4, LOSSF_THRESHOLD = 8;

let tables = null;      /* {act, loss, optim}: the library's entries */

/* The tables, read once the library is loaded; the name lists are what
 * the URL and the enum values (a name's index) use. */
export function readNames() {
  const act = libraryTable(0), loss = libraryTable(1), optim = libraryTable(2);
  const names = (t) => t.map((e) => e.name);
  tables = { act, loss, optim };
  return {
    table: { act, loss, optim },
    acts: names(act),
    /* a hidden layer needs a gradient, and units of its own */
    hidden: names(act.filter((a) => !(a.flags & (ACTF_ROWWISE | ACTF_NO_GRADIENT)))),
    losses: names(loss),
    optims: names(optim),
  };
}

const entry = (kind, name) => tables[kind].find((e) => e.name === name);

/* A classifier loss (it counts right answers) needs classes. */
export function lossAllowed(loss, problem) {
  const l = tables && entry('loss', loss);
  return problem !== 'regression' || !l || !(l.flags & (LOSSF_ARGMAX | LOSSF_THRESHOLD));
}

/* The output layer for a loss: the activation it is the closed form of
 * (bce: sigmoid; ce: softmax, two outputs here, o1 the chance of label
 * 1), else a [0, 1] output for classes and an unbounded one, the
 * identity, for regression. */
export function outputFor(loss, problem) {
  const l = entry('loss', loss);
  const usable = tables.act.filter((a) => !(a.flags & ACTF_NO_GRADIENT));
  let a = null;
  if (l && (l.flags & LOSSF_CLOSED_FORM)) a = usable.find((x) => x.out_loss === loss);
  else if (problem === 'regression') a = usable.find((x) => x.out_min === null && x.out_max === null && !(x.flags & ACTF_ROWWISE));
  else a = usable.find((x) => x.out_min === 0 && x.out_max === 1 && !(x.flags & ACTF_ROWWISE));
  a = a || usable[0];
  return { act: a.name, n: a.flags & ACTF_ROWWISE ? 2 : 1 };
}

/* A neuron's output as a shade in [0, 1], by its activation's range:
 * [0, 1] as it is, [-1, 1] halved, unbounded squashed by tanh. */
export function shadeOf(act) {
  const a = entry('act', act);
  if (a && a.out_min === 0 && a.out_max === 1) return (v) => v;
  if (a && a.out_min === -1 && a.out_max === 1) return (v) => 0.5 + 0.5 * v;
  return (v) => 0.5 + 0.5 * Math.tanh(v);
}

/* How a name reads on the page: the library's label. */
export function labelOf(kind, name) {
  return entry(kind, name)?.label || name;
}

function fill(select, values, text) {
  select.textContent = '';
  for (const v of values) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = text(v);
    select.appendChild(o);
  }
}

/* Fill the three menus, values the library's names, text its labels. The
 * loss menu names the output layer each loss brings ("binary
 * cross-entropy, sigmoid output"); under regression the classifier
 * losses are disabled. */
export function fillMenus(names, problem) {
  fill(document.getElementById('act'), names.hidden, (a) => labelOf('act', a));
  fill(document.getElementById('optim'), names.optims, (o) => labelOf('optim', o));
  const loss = document.getElementById('loss');
  fill(loss, names.losses, (l) => {
    const out = outputFor(l, problem), label = labelOf('loss', l), act = labelOf('act', out.act);
    return label.includes(act) ? `${label}, ${out.n} outputs` : `${label}, ${act} output`;
  });
  for (const o of loss.options) o.disabled = !lossAllowed(o.value, problem);
}
