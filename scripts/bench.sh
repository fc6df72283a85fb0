#!/usr/bin/env bash
# Runs every benchmark (or the ones named) and prints one table: each figure
# beside its target and beside the accepted figure in tests/bench/baseline.tsv
# (the figures the README quotes). Exits 1 when a target is missed, a figure
# got worse than its baseline by more than its tolerance, or a benchmark
# failed; a change that makes something slower is a bug of that change.
#
#   scripts/bench.sh [--save] [--no-build] [NAME...]
#     NAME        manifest gallery window openfolder nextimage text autolabel export eda consolidate assign train
#                 teamserver assist
#                 (default: all; a full run takes about 15 minutes here)
#     --save      accept the measured figures as the new baseline (after a
#                 deliberate change; commit tests/bench/baseline.tsv with it)
#     --no-build  use the benchmarks already built
#     --table     print the table of the last run again (nothing is run)
#
# Logs: ${GW_BUILD_DIR:-build}/bench/NAME.log; table: build/bench/table.txt.
# Each benchmark prints "@figure" lines (tests/bench/benchfigure.h) besides
# its own report; nothing else is parsed.
set -euo pipefail

me="bench.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build_dir="${GW_BUILD_DIR:-build}"
baseline=tests/bench/baseline.tsv
all=(manifest gallery window openfolder nextimage text autolabel export eda consolidate assign train teamserver assist)

save=0 build=1 run=1 names=()
for a in "$@"; do
    case $a in
        --save) save=1 ;;
        --no-build) build=0 ;;
        --table) build=0 run=0 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "$me: unknown option $a (see --help)" >&2; exit 2 ;;
        *)
            [[ " ${all[*]} " == *" $a "* ]] || { echo "$me: no benchmark '$a' (one of: ${all[*]})" >&2; exit 2; }
            names+=("$a") ;;
    esac
done
((${#names[@]})) || names=("${all[@]}")

out="$build_dir/bench"
figures="$out/figures.tsv"
failed=()
if ((run)); then
((build)) && bash scripts/build.sh
for n in "${names[@]}"; do
    [[ -x $build_dir/tests/bench/bench_$n ]] || { echo "$me: $build_dir/tests/bench/bench_$n not built" >&2; exit 1; }
done
# The automated-labeling benchmark reads the package descriptions of the sample data.
if [[ " ${names[*]} " == *" autolabel "* && ! -s data/texts/sections12.jsonl ]]; then
    bash scripts/sample-data.sh "$root/data"
fi

mkdir -p "$out"
: >"$figures"
for n in "${names[@]}"; do
    log="$out/$n.log"
    echo "$me: bench_$n (log: $log)"
    start=$SECONDS
    rc=0
    (cd "$out" && "$root/$build_dir/tests/bench/bench_$n") >"$log" 2>&1 </dev/null || rc=$?
    got=$(grep -c '^@figure' "$log" || true)
    echo "$me:   $((SECONDS - start)) s, exit code $rc, $got figures"
    # Exit code 2 means "ran, a target missed": the table says which. Anything else is a failure.
    if ((got == 0)) || ((rc != 0 && rc != 2)); then
        failed+=("$n (exit code $rc; see $log)")
    fi
    grep '^@figure' "$log" | cut -f2- >>"$figures" || true
done
fi
[[ -f $figures ]] || { echo "$me: no figures yet ($figures): run the benchmarks first" >&2; exit 1; }

if ((save)); then
    # Keep the tolerances of figures already in the baseline; new ones get 20%.
    tmp=$(mktemp)
    {
        echo -e "# bench\tfigure\tvalue\ttolerance %  (written by scripts/bench.sh --save; edit tolerances by hand)"
        awk -F'\t' 'FNR == NR { if ($0 !~ /^#/) tol[$1 "\t" $2] = $4; next }
                    { t = ($1 "\t" $2) in tol ? tol[$1 "\t" $2] : 20; kept[$1 "\t" $2] = 1
                      print $1 "\t" $2 "\t" $3 "\t" t }
                    END { }' <(echo '#'; [[ -f $baseline ]] && cat "$baseline" || true) "$figures"
        # Figures of benchmarks not run this time stay as they were.
        [[ -f $baseline ]] && awk -F'\t' 'FNR == NR { ran[$1] = 1; next } $0 !~ /^#/ && !($1 in ran)' \
            "$figures" "$baseline"
    } >"$tmp"
    mv "$tmp" "$baseline"
    echo "$me: saved $(grep -vc '^#' "$baseline") figures as the baseline in $baseline"
fi

# One table: figure, now, target, baseline, change, verdict.
status=0
awk -F'\t' -v OFS='\t' '
    FNR == NR { if ($0 !~ /^#/) { base[$1 "\t" $2] = $3; tol[$1 "\t" $2] = $4 } next }
    function fmt(v) { if (v == "-" || v == "") return "-"; return (v + 0 >= 1000 || v == int(v)) ? sprintf("%.0f", v) : sprintf("%.3g", v) }
    {
        bench = $1; name = $2; v = $3 + 0; unit = $4; better = $5; target = $6; key = bench "\t" name
        verdict = "ok"
        if (target != "-" && ((better == "lower" && v > target + 0) || (better == "higher" && v < target + 0)))
            verdict = "MISSED"
        b = (key in base) ? base[key] : "-"; change = "-"
        if (b != "-" && b + 0 != 0) {
            pct = 100 * (v - b) / b
            change = sprintf("%+.0f%%", pct)
            worse = (better == "lower") ? pct : -pct
            if (worse > tol[key] + 0 && verdict == "ok") verdict = "WORSE"
        } else if (b == "-") verdict = verdict " (new)"
        tgt = target == "-" ? "-" : ((better == "lower" ? "<= " : ">= ") fmt(target))
        print bench, name, fmt(v) " " unit, tgt, fmt(b), change, verdict
    }' <(echo '#'; [[ -f $baseline ]] && cat "$baseline" || true) "$figures" >"$out/rows.tsv"

{
    printf '%-10s %-48s %16s %12s %12s %8s  %s\n' bench figure now target baseline change verdict
    while IFS=$'\t' read -r b f now t base ch v; do
        printf '%-10s %-48s %16s %12s %12s %8s  %s\n' "$b" "$f" "$now" "$t" "$base" "$ch" "$v"
    done <"$out/rows.tsv"
} | tee "$out/table.txt"

missed=$(grep -c $'\tMISSED' "$out/rows.tsv" || true)
worse=$(grep -c $'\tWORSE' "$out/rows.tsv" || true)
for f in "${failed[@]}"; do echo "$me: FAILED: bench_$f" >&2; done
echo "$me: $(wc -l <"$out/rows.tsv") figures, $missed targets missed, $worse worse than the baseline, ${#failed[@]} benchmarks failed"
((missed == 0 && worse == 0 && ${#failed[@]} == 0)) || status=1
exit $status
