#!/usr/bin/python3
"""Write the PyTorch reference files that tests/test_ref.c checks against.

Run by hand, with Debian's python3-torch (CI needs no PyTorch: the files
are committed):

    /usr/bin/python3 tests/ref/make_refs.py

Each file describes one small network and one batch, all in float64:
its architecture and loss, weights, inputs and targets, and what PyTorch
computes: the outputs, the loss, the gradient of every weight and bias,
and for each optimizer the losses and parameters over three steps on the
same batch.

Format: one item per line, '#' starts a comment.
    n_in N | layer N_OUT ACT PARAM | loss NAME REDUCTION | batch N
    tensor NAME COUNT     followed by COUNT numbers (any line breaks)
    optim NAME KIND LR MOMENTUM WEIGHT_DECAY L1 L2   then tensors 'losses'
                          (3, the loss alone, before each step), 'params'
                          (after 3) and 'penalty' (L1 * sum|W| + L2/2 *
                          sum W^2 of the weights after 3)
    end
Parameters are listed in the library's layout: per layer W[n_out][n_in]
row-major, then b[n_out].

L1 and L2 are the library's regularization: PyTorch minimises the loss
plus L1 * sum |W| + L2 / 2 * sum W^2 over the weights (not the biases),
so autograd adds L1 * sign(W) + L2 * W to their gradients; the losses
recorded are the loss alone, as the library reports them.
"""
import os
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

NETS = [
    # name, n_in, [(n_out, act, param)], loss, reduction, batch
    ("sigmoid_sse", 3, [(4, "sigmoid", 0), (2, "sigmoid", 0)], "sse", "sum", 1),
    ("tanh_relu_softmax_ce", 5, [(8, "tanh", 0), (6, "relu", 0), (3, "softmax", 0)], "ce", "mean", 5),
    ("leaky_sigmoid_bce", 4, [(7, "leaky_relu", 0.1), (3, "sigmoid", 0)], "bce", "mean", 4),
    ("relu_identity_sse", 3, [(5, "relu", 0), (2, "identity", 0)], "sse", "mean", 6),
    ("one_wide", 2, [(1, "tanh", 0), (3, "softmax", 0)], "sse", "sum", 3),
    ("single_layer_ce", 6, [(4, "softmax", 0)], "ce", "sum", 2),
]

OPTIMS = [
    # name, kind (the library's), lr, momentum, weight_decay, l1, l2,
    # constructor
    ("sgd", "sgd", 0.1, 0.0, 0.0, 0.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_l2", "sgd", 0.1, 0.0, 0.01, 0.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01)),
    ("momentum", "momentum", 0.05, 0.9, 0.0, 0.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("nesterov", "nesterov", 0.05, 0.9, 0.0, 0.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    ("adam", "adam", 0.01, 0.0, 0.0, 0.0, 0.0, lambda p: torch.optim.Adam(p, lr=0.01)),
    ("adamw", "adam", 0.01, 0.0, 0.01, 0.0, 0.0, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01)),
    # iRprop-: torch's Rprop zeroes the gradient where its sign flips
    ("rprop", "rprop", 0.01, 0.0, 0.0, 0.0, 0.0, lambda p: torch.optim.Rprop(p, lr=0.01)),
    # L1 and L2 penalties on the weights, with every optimizer
    ("sgd_l1_l2", "sgd", 0.1, 0.0, 0.0, 0.02, 0.05, lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_wd_l1_l2", "sgd", 0.1, 0.0, 0.01, 0.02, 0.05, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01)),
    ("momentum_l1_l2", "momentum", 0.05, 0.9, 0.0, 0.02, 0.05, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("nesterov_l1_l2", "nesterov", 0.05, 0.9, 0.0, 0.02, 0.05, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    ("adam_l1_l2", "adam", 0.01, 0.0, 0.0, 0.02, 0.05, lambda p: torch.optim.Adam(p, lr=0.01)),
    ("adamw_l1_l2", "adam", 0.01, 0.0, 0.01, 0.02, 0.05, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01)),
    ("rprop_l1_l2", "rprop", 0.01, 0.0, 0.0, 0.02, 0.05, lambda p: torch.optim.Rprop(p, lr=0.01)),
]


def act(name, param, z):
    return {"identity": lambda: z, "sigmoid": lambda: torch.sigmoid(z),
            "tanh": lambda: torch.tanh(z), "relu": lambda: torch.relu(z),
            "leaky_relu": lambda: F.leaky_relu(z, param),
            "softmax": lambda: torch.softmax(z, dim=1)}[name]()


def forward(params, layers, x):
    a, z = x, None
    for i, (n_out, name, param) in enumerate(layers):
        w, b = params[2 * i], params[2 * i + 1]
        z = a @ w.T + b
        a = act(name, param, z)
    return z, a


def loss_of(loss, red, z, a, t):
    if loss == "sse":
        per = 0.5 * ((a - t) ** 2).sum(dim=1)
    elif loss == "bce":
        per = F.binary_cross_entropy_with_logits(z, t, reduction="none").sum(dim=1)
    else:
        per = -(t * torch.log_softmax(z, dim=1)).sum(dim=1)
    return per.mean() if red == "mean" else per.sum()


def penalty(params, l1, l2):
    """L1 * sum |W| + L2 / 2 * sum W^2 over the weights (even entries)."""
    ws = params[0::2]
    return (l1 * sum(w.abs().sum() for w in ws) +
            l2 / 2 * sum((w * w).sum() for w in ws))


def put(f, name, values):
    values = [float(v) for v in values.reshape(-1)]
    f.write("tensor %s %d\n" % (name, len(values)))
    for i in range(0, len(values), 6):
        f.write(" ".join("%.17g" % v for v in values[i:i + 6]) + "\n")


def flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params])


def write(name, n_in, layers, loss, red, batch, seed):
    g = torch.Generator().manual_seed(seed)
    params, below = [], n_in
    for n_out, _, _ in layers:
        params.append((torch.randn(n_out, below, generator=g) * (1.0 / below) ** 0.5))
        params.append(torch.randn(n_out, generator=g) * 0.1)
        below = n_out
    x = torch.randn(batch, n_in, generator=g)
    k = layers[-1][0]
    if loss == "ce":
        t = F.one_hot(torch.randint(0, k, (batch,), generator=g), k).double()
    elif loss == "bce":
        t = torch.rand(batch, k, generator=g) * 0.8 + 0.1
    else:
        t = torch.rand(batch, k, generator=g) * 2 - 1
    with open(os.path.join(HERE, name + ".ref"), "w") as f:
        f.write("# %s: written by tests/ref/make_refs.py with PyTorch %s\n"
                % (name, torch.__version__))
        f.write("n_in %d\n" % n_in)
        for n_out, a, p in layers:
            f.write("layer %d %s %.17g\n" % (n_out, a, p))
        f.write("loss %s %s\nbatch %d\n" % (loss, red, batch))
        put(f, "params", flat(params))
        put(f, "x", x)
        put(f, "t", t)
        ps = [p.clone().requires_grad_(True) for p in params]
        z, a = forward(ps, layers, x)
        e = loss_of(loss, red, z, a, t)
        e.backward()
        put(f, "out", a.detach())
        put(f, "loss", e.detach().reshape(1))
        put(f, "grads", torch.cat([p.grad.reshape(-1) for p in ps]))
        for oname, kind, lr, mom, wd, l1, l2, make in OPTIMS:
            ps = [p.clone().requires_grad_(True) for p in params]
            opt = make(ps)
            losses = []
            for _ in range(3):
                opt.zero_grad()
                z, a = forward(ps, layers, x)
                e = loss_of(loss, red, z, a, t)
                losses.append(float(e))
                (e + penalty(ps, l1, l2)).backward()
                opt.step()
            f.write("optim %s %s %.17g %.17g %.17g %.17g %.17g\n"
                    % (oname, kind, lr, mom, wd, l1, l2))
            put(f, "losses", torch.tensor(losses))
            put(f, "params", flat(ps))
            put(f, "penalty", penalty(ps, l1, l2).detach().reshape(1))
        f.write("end\n")


if __name__ == "__main__":
    for i, spec in enumerate(NETS):
        write(*spec, seed=1000 + i)
        print("wrote tests/ref/%s.ref" % spec[0])
