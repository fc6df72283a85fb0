#!/usr/bin/env bash
# Makes the sample datasets from data Debian packages ship (see setup.sh):
#   DIR/digits/  5000 20x20 digit PNGs from OpenCV's digits.png + truth.jsonl
#   DIR/labelme/ labelme's annotated example images
#   DIR/texts/   package descriptions (apt-cache dumpavail) as JSONL and CSV
#   DIR/detection/ 2000 composed 256x256 images: the digits pasted onto opencv-doc
#                photos, with exact boxes and masks (COCO annotations.json)
# Usage: scripts/sample-data.sh [DIR]   (default: data/ under the repo root)
# Needs the built tool ${GW_BUILD_DIR:-build}/app/gw-sampledata (scripts/build.sh).
# Each step is skipped when its marker file (written last) exists; delete
# the step's folder to redo it.
set -euo pipefail

me="sample-data.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A DIR given by the caller is relative to the caller's cwd.
dir="$(realpath -m -- "${1:-$root/data}")"
cd "$root"

build_dir="${GW_BUILD_DIR:-build}"
tool="$(realpath -m -- "$build_dir/app/gw-sampledata")"
digits_png=/usr/share/doc/opencv-doc/examples/data/digits.png
labelme_src=/usr/share/doc/labelme-examples/examples
marker=.complete

die() { echo "$me: error: $*" >&2; exit 1; }

[[ -x $tool ]] || die "$tool not found: build first with scripts/build.sh"

# True when step folder $1 is complete; otherwise empties it for a fresh run.
done_or_reset() {
    if [[ -f $1/$marker ]]; then
        echo "$me: $1 exists, skipping"
        return 0
    fi
    rm -rf -- "$1"
    mkdir -p -- "$1"
    return 1
}

# (a) digits: 10 classes x 500 images, ground truth in truth.jsonl
if ! done_or_reset "$dir/digits"; then
    [[ -f $digits_png ]] || die "$digits_png missing: run scripts/setup.sh (package opencv-doc)"
    echo "$me: slicing $digits_png into $dir/digits"
    "$tool" digits "$digits_png" "$dir/digits"
    touch "$dir/digits/$marker"
fi

# (b) labelme examples, copied as files (-L: the package has symlinks);
# gunzip anything dh_compress may have gzipped.
if ! done_or_reset "$dir/labelme"; then
    [[ -d $labelme_src ]] || die "$labelme_src missing: run scripts/setup.sh (package labelme-examples)"
    echo "$me: copying $labelme_src into $dir/labelme"
    cp -rL -- "$labelme_src/." "$dir/labelme/"
    find "$dir/labelme" -type f -name '*.gz' -exec gunzip -f -- {} +
    chmod -R u+w "$dir/labelme"
    touch "$dir/labelme/$marker"
fi

# (c) text classification: package descriptions labelled by Debian section
if ! done_or_reset "$dir/texts"; then
    # Without package lists (fresh container) dumpavail prints nothing.
    count=$(apt-cache dumpavail | grep -c '^Package:' || true)
    if ((count == 0)); then
        ((EUID == 0)) || die "apt-cache dumpavail is empty: run 'apt-get update' as root"
        echo "$me: apt package lists are empty; running apt-get update"
        apt-get update -q </dev/null
    fi
    echo "$me: writing package descriptions into $dir/texts"
    apt-cache dumpavail | "$tool" packages "$dir/texts"
    touch "$dir/texts/$marker"
fi
# (d) boxes and masks with exact answers: digits on real photos (datasets/composed.h)
if ! done_or_reset "$dir/detection"; then
    [[ -f $digits_png ]] || die "$digits_png missing: run scripts/setup.sh (package opencv-doc)"
    echo "$me: composing digits on opencv-doc photos into $dir/detection"
    "$tool" detection "$digits_png" "$(dirname "$digits_png")" "$dir/detection" 2000 1
    touch "$dir/detection/$marker"
fi

# The twelve sections the automated-labeling benchmark uses (gw simulate ... --field section).
if [[ ! -s "$dir/texts/sections12.jsonl" ]]; then
    grep -E '"section":"(games|science|sound|graphics|mail|database|editors|fonts|math|video|web|admin)"' \
        "$dir/texts/packages.jsonl" >"$dir/texts/sections12.jsonl.tmp" || true
    mv "$dir/texts/sections12.jsonl.tmp" "$dir/texts/sections12.jsonl"
fi

echo "$me: sample data is in $dir:"
echo "$me:   $dir/digits   $(find "$dir/digits" -name '*.png' | wc -l) digit images, ground truth $dir/digits/truth.jsonl"
echo "$me:   $dir/labelme  $(find "$dir/labelme" -type f -name '*.json' | wc -l) labelme JSON files with images"
echo "$me:   $dir/detection $(find "$dir/detection/images" -name '*.jpg' | wc -l) composed images, boxes and masks in $dir/detection/annotations.json"
echo "$me:   $dir/texts    $(wc -l <"$dir/texts/packages.jsonl") package descriptions: packages.jsonl, packages.csv"
echo "$me:                 ($(wc -l <"$dir/texts/sections12.jsonl") of them in twelve sections: sections12.jsonl)"
