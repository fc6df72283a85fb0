#!/usr/bin/env bash
# Builds the libFuzzer harnesses of every reader (clang 16, -fsanitize=fuzzer,address,undefined; build dir
# ${GW_FUZZ_BUILD_DIR:-build-fuzz}) and runs them on their corpora in tests/fuzz/corpus/TARGET.
#
#   scripts/fuzz.sh [--seconds N] [--ci] [TARGET...]
#     --seconds N  how long each target runs (default 600); new inputs that find new code are merged into
#                  the corpus (minimised: libFuzzer's -merge), to be committed
#     --ci         3 s per target on the committed corpus, nothing written back (CI runs this: under 60 s)
#     --no-build   use the harnesses already built (to run two at once, one per core)
#     TARGET       fuzz_json fuzz_manifest fuzz_texts fuzz_maskpng fuzz_coco fuzz_labelme fuzz_voc fuzz_yolo
#                  fuzz_maskpngs fuzz_classfolders (default: all)
#
# A target without a corpus gets seeds packed from tests/golden (several files in one input: each starts
# with a line "--gwfile PATH", see tests/fuzz/fuzzutil.h). A crash stops the run with exit code 1; the input
# is in $build/crashes/TARGET/ and its stack in the log printed.
set -euo pipefail

me="fuzz.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build="${GW_FUZZ_BUILD_DIR:-build-fuzz}"
all=(fuzz_json fuzz_manifest fuzz_texts fuzz_maskpng fuzz_coco fuzz_labelme fuzz_voc fuzz_yolo fuzz_maskpngs
     fuzz_classfolders fuzz_responses)
seconds=600 ci=0 build_it=1 targets=()
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift ;;
        --ci) ci=1 seconds=3 ;;
        --no-build) build_it=0 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "$me: unknown option $1" >&2; exit 2 ;;
        *) [[ " ${all[*]} " == *" $1 "* ]] || { echo "$me: no target $1 (${all[*]})" >&2; exit 2; }
           targets+=("$1") ;;
    esac
    shift
done
((${#targets[@]})) || targets=("${all[@]}")

if ((build_it)); then
    [[ ${GW_SKIP_SETUP:-0} == 1 ]] || bash scripts/setup.sh
    export CCACHE_DIR="${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}" CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
    echo "$me: building $build (clang 16, fuzzer + ASan + UBSan)"
    CC=clang-16 CXX=clang++-16 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGW_FUZZ=ON >/dev/null
    cmake --build "$build" -j2 --target "${targets[@]}"
fi

# ---- seed corpora from the golden files ----
golden=tests/golden
# pack DIR [EXCLUDE-REGEX]: every file below DIR as "--gwfile RELATIVE\n" + its bytes.
pack() {
    local dir=$1 exclude=${2:-^$} f
    (cd "$dir" && find . -type f | sed 's|^\./||' | sort | grep -Ev "$exclude" | while read -r f; do
        printf -- '--gwfile %s\n' "$f"; cat -- "$f"; printf '\n'; done)
}
seed() { # seed TARGET NAME < bytes
    mkdir -p "tests/fuzz/corpus/$1"
    cat >"tests/fuzz/corpus/$1/seed-$2"
}
make_seeds() {
    local t=$1 f i=0
    case $t in
        fuzz_json)
            for f in "$golden"/formats/coco/*.json "$golden"/formats/labelme/*/*.json; do
                seed "$t" "$((i++))" <"$f"; done
            for f in "$golden"/groundtruth/*/output.manifest; do head -n 1 "$f" | seed "$t" "$((i++))"; done ;;
        fuzz_manifest)
            for f in "$golden"/groundtruth/*/output.manifest; do seed "$t" "$(basename "$(dirname "$f")")" <"$f"; done ;;
        fuzz_texts)
            # the first byte chooses the reader (tests/fuzz/fuzz_texts.cpp)
            { printf '\x00'; cat "$golden"/formats/text-table/single.csv; } | seed "$t" csv
            { printf '\x01'; cat "$golden"/formats/text-table/single.tsv; } | seed "$t" tsv
            { printf '\x02'; cat "$golden"/formats/text-table/single.jsonl; } | seed "$t" jsonl
            { printf '\x03'; printf 'one line\nanother, with a comma\n'; } | seed "$t" txt
            { printf '\x05'; cat "$golden"/formats/text-table/multi.csv; } | seed "$t" table
            { printf '\x06'; cat "$golden"/formats/text-table/onehot.jsonl; } | seed "$t" table-jsonl
            { printf '\x07'; cat "$golden"/formats/ner-jsonl/ner.jsonl; } | seed "$t" ner ;;
        fuzz_maskpng)
            for f in "$golden"/formats/voc/masks/SegmentationClass/*.png "$golden"/groundtruth/semantic-segmentation/masks/*.png; do
                seed "$t" "$((i++))" <"$f"; done ;;
        fuzz_coco)
            for f in "$golden"/formats/coco/*.json; do seed "$t" "$(basename "$f" .json)" <"$f"; done ;;
        fuzz_labelme)
            for f in "$golden"/formats/labelme/*/; do pack "$f" | seed "$t" "$(basename "$f")"; done ;;
        fuzz_voc)
            pack "$golden/formats/voc/boxes" '^JPEGImages/' | seed "$t" boxes
            pack "$golden/formats/voc/masks" '^JPEGImages/' | seed "$t" masks ;;
        fuzz_yolo)
            pack "$golden/formats/yolo" '^images/' | seed "$t" boxes ;;
        fuzz_maskpngs)
            { pack "$golden/formats/mask-pngs"; printf -- '--gwfile masks/a.png\n'
              cat "$golden"/formats/voc/masks/SegmentationClass/a.png; } | seed "$t" masks ;;
        fuzz_responses)
            pack "$golden/groundtruth/birds-consolidation/worker-response" '^iteration-2/[0-9]{2,}/' | seed "$t" birds-part
            pack "$golden/groundtruth/birds-consolidation/worker-response/iteration-1" | seed "$t" birds-iteration-1 ;;
        fuzz_classfolders)
            { printf -- '--gwfile train/cat/x.png\n'; cat "$golden"/formats/images/a.png
              printf -- '\n--gwfile validation/dog/y.png\n'; cat "$golden"/formats/images/b.png; } | seed "$t" folders ;;
    esac
}

mkdir -p "$build/crashes" "$build/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen
# Reports with file and line (llvm-16's symbolizer).
[[ -x /usr/lib/llvm-16/bin/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-16/bin/llvm-symbolizer
status=0
for t in "${targets[@]}"; do
    corpus="tests/fuzz/corpus/$t"
    [[ -d $corpus && -n $(ls -A "$corpus" 2>/dev/null) ]] || make_seeds "$t"
    crashes="$build/crashes/$t"
    mkdir -p "$crashes"
    log="$build/logs/$t.log"
    work=$(mktemp -d)
    echo "$me: $t for ${seconds} s on $(ls "$corpus" | wc -l) corpus inputs (log: $log)"
    rc=0
    # New inputs go to a scratch folder; with --seconds they are merged into the corpus afterwards.
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3000 -max_len=262144 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "$corpus" >"$log" 2>&1 || rc=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/$me:   /" || true
    if ((rc != 0)); then
        echo "$me: FAILED: $t (exit code $rc); the input is in $crashes/, the report:" >&2
        grep -A30 -E 'ERROR: |runtime error|Sanitizer' "$log" | head -60 >&2 || tail -40 "$log" >&2
        status=1
    fi
    if ((!ci)); then # what the run found is kept, crash or not (the crashing input itself is not merged)
        "$build/tests/fuzz/$t" -merge=1 -max_len=262144 "$corpus" "$work" >>"$log" 2>&1 || true
        echo "$me:   corpus now $(ls "$corpus" | wc -l) inputs"
    fi
    rm -rf "$work"
done
((status == 0)) && echo "$me: all ${#targets[@]} targets ran clean (${seconds} s each)"
exit $status
