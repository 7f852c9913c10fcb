/* The page's way into the backprop C library compiled to WebAssembly
 * (playground/pg.c over include/backprop.h): the module, the pg object,
 * the pg_* calls, copies into and out of the module's heap, and the
 * library's own names for the menus. */

export const lib = {
  M: null,    /* the WebAssembly module */
  P: 0,       /* the pg object (a pointer into its heap) */
  C: {},      /* the pg_* functions */
};

/* bp_status values the page tells apart (include/backprop.h). */
export const STATUS = { OK: 0, NONFINITE: 5 };

const SIGNATURES = {
  new: ['number', []],
  error: ['string', ['number']],
  alloc: ['number', ['number']],
  free_buf: [null, ['number']],
  build: ['number', ['number', 'number', 'number', 'number', 'number',
                     'number', 'number', 'number', 'number']],
  load_model: ['number', ['number', 'string', 'number']],
  set_training: ['number', ['number', 'number', 'number', 'number']],
  set_regularization: ['number', ['number', 'number', 'number']],
  penalty: ['number', ['number']],
  set_data: ['number', ['number', 'number', 'number', 'number', 'number',
                        'number', 'number']],
  train: ['number', ['number', 'number', 'number']],
  grad_norms: ['number', ['number']],
  steps: ['number', ['number']],
  epochs: ['number', ['number']],
  evaluate: ['number', ['number', 'number', 'number']],
  predict: ['number', ['number', 'number', 'number']],
  neuron_maps: ['number', ['number', 'number', 'number']],
  n_layers: ['number', ['number']],
  n_in: ['number', ['number']],
  layer_width: ['number', ['number', 'number']],
  layer_act: ['number', ['number', 'number']],
  params: ['number', ['number']],
  n_params: ['number', ['number']],
  set_param: ['number', ['number', 'number', 'number', 'number', 'number']],
  explain: ['number', ['number', 'number', 'number', 'number', 'number', 'number']],
  explain_summarises: ['number', ['number']],
  explain_summary: ['number', ['number', 'number', 'number', 'number', 'number']],
  explain_neuron: ['number', ['number', 'number', 'number', 'number', 'number', 'number', 'number']],
  explain_weight: ['number', ['number', 'number', 'number', 'number', 'number', 'number', 'number', 'number']],
  layer_stats: ['number', ['number', 'number', 'number', 'number']],
  export_text: ['number', ['number']],
  describe: ['string', ['number', 'number', 'number']],
};

/* Load the module (backprop.js defines createBackprop) and bind pg_*. */
export async function loadLibrary() {
  /* global createBackprop */
  lib.M = await createBackprop();
  for (const [name, [ret, args]] of Object.entries(SIGNATURES))
    lib.C[name] = lib.M.cwrap('pg_' + name, ret, args);
  lib.P = lib.C.new();
  if (!lib.P) throw new Error('out of memory');
}

/* Copy numbers into a fresh block of the heap; the caller frees it. */
export function heapF64(values) {
  const { C, M } = lib;
  const ptr = C.alloc(8 * Math.max(values.length, 1));
  M.HEAPF64.set(values, ptr / 8);
  return ptr;
}
export function heapI32(values) {
  const { C, M } = lib;
  const ptr = C.alloc(4 * Math.max(values.length, 1));
  M.HEAP32.set(values, ptr / 4);
  return ptr;
}

/* A pg call's status as an exception carrying the library's message. */
export class LibError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
export function check(status, what) {
  if (status !== 0) throw new LibError(status, `${what}: ${lib.C.error(lib.P)}`);
}

/* The library's own description of its activations (kind 0), losses (1)
 * or optimizers (2), indexed by their enum values: pg_describe's JSON of
 * each table entry (name, label, flags, ranges; include/backprop.h,
 * bp_act_info and its kin). The menus are built from these alone
 * (menus.js). */
export function libraryTable(kind) {
  const list = [];
  for (let i = 0; i < 64; i++) {
    const json = lib.C.describe(lib.P, kind, i);
    if (!json) break;
    list.push(JSON.parse(json));
  }
  return list;
}
