/* The activation, loss and optimizer menus, built from the library's own
 * name lists (lib.js libraryNames, through pg_name): a new activation or
 * optimizer in the library appears here with no change to the page. What
 * the page adds is in this file only: which activations suit a hidden
 * layer, and which output layer each loss needs. */
import { libraryNames } from './lib.js';

/* Activations the page does not offer for hidden layers: step has a zero
 * derivative (backpropagation cannot train it; the library trains it by
 * the perceptron rule) and softmax normalises a whole output layer. */
const NOT_HIDDEN = ['step', 'softmax'];

/* The names, read once the library is loaded. */
export function readNames() {
  const acts = libraryNames(0);
  return {
    acts,
    hidden: acts.filter((a) => !NOT_HIDDEN.includes(a)),
    losses: libraryNames(1),
    optims: libraryNames(2),
  };
}

/* The output layer a loss needs (include/backprop.h, bp_net_set_loss):
 * binary cross-entropy a sigmoid, softmax cross-entropy a softmax (two
 * outputs here: o1 the chance of label 1, o2 of label 0), squared error
 * a sigmoid for classes and the identity for regression. */
export function outputFor(loss, problem) {
  if (loss === 'ce') return { act: 'softmax', n: 2 };
  if (loss === 'sse' && problem === 'regression') return { act: 'identity', n: 1 };
  return { act: 'sigmoid', n: 1 };
}

/* Regression trains with squared error only. */
export function lossAllowed(loss, problem) {
  return problem !== 'regression' || loss === 'sse';
}

const LOSS_TEXT = { sse: 'squared error', bce: 'cross-entropy', ce: 'cross-entropy' };

function option(select, value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  select.appendChild(o);
}

function fill(select, values, text = (v) => v) {
  select.textContent = '';
  for (const v of values) option(select, v, text(v));
}

/* Fill the three menus. The loss menu names each loss with the output
 * layer it brings ("bce: sigmoid + cross-entropy"); under regression the
 * losses that need classes are disabled. */
export function fillMenus(names, problem) {
  fill(document.getElementById('act'), names.hidden);
  fill(document.getElementById('optim'), names.optims);
  const loss = document.getElementById('loss');
  fill(loss, names.losses, (l) =>
    `${l}: ${outputFor(l, problem).act} + ${LOSS_TEXT[l] || l}`);
  for (const o of loss.options) o.disabled = !lossAllowed(o.value, problem);
}
