#!/usr/bin/python3
"""PyTorch's side of the benchmark: the same recipe as bench_mlp.c.

784-256-128-10, ReLU, softmax cross-entropy (mean over the batch), batch
128, SGD lr 0.1, float32, inputs scaled to [0, 1]; seconds per epoch with
the data already in memory (best of 3), then the test accuracy after
EPOCHS epochs. Usage: torch_mlp.py DIR THREADS EPOCHS [SEED [TIMED]]:
the first TIMED epochs (default 3) are timed, each printed in
epoch_times and the best as epoch_s. Prints "key value" lines;
bench/run.sh runs it under each OPENBLAS_CORETYPE setting.
"""
import gzip
import os
import sys
import time

import numpy as np
import torch


def idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(d, split):
    def find(kind, n):
        for suffix in ("", ".gz"):
            p = os.path.join(d, "%s-%s-idx%d-ubyte%s" % (split, kind, n, suffix))
            if os.path.exists(p):
                return p
        raise SystemExit("missing %s %s in %s" % (split, kind, d))
    x = idx(find("images", 3)).reshape(-1, 784).astype(np.float32) / 255
    y = idx(find("labels", 1)).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    d, threads, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    timed = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    xtr, ytr = load(d, "train")
    xte, yte = load(d, "t10k")
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10))
    # backprop's recipe: He uniform weights, U(-sqrt(6/fan_in), +), and
    # zero biases (PyTorch's default would be U(-1/sqrt(fan_in), +) for
    # both), so the accuracies compare the training, not two inits
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    lossf = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]

    def epoch():
        perm = torch.randperm(n)
        for i in range(0, n, 128):
            idx_ = perm[i:i + 128]
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(xtr[idx_]), ytr[idx_])
            loss.backward()
            opt.step()

    # wall seconds, and the process's CPU seconds (less sensitive to
    # other load on a shared machine; for two threads, their sum)
    times, cpu = [], []
    for _ in range(timed):
        t, c = time.perf_counter(), time.process_time()
        epoch()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print("epoch_s %.3f" % min(times))
    print("epoch_times " + " ".join("%.3f" % t for t in times))
    print("epoch_cpu_times " + " ".join("%.3f" % t for t in cpu))
    for _ in range(epochs - timed):
        epoch()
    with torch.no_grad():
        best = 1e30
        for _ in range(5):
            t = time.perf_counter()
            for i in range(2000):
                net(xte[i:i + 1])
            best = min(best, (time.perf_counter() - t) / 2000)
        print("infer_batch1_us %.2f" % (best * 1e6))
        best = 1e30
        for _ in range(3):
            t = time.perf_counter()
            net(xte)
            best = min(best, time.perf_counter() - t)
        print("infer_batch10000_per_s %.0f" % (10000 / best))
        acc = (net(xte).argmax(1) == yte).float().mean().item()
    print("test_acc %.4f" % acc)
    print("blas %s" % os.environ.get("OPENBLAS_CORETYPE", "(unset)"))


if __name__ == "__main__":
    main()
