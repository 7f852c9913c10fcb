#!/bin/sh
# bench/run.sh BUILD - run backprop, PyTorch and FANN on the same recipes
# in the same run and print a Markdown report with ratios (also written
# to bench/results.md). Needs Debian's dataset-fashion-mnist, libfann-dev,
# python3-torch; installs what is missing when run as root.
set -u
BUILD=${1:-build}
DATA=/usr/share/datasets/fashion-mnist
EPOCHS=${BENCH_EPOCHS:-10}
SEEDS=${BENCH_SEEDS:-8}  # accuracy runs per side: one run swings 1-3 points
OUT=bench/results.md
B="$BUILD/bench"
need=""
[ -d "$DATA" ] || need="$need dataset-fashion-mnist"
[ -f /usr/include/fann.h ] || need="$need libfann-dev"
/usr/bin/python3 -c "import torch" 2>/dev/null || need="$need python3-torch"
if [ -n "$need" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
fi
val() { sed -n "s/^$1 //p" "$2" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

echo "== peak" >&2
"$B/peak" >"$B/peak.txt"
echo "== backprop" >&2
"$B/bench_mlp" "$DATA" "$EPOCHS" "$SEEDS" >"$B/ours.txt"
"$B/bench_mlp" sweep >"$B/sweep.txt"
"$B/bench_mlp" memory "$DATA" >"$B/mem.txt"
echo "== backprop on OpenBLAS (make BLAS=openblas), each OpenBLAS kernel setting" >&2
: >"$B/blas.txt"
if make -s BLAS=openblas build-blas/bench/bench_mlp >/dev/null 2>&1; then
    for core in as-set unset COOPERLAKE; do
        case $core in
        as-set) env OPENBLAS_NUM_THREADS=1 build-blas/bench/bench_mlp "$DATA" 1 >"$B/b.txt" ;;
        unset) env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 build-blas/bench/bench_mlp "$DATA" 1 >"$B/b.txt" ;;
        *) env OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=1 build-blas/bench/bench_mlp "$DATA" 1 >"$B/b.txt" ;;
        esac
        echo "$core $(val epoch_s_1t "$B/b.txt")" >>"$B/blas.txt"
    done
fi
echo "== FANN" >&2
"$B/fann_mlp" "$DATA" 6000 >"$B/fann.txt"
echo "== PyTorch" >&2
: >"$B/torch.txt"
# OpenBLAS kernel choices: as set here, unset, and COOPERLAKE
for core in "as-set" "unset" "COOPERLAKE"; do
    for t in 1 2; do
        case $core in
        as-set) env OMP_NUM_THREADS=$t /usr/bin/python3 bench/torch_mlp.py "$DATA" $t 3 >"$B/t.txt" 2>/dev/null ;;
        unset) env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$t /usr/bin/python3 bench/torch_mlp.py "$DATA" $t 3 >"$B/t.txt" 2>/dev/null ;;
        *) env OPENBLAS_CORETYPE=$core OMP_NUM_THREADS=$t /usr/bin/python3 bench/torch_mlp.py "$DATA" $t 3 >"$B/t.txt" 2>/dev/null ;;
        esac
        echo "$core $t $(val epoch_s "$B/t.txt")" >>"$B/torch.txt"
    done
done
# accuracy: $SEEDS seeds, one thread at PyTorch's best setting
tacc_runs=""
for seed in $(seq 1 "$SEEDS"); do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py "$DATA" 1 "$EPOCHS" $seed >"$B/tacc.txt" 2>/dev/null
    tacc_runs="$tacc_runs $(val test_acc "$B/tacc.txt")"
done
tacc=$(echo "$tacc_runs" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.4f", NF ? s / NF : 0 }')
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py "$DATA" 1 3 >"$B/tinf.txt" 2>/dev/null

echo "== MPI ranks" >&2
: >"$B/mpi.txt"
if command -v mpicc >/dev/null 2>&1 && make -s MPI=1 all >/dev/null 2>&1; then
    for np in 1 2; do
        mpirun --allow-run-as-root --oversubscribe -np $np build-mpi/backprop train --data "$DATA" \
            --layers 784,256,128,10 --epochs 3 --batch 128 --optim sgd --lr 0.1 --val-split 0 \
            --scale minmax --quiet --log "$B/mpi$np.jsonl" >/dev/null 2>&1
        echo "$np $(sed 's/.*"seconds":\([^,]*\).*/\1/' "$B/mpi$np.jsonl" | sort -g | head -n 1)" >>"$B/mpi.txt"
    done
    # the exchange alone: one step's allreduce of the gradient
    mpicc -O2 bench/allreduce.c -o "$B/allreduce" &&
        mpirun --allow-run-as-root --oversubscribe -np 2 "$B/allreduce" >"$B/allreduce.txt" 2>/dev/null
fi

peak=$(val peak "$B/peak.txt"); peak2=$(val peak_2t "$B/peak.txt")
o1=$(val epoch_s_1t "$B/ours.txt"); o2=$(val epoch_s_2t "$B/ours.txt")
g1=$(val gflops_1t "$B/ours.txt"); g2=$(val gflops_2t "$B/ours.txt")
best_t() { awk -v t="$1" '$2 == t && $3 > 0 { if (!b || $3 < b) { b = $3; c = $1 } } END { printf "%s %s", b, c }' "$B/torch.txt"; }
set -- $(best_t 1); t1=$1; c1=$2
set -- $(best_t 2); t2=$1; c2=$2
f1=$(val epoch_s_1t "$B/fann.txt")
{
echo "# Benchmark results"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores;"
echo "backprop kernel: $(val kernel_name "$B/ours.txt"); rerun with \`make bench\`."
echo "Measured peak (FMA loop in bench/peak.c): $peak GFLOP/s fp32 on one core, $peak2 on both at once."
echo
echo "## Fashion-MNIST 784-256-128-10, ReLU, softmax cross-entropy, batch 128, SGD lr 0.1, float32"
echo
echo "Seconds per epoch (60000 samples, data already in memory; best of 3)."
echo
pct() { awk -v g="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.0f%%", 100 * g / p; else printf "n/a" }'; }
echo "| | 1 thread | 2 threads | GFLOP/s, 1 thread (% of one core's peak) | GFLOP/s, 2 threads (% of two cores' peak) |"
echo "|---|---|---|---|---|"
echo "| backprop | $o1 | $o2 | $g1 ($(pct "$g1" "$peak")) | $g2 ($(pct "$g2" "$peak2")) |"
echo "| PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), best of its BLAS settings | $t1 ($c1) | $t2 ($c2) | | |"
bl=$(awk '$2 > 0 { if (!b || $2 < b) { b = $2; c = $1 } } END { printf "%s (%s)", b, c }' "$B/blas.txt")
echo "| backprop on OpenBLAS's sgemm instead of its own kernels (make BLAS=openblas), best setting | $bl | | | |"
echo "| FANN 2.2 (per sample; $(val fann_samples "$B/fann.txt") samples, scaled) | $f1 | | | |"
echo
# PyTorch's best configuration, whatever its thread count
tb=$(awk -v a="$t1" -v b="$t2" 'BEGIN { if (b > 0 && b < a) print b; else print a }')
echo "PyTorch over backprop (time ratio, > 1: backprop faster): 1 thread $(ratio "$t1" "$o1"), 2 threads $(ratio "$t2" "$o2"); FANN over backprop: $(ratio "$f1" "$o1")."
echo "backprop at 2 threads against PyTorch's best configuration ($tb s): $(ratio "$o2" "$tb")x the time; 2 threads against 1: $(ratio "$o1" "$o2")x faster."
echo
echo "Every PyTorch run (OPENBLAS_CORETYPE setting, threads, seconds per epoch):"
echo
echo '```'
cat "$B/torch.txt"
echo '```'
echo
echo "Data parallel over MPI (make MPI=1; one thread per rank; best of 3 epochs):"
echo
echo "| ranks | seconds per epoch | speed-up |"
echo "|---|---|---|"
m1=$(awk '$1 == 1 { print $2 }' "$B/mpi.txt")
while read -r np s; do
    echo "| $np | $s | $(ratio "$m1" "$s") |"
done <"$B/mpi.txt"
echo "| 1 process, 2 threads | $o2 | $(ratio "$o1" "$o2") (vs 1 thread) |"
if [ -s "$B/allreduce.txt" ]; then
    echo
    echo "One step's gradient exchange alone (bench/allreduce.c: in-place MPI_Allreduce of $(val allreduce_floats "$B/allreduce.txt") floats, $(val allreduce_ranks "$B/allreduce.txt") ranks): $(val allreduce_us "$B/allreduce.txt") us; one rank's step takes $(awk -v s="$m1" 'BEGIN { printf "%.0f", s / 469 * 1e6 }') us."
fi
echo
echo "## Test accuracy after $EPOCHS epochs, same recipe"
echo
echo "Both start from He-uniform weights and zero biases; $SEEDS seeds each (weights and shuffling): one run's accuracy swings by 1-3 points."
echo
echo "| | mean | runs |"
echo "|---|---|---|"
echo "| backprop | $(val test_acc "$B/ours.txt") | $(val test_acc_runs "$B/ours.txt") |"
echo "| PyTorch | $tacc | $tacc_runs |"
echo
echo "Difference of the means: $(awk -v a="$(val test_acc "$B/ours.txt")" -v b="$tacc" 'BEGIN { printf "%.2f", 100 * (a - b) }') percentage points."
echo
echo "## Inference, 784-256-128-10, one thread"
echo
echo "| | backprop | PyTorch | PyTorch / backprop |"
echo "|---|---|---|---|"
echo "| batch 1 latency, microseconds | $(val infer_batch1_us "$B/ours.txt") | $(val infer_batch1_us "$B/tinf.txt") | $(ratio "$(val infer_batch1_us "$B/tinf.txt")" "$(val infer_batch1_us "$B/ours.txt")") |"
echo "| batch 10000 throughput, samples/s | $(val infer_batch10000_per_s "$B/ours.txt") | $(val infer_batch10000_per_s "$B/tinf.txt") | $(ratio "$(val infer_batch10000_per_s "$B/tinf.txt")" "$(val infer_batch10000_per_s "$B/ours.txt")") |"
echo
echo "## How cost grows: microseconds of training per sample (784-W-10, 1 thread, random data)"
echo
echo "| hidden width W | batch 1 | batch 32 | batch 128 | batch 1024 |"
echo "|---|---|---|---|---|"
for w in 256 1024 4096; do
    echo "| $w | $(val sweep_${w}_1_us "$B/sweep.txt") | $(val sweep_${w}_32_us "$B/sweep.txt") | $(val sweep_${w}_128_us "$B/sweep.txt") | $(val sweep_${w}_1024_us "$B/sweep.txt") |"
done
echo
echo "Peak memory of a Fashion-MNIST training epoch: $(val mem_peak_mb "$B/mem.txt") MB resident, against $(val mem_needed_mb "$B/mem.txt") MB of data + parameters, gradients and optimizer state + workspace: $(val mem_ratio "$B/mem.txt")x."
echo
echo "## Tiny networks, one per-sample SGD step (forward, backward, update), nanoseconds"
echo
echo "| network | backprop | FANN | FANN / backprop |"
echo "|---|---|---|---|"
for n in xor_2_2_1 xor_2_4_1 seeds_2_2_2; do
    a=$(val "tiny_${n}_ns" "$B/ours.txt"); b=$(val "tiny_${n}_ns" "$B/fann.txt")
    echo "| $n | $a | $b | $(ratio "$b" "$a") |"
done
} >"$OUT"
cat "$OUT"
