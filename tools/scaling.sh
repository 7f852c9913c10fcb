#!/bin/sh
# tools/scaling.sh [C_MS] [PARAMS] - the scaling model of docs/SCALING.md:
# time per global batch on N nodes = C/N + ring allreduce of the gradient,
# 2 (N-1)/N * bytes / bandwidth + 2 (N-1) * latency. C_MS is the compute
# time of one global batch on one node (measured), PARAMS the parameter
# count. Prints efficiency C/N / (C/N + allreduce) for 8, 16 and 64 nodes
# on 10 and 100 Gb/s networks.
C=${1:-1.31}
P=${2:-235146}
awk -v c="$C" -v p="$P" 'BEGIN {
    bytes = 4 * p
    printf "| network | N | compute ms | allreduce ms | step ms | efficiency |\n|---|---|---|---|---|---|\n"
    split("10 100", gbps, " "); split("20 5", lat_us, " ")
    for (k = 1; k <= 2; k++) {
        bw = gbps[k] * 1e9 / 8; lat = lat_us[k] * 1e-6
        split("1 2 8 16 64", ns, " ")
        for (i = 1; i <= 5; i++) {
            n = ns[i]; comp = c / n
            ar = n > 1 ? (2 * (n - 1) / n * bytes / bw + 2 * (n - 1) * lat) * 1e3 : 0
            printf "| %d Gb/s, %d us | %d | %.3f | %.3f | %.3f | %.0f%% |\n", gbps[k], lat_us[k], n, comp, ar, comp + ar, 100 * comp / (comp + ar)
        }
    }
}'
