"""Explanation: one sample's forward and backward phase, as text and as
arrays."""
import numpy as np


class Explanation:
    """What `backprop explain` prints for one sample, and its numbers.

    str(e) (or e.text) is the text the command prints for the same model,
    input and target. The arrays are the library's own numbers from its
    forward and backward phase on a copy of the network (layer i is the
    i-th weight layer, as in coefs_):

    x, target         the sample (after the model's input scaling) and
                      the outputs it should give
    z[i], out[i]      net input and output of each neuron of layer i
    delta[i]          dE/dz of each neuron of layer i
    coef_grads[i]     dE/dw, shaped like coefs_[i] (n_in, n_out)
    intercept_grads[i] dE/db, shaped like intercepts_[i]
    error             the error E for this sample
    updated[order]    for order "standard" and "layer-wise": the weights
                      after one plain gradient-descent step at lr, as
                      {"coefs": [...], "intercepts": [...], "error": E
                      after the step}
    """

    def __init__(self, text, x, target, numbers, net):
        self.text = text
        self.x = x
        self.target = target
        self.error = numbers["error"]
        self.z = numbers["z"]
        self.out = numbers["out"]
        self.delta = numbers["delta"]
        layers = net.layers()
        offsets = [net.offsets(l) for l in range(len(layers))]
        self.coef_grads, self.intercept_grads = _split(
            numbers["grads"], layers, offsets)
        self.updated = {}
        for order in ("standard", "layer-wise"):
            coefs, intercepts = _split(numbers[order]["params"], layers,
                                       offsets)
            self.updated[order] = {"coefs": coefs, "intercepts": intercepts,
                                   "error": numbers[order]["error"]}

    def __str__(self):
        return self.text

    def __repr__(self):
        return "<Explanation: %d layers, E = %.9g>" % (len(self.z),
                                                       self.error)


def _split(flat, layers, offsets):
    """A flat parameter-shaped block as coefs_-shaped and
    intercepts_-shaped lists."""
    coefs, intercepts = [], []
    for (n_in, n_out, _, _), (w, b) in zip(layers, offsets):
        coefs.append(np.ascontiguousarray(flat[w:b].reshape(n_out, n_in).T))
        intercepts.append(flat[b:b + n_out].copy())
    return coefs, intercepts
