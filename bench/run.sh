#!/bin/sh
# bench/run.sh BUILD - run backprop, PyTorch and FANN on the same recipes
# in the same run and print a Markdown report with ratios (also written
# to bench/results.md). Needs Debian's dataset-fashion-mnist, libfann-dev,
# python3-torch; installs what is missing when run as root.
#
# The epoch is timed for every kernel this CPU runs (forced with
# BP_KERNEL), at 1 and 2 threads, SPREAD epochs each, against PyTorch on
# OpenBLAS's matching kernel (OPENBLAS_CORETYPE), and against the FMA
# peak of that instruction set. The epochs are timed in ROUNDS rounds,
# each of which measures the peak and then runs every configuration in
# turn for SPREAD / ROUNDS epochs: a VM's speed moves by spells of
# minutes (30% and more here), and rounds spread each spell over all
# the configurations instead of letting it fall on one. Run it on a
# quiet machine: another busy process on the same cores shows as a slow
# epoch.
set -u
BUILD=${1:-build}
DATA=/usr/share/datasets/fashion-mnist
EPOCHS=${BENCH_EPOCHS:-10}
RUNS=${BENCH_RUNS:-8}   # accuracy runs per side, one seed each: one run swings 1-3 points
SPREAD=${BENCH_SPREAD:-10} # epochs timed per configuration
ROUNDS=${BENCH_ROUNDS:-5}  # ... in this many rounds
PER=$(( (SPREAD + ROUNDS - 1) / ROUNDS ))
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
pct() { awk -v g="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.0f%%", 100 * g / p; else printf "n/a" }'; }
# min / median / max of the numbers on one line
spread() { echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%s %s %s", v[1], v[int(NR / 2) + 1], v[NR] }'; }
# Round by round (PER epochs each, in order): in how many rounds the
# slowest epoch of list 2 was slower than the fastest of list 1, of how
# many, and the worst round's pair (list 2's slowest, list 1's fastest).
never_slower() {
    awk -v a="$1" -v b="$2" -v per="$PER" 'BEGIN {
        n1 = split(a, x, " "); n2 = split(b, y, " "); bad = 0; r = 0
        for (s = 1; s <= n1 && s <= n2; s += per) {
            lo = 1e30; hi = 0
            for (i = s; i < s + per; i++) {
                if (i <= n1 && x[i] + 0 < lo) lo = x[i] + 0
                if (i <= n2 && y[i] + 0 > hi) hi = y[i] + 0
            }
            r++; bad += hi > lo
            if (r == 1 || hi - lo > gap) { gap = hi - lo; h = hi; l = lo }
        }
        printf "%d %d %s %s", bad, r, h, l }'
}
mmm() { set -- $(spread "$1"); [ $# -eq 3 ] && printf "%s / **%s** / %s" "$1" "$2" "$3" || printf "n/a"; }
median() { set -- $(spread "$1"); echo "${2:-0}"; }
# OpenBLAS's kernel for the same instruction set as ours
coretype() {
    case $1 in
    avx512) echo SKYLAKEX ;;
    avx2) echo HASWELL ;;
    neon) echo ARMV8 ;;
    *) case $(uname -m) in aarch64) echo ARMV8 ;; *) echo PRESCOTT ;; esac ;;
    esac
}
torch() { # torch CORETYPE|unset THREADS OUTFILE
    if [ "$1" = unset ]; then
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$2 /usr/bin/python3 bench/torch_mlp.py "$DATA" $2 "$PER" 1 "$PER" >"$3" 2>/dev/null
    else
        env OPENBLAS_CORETYPE=$1 OMP_NUM_THREADS=$2 /usr/bin/python3 bench/torch_mlp.py "$DATA" $2 "$PER" 1 "$PER" >"$3" 2>/dev/null
    fi
}
# add one round's epoch times (file $2) to those of the rounds before ($1)
add_round() {
    for key in epoch_times epoch_cpu_times; do
        echo "$key $(val $key "$1") $(val $key "$2")"
    done >"$1.new" && mv "$1.new" "$1"
}
flops=$(awk 'BEGIN { w = 784 * 256 + 256 * 128 + 128 * 10; printf "%.0f", (6 * w - 2 * 784 * 256) * 60000 }')
gflops() { awk -v s="$1" -v f="$flops" 'BEGIN { if (s > 0) printf "%.1f", f / s / 1e9; else printf "n/a" }'; }

cpu=$(grep -m1 -E '^(model name|Model name)' /proc/cpuinfo | sed 's/.*: //')
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
family=$(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*: //')
model=$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | sed 's/.*: //')
kernels=$("$BUILD/backprop" info --kernels)
native=$(echo $kernels | cut -d' ' -f1)
load=$(cut -d' ' -f1 /proc/loadavg)

echo "== the peak and the epoch, per kernel and thread count, against PyTorch" >&2
configs=""
for k in $kernels; do
    for t in 1 2; do configs="$configs ours-$k-$t torch-$k-$t"; done
done
configs="$configs torch-unset-1 torch-unset-2" # PyTorch's own choice of OpenBLAS kernel
for c in $configs; do : >"$B/$c.txt"; done
: >"$B/peak-rounds.txt"
for r in $(seq 1 "$ROUNDS"); do
    echo "   round $r of $ROUNDS" >&2
    "$B/peak" >>"$B/peak-rounds.txt"
    for c in $configs; do
        set -- $(echo "$c" | tr '-' ' ')
        case $1 in
        ours) BP_KERNEL=$2 "$B/bench_mlp" epochs "$DATA" "$PER" $3 >"$B/round.txt" ;;
        torch) torch "$([ "$2" = unset ] && echo unset || coretype "$2")" $3 "$B/round.txt" ;;
        esac
        add_round "$B/$c.txt" "$B/round.txt"
    done
done
# each peak: the median of the rounds'
awk '{ v[$1] = v[$1] " " $2 } END { for (k in v) print k, v[k] }' "$B/peak-rounds.txt" |
    while read -r key vals; do echo "$key $(median "$vals")"; done >"$B/peak.txt"
for k in $kernels; do
    "$B/products" "$k" >"$B/products-$k.txt"
done
"$B/bench_mlp" sweep >"$B/sweep.txt"
"$B/bench_mlp" memory "$DATA" >"$B/mem.txt"
echo "== backprop on OpenBLAS (make BLAS=openblas), 1 thread" >&2
: >"$B/blas.txt"
if make -s BLAS=openblas build-blas/bench/bench_mlp >/dev/null 2>&1; then
    for core in "$(coretype "$native")" unset; do
        if [ "$core" = unset ]; then
            env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 build-blas/bench/bench_mlp epochs "$DATA" "$SPREAD" 1 >"$B/b.txt"
        else
            env OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=1 build-blas/bench/bench_mlp epochs "$DATA" "$SPREAD" 1 >"$B/b.txt"
        fi
        echo "$core $(val epoch_median "$B/b.txt")" >>"$B/blas.txt"
    done
fi
echo "== accuracy, inference, tiny networks" >&2
"$B/bench_mlp" "$DATA" "$EPOCHS" "$RUNS" >"$B/ours.txt"
echo "== FANN" >&2
"$B/fann_mlp" "$DATA" 6000 >"$B/fann.txt"
echo "== PyTorch accuracy" >&2
tacc_runs=""
for seed in $(seq 1 "$RUNS"); do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py "$DATA" 1 "$EPOCHS" $seed 1 >"$B/tacc.txt" 2>/dev/null
    tacc_runs="$tacc_runs $(val test_acc "$B/tacc.txt")"
done
tacc=$(echo "$tacc_runs" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.4f", NF ? s / NF : 0 }')
cp "$B/tacc.txt" "$B/tinf.txt" # its inference timings

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

load_end=$(cut -d' ' -f1 /proc/loadavg)

# ---- the report ----
isa_peak() { val "peak_$1" "$B/peak.txt"; }
isa_peak2() { val "peak_$1_2t" "$B/peak.txt"; }
ours() { val epoch_times "$B/ours-$1-$2.txt"; }
theirs() { val epoch_times "$B/torch-$1-$2.txt"; }
{
echo "# Benchmark results"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC') on $cpu${family:+ (family $family, model $model)}, $(nproc) cores;"
echo "kernels this CPU runs: $(echo $kernels | sed 's/ /, /g') (best first); 1-minute load average $load at the start, $load_end at the end"
echo "(above about 1, other processes shared the two cores: the wall times read slow, and the"
echo "two-thread ones most)."
echo "Rerun with \`make bench\`."
echo
echo "## FMA peak (bench/peak.c: the median of this run's $ROUNDS rounds)"
echo
echo "| instruction set | one core, GFLOP/s fp32 | two threads at once |"
echo "|---|---|---|"
for k in $kernels; do
    p=$(isa_peak "$k")
    [ -n "$p" ] && echo "| $k | $p | $(isa_peak2 "$k") |"
done
echo
echo "## Fashion-MNIST 784-256-128-10, ReLU, softmax cross-entropy, batch 128, SGD lr 0.1, float32"
echo
echo "Seconds per epoch (60000 samples, data in memory): min / **median** / max of $SPREAD epochs"
echo "for each kernel (BP_KERNEL) and thread count, and for PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null) on"
echo "OpenBLAS's kernel for the same instruction set (OPENBLAS_CORETYPE). The epochs ran in $ROUNDS rounds:"
echo "each round measured the peak, then ran every configuration in turn for $PER epochs, each in"
echo "a process of its own whose first epoch counts too (its CPU seconds, not its wall time,"
echo "include the check of the data), so that the VM's slow and fast spells fall on all of"
echo "them alike. GFLOP/s and % of that"
echo "instruction set's peak (one core, or both for 2 threads) from the medians."
echo
echo "| kernel | threads | backprop | GFLOP/s (% of peak) | PyTorch (OpenBLAS kernel) | backprop / PyTorch |"
echo "|---|---|---|---|---|---|"
for k in $kernels; do
    for t in 1 2; do
        o=$(median "$(ours $k $t)"); p=$(median "$(theirs $k $t)")
        pk=$(isa_peak "$k"); [ $t = 2 ] && pk=$(isa_peak2 "$k")
        [ "$k" = portable ] && pk=""
        g=$(gflops "$o")
        echo "| $k | $t | $(mmm "$(ours $k $t)") | $g${pk:+ ($(pct "$g" "$pk"))} | $(mmm "$(theirs $k $t)") ($(coretype $k)) | $(ratio "$o" "$p") |"
    done
done
for t in 1 2; do
    echo "| PyTorch, OpenBLAS's own choice | $t | | | $(mmm "$(val epoch_times "$B/torch-unset-$t.txt")") (unset) | |"
done
bl=$(awk '$2 > 0 { if (!b || $2 < b) { b = $2; c = $1 } } END { if (b) printf "%s (%s)", b, c }' "$B/blas.txt")
[ -n "$bl" ] && echo "| backprop on OpenBLAS's sgemm (make BLAS=openblas), best setting, median | 1 | $bl | | | |"
f1=$(val epoch_s_1t "$B/fann.txt")
echo "| FANN 2.2 (per sample; $(val fann_samples "$B/fann.txt") samples, scaled), best | 1 | $f1 | | | |"
echo
# the targets of issue 16, from the medians
echo "Targets (medians of this run):"
echo
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { ok = op == "<=" ? a <= b : a >= b; printf "%s", ok ? "met" : "**not met**" }'; }
for k in $kernels; do
    [ "$k" = portable ] && continue
    o1=$(median "$(ours $k 1)"); o2=$(median "$(ours $k 2)")
    p1=$(median "$(theirs $k 1)"); p2=$(median "$(theirs $k 2)")
    pbest=$(awk -v a="$p1" -v b="$p2" 'BEGIN { print (b > 0 && b < a) ? b : a }')
    r1=$(ratio "$o1" "$p1"); r2=$(ratio "$o2" "$pbest")
    pk2=$(isa_peak2 "$k"); g2=$(gflops "$o2")
    e=$(awk -v g="$g2" -v p="$pk2" 'BEGIN { if (p > 0) printf "%.2f", g / p; else print 0 }')
    set -- $(never_slower "$(ours $k 1)" "$(ours $k 2)"); slower=$1 rounds=$2 max2=$3 min1=$4
    echo "- $k, 1 thread <= 0.8x PyTorch's 1-thread epoch ($(coretype $k)): ${r1}x, $(verdict "$r1" "<=" 0.8)"
    echo "- $k, 2 threads <= 0.5x PyTorch's best epoch ($(coretype $k), $pbest s): ${r2}x, $(verdict "$r2" "<=" 0.5)"
    echo "- $k, 2 threads >= 70% of both cores' peak: $(pct "$g2" "$pk2"), $(verdict "$e" ">=" 0.70)"
    echo "- $k, 2 threads never slower than 1 (in each round, the slowest 2-thread epoch against the fastest 1-thread one): slower in $slower of $rounds rounds (the worst round: $max2 s against $min1 s), $(verdict "$slower" "<=" 0)"
done
# CPU seconds: what the process used, whatever else ran on the machine
# (for one thread; for two, both threads' sum, spinning included)
for k in $kernels; do
    [ "$k" = portable ] && continue
    oc=$(median "$(val epoch_cpu_times "$B/ours-$k-1.txt")"); pcpu=$(median "$(val epoch_cpu_times "$B/torch-$k-1.txt")")
    echo "- $k, 1 thread, in CPU seconds (medians; less sensitive to other load than the wall times above): backprop $oc, PyTorch $pcpu ($(coretype $k)): $(ratio "$oc" "$pcpu")x"
done
u1=$(median "$(val epoch_times "$B/torch-unset-1.txt")"); u2=$(median "$(val epoch_times "$B/torch-unset-2.txt")")
n1=$(median "$(theirs $native 1)"); n2=$(median "$(theirs $native 2)")
best=$(printf '%s\n' "$u1" "$u2" "$n1" "$n2" | awk '$1 > 0' | sort -g | head -n 1)
r=$(ratio "$(median "$(ours $native 2)")" "$best")
echo "- native kernel ($native), 2 threads <= 0.5x PyTorch's best configuration ($best s): ${r}x, $(verdict "$r" "<=" 0.5)"
echo
echo "The products of one step alone (bench/products.c; the thread's CPU time, best of many, so"
echo "closer to what the kernel can do than to what an epoch gets), microseconds and GFLOP/s:"
echo
files=""; for k in $kernels; do files="$files $B/products-$k.txt"; done
awk -v ks="$kernels" 'BEGIN { nk = split(ks, K, " ") }
    FNR == 1 { f++ }
    / us / { name = substr($0, 1, 18); sub(/ +$/, "", name); n = split(substr($0, 19), v, " ");
             if (f == 1) order[++rows] = name; cell[name, f] = v[1] " us, " v[3] " GFLOP/s" }
    END { printf "| product |"; for (i = 1; i <= nk; i++) printf " %s |", K[i]; print "";
          printf "|---|"; for (i = 1; i <= nk; i++) printf "---|"; print "";
          for (r = 1; r <= rows; r++) { printf "| %s |", order[r]; for (i = 1; i <= nk; i++) printf " %s |", cell[order[r], i]; print "" } }' $files
echo
echo "Every epoch (seconds), in the order they ran within each configuration: $PER a round, $ROUNDS rounds:"
echo
echo '```'
for k in $kernels; do
    for t in 1 2; do
        echo "backprop $k $t: $(ours $k $t)  (CPU seconds: $(val epoch_cpu_times "$B/ours-$k-$t.txt"))"
        echo "PyTorch  $(coretype $k) $t: $(theirs $k $t)  (CPU seconds: $(val epoch_cpu_times "$B/torch-$k-$t.txt"))"
    done
done
for t in 1 2; do echo "PyTorch  unset $t: $(val epoch_times "$B/torch-unset-$t.txt")"; done
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
o2=$(median "$(ours $native 2)")
echo "| 1 process, 2 threads ($native, median) | $o2 | $(ratio "$m1" "$o2") |"
if [ -s "$B/allreduce.txt" ]; then
    echo
    echo "One step's gradient exchange alone (bench/allreduce.c: in-place MPI_Allreduce of $(val allreduce_floats "$B/allreduce.txt") floats, $(val allreduce_ranks "$B/allreduce.txt") ranks): $(val allreduce_us "$B/allreduce.txt") us; one rank's step takes $(awk -v s="$m1" 'BEGIN { printf "%.0f", s / 469 * 1e6 }') us."
fi
echo
echo "## Test accuracy after $EPOCHS epochs, same recipe"
echo
echo "Both start from He-uniform weights and zero biases; $RUNS runs each, every run with its own seed (weights and shuffling): one run's accuracy swings by 1-3 points."
echo
echo "| | mean | runs |"
echo "|---|---|---|"
echo "| backprop ($native, 2 threads) | $(val test_acc "$B/ours.txt") | $(val test_acc_runs "$B/ours.txt") |"
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
for n in xor_2_2_1 xor_2_4_1 mazur_2_2_2; do
    a=$(val "tiny_${n}_ns" "$B/ours.txt"); b=$(val "tiny_${n}_ns" "$B/fann.txt")
    echo "| $n | $a | $b | $(ratio "$b" "$a") |"
done
echo
echo "## Measuring a kernel on another machine"
echo
echo "On any CPU (an ARM one: Graviton, Apple silicon under Linux, a Raspberry Pi 4 or 5), \`make bench\` times every"
echo "kernel that CPU runs against PyTorch; the epoch alone, for one kernel and thread count:"
echo "\`make build/bench/bench_mlp && BP_KERNEL=neon build/bench/bench_mlp epochs /usr/share/datasets/fashion-mnist 10 1\`."
} >"$OUT"
cat "$OUT"
