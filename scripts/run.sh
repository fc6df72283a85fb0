#!/usr/bin/env bash
# The run command: builds Groundwork, makes the sample data, builds two demo
# projects with the gw CLI and opens the digits one in the GUI when there is
# a display.
#   data/digits.gwproj    image classification, 20 labels per digit class,
#                         exported to data/digits-output.manifest
#   data/packages.gwproj  text classification of Debian package descriptions
# The projects sit above their media, so the media paths they store are relative
# (data/ can be moved or shared as a whole). They are recreated on every run.
set -euo pipefail

me="run.sh"
# Physical path: the CLI stores canonical absolute image paths.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

build_dir="$(realpath -m -- "${GW_BUILD_DIR:-build}")"
gw_bin="$build_dir/app/gw"
gui_bin="$build_dir/app/groundwork"
labels_per_class=20

bash scripts/build.sh
bash scripts/sample-data.sh "$root/data"

[[ -x $gw_bin ]] || { echo "$me: error: $gw_bin was not built" >&2; exit 1; }

# Echo each CLI call so a failure shows which one it was (set -e stops there).
gw() {
    echo "$me: + gw $*"
    "$gw_bin" "$@"
}

echo "$me: recreating the demo projects in data/"
rm -rf data/digits.gwproj* data/packages.gwproj* data/digits-output.manifest data/digits-report.html

# --- image classification demo ---
proj=data/digits.gwproj
gw init "$proj"
gw import "$proj" data/digits
gw job create "$proj" --name digit --type image-classification --classes 0,1,2,3,4,5,6,7,8,9

# Label the first $labels_per_class items of each class with their ground truth.
echo "$me: labelling $labels_per_class images per class from data/digits/truth.jsonl"
declare -A per_class=()
n_labels=0
while IFS=' ' read -r ref cls; do
    [[ -n $ref ]] || continue
    count=${per_class[$cls]:-0}
    ((count < labels_per_class)) || continue
    per_class[$cls]=$((count + 1))
    "$gw_bin" label "$proj" --job digit --uri "$root/data/digits/$ref" --class "$cls" >/dev/null ||
        { echo "$me: error: gw label failed for $root/data/digits/$ref" >&2; exit 1; }
    n_labels=$((n_labels + 1))
done < <(sed -nE 's/^\{"source-ref":"([^"]+)","class":"([^"]+)"\}$/\1 \2/p' data/digits/truth.jsonl)
echo "$me: added $n_labels labels"
((n_labels > 0)) || { echo "$me: error: no labels read from data/digits/truth.jsonl" >&2; exit 1; }

gw info "$proj"
gw export "$proj" --job digit --out data/digits-output.manifest

echo "$me: one round of automated labeling queues a random sample for people (gw simulate plays them)"
gw autolabel "$proj" --job digit
echo "$me: splits, a dataset export with augmented copies, and the EDA report"
gw split "$proj" --job digit --seed 1
rm -rf data/digits-dataset data/digits-dataset-augmented
gw export "$proj" --format class-folders --job digit --out data/digits-dataset --augment copies=1,rotate=10
gw eda "$proj" --job digit --images --max-distance 2 --out data/digits-report.html >/dev/null
echo "$me: the built-in classifier trained on that dataset version, evaluated on its test split"
version=$(gw versions "$proj" | awk '$1 == "version" { v = $2 } END { print v }')
gw train "$proj" --version "$version" --hp epochs=15

# --- text classification demo: the 12 most common Debian sections ---
sections=$(grep -oE '"section":"[^"]+"' data/texts/packages.jsonl | cut -d'"' -f4 |
    sort | uniq -c | sort -k1,1nr -k2,2 | awk 'NR <= 12 { print $2 }' | paste -sd, -)
text_proj=data/packages.gwproj
gw init "$text_proj"
gw import "$text_proj" data/texts/packages.jsonl --field source
gw job create "$text_proj" --name section --type text-classification --classes "$sections"
gw info "$text_proj"

echo "$me: demo projects ready:"
echo "$me:   $root/$proj   (image classification, $n_labels labels)"
echo "$me:   $root/data/digits-output.manifest   (exported labels)"
echo "$me:   $root/data/digits-dataset   (class folders by split, augmented copies beside it)"
echo "$me:   $root/data/digits-report.html   (EDA report: open it in a browser)"
echo "$me:   $root/$proj.runs/   (training runs: log, metrics, model/model.pt as TorchScript; gw runs $proj)"
echo "$me:   $root/$text_proj   (text classification: $sections)"

if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
    echo "$me: starting the GUI: $gui_bin $proj"
    exec "$gui_bin" "$root/$proj"
fi
echo "$me: no display (DISPLAY/WAYLAND_DISPLAY unset), not starting the GUI."
echo "$me: open it later with: $gui_bin $root/$proj"
echo "$me: (headless: xvfb-run -a $gui_bin $root/$proj)"
