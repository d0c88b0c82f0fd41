#!/usr/bin/env bash
# The paper documents against headless Chromium, in one run (issue 3):
#
#   1. installs what the comparison needs (scripts/apt-packages-bench.txt: chromium, GNU time),
#   2. builds the release `zhurnal`, creates the demo school (its largest class is 7Б),
#   3. makes the year-end journal of 7Б with our pipeline (Tera → layout markup → genpdfi),
#      and the same document as HTML + CSS (`--format html`: the same markup, page numbers and
#      contents included), which Debian's Chromium prints to PDF,
#   4. measures each: wall time, peak memory, file size and pages; and the quarterly copy (Q1)
#      of 7Б with our pipeline,
#   5. counts the instructions of our year journal under valgrind (callgrind): the figure that
#      does not depend on what else the machine is doing (INSTR=0 skips it; it takes minutes).
#
# The machine may be shared with other builds, so the two are measured ALTERNATELY in the same
# run (ours, Chromium, ours, Chromium, … after one warm-up of each): both see the same load, and
# the ratio is the median of the per-round ratios as well as the ratio of the medians.
#
# What is equal and what is not:
#   * equal: the content (the HTML is made from the very markup our PDF is laid out from, page
#     numbers and contents filled in), the fonts (Liberation Serif/Sans: bundled in our binary,
#     fonts-liberation2 for Chromium), font sizes, line height (1.15 of the size, Liberation's
#     own), paper and margins per section, column widths, cell padding and row heights (the
#     vertical padding of a cell is ours less the pixel Chromium draws a 0.3 pt rule with), and
#     header rows repeated on every page; both start from nothing (a new process; Chromium a new
#     empty profile) and end with a PDF on disk.
#   * not equal: our time includes opening SQLite and gathering the class's year from the
#     automerge documents and templating the markup; Chromium's excludes making its HTML (done
#     once, beforehand) but includes starting a browser (its fixed cost, ~1 s here, is printed
#     separately from a one-page document). Line breaking differs (no hyphenation in either;
#     Chromium uses HarfBuzz shaping, we use the fonts' advance widths and kerning), so page
#     counts differ a little; pages/s is printed too. Chromium runs several processes: its
#     memory is shown both as its largest process and as the whole tree.
#
# Memory is measured two ways. GNU `/usr/bin/time -v` "Maximum resident set size" is the
# largest single process: all of ours, but only the biggest of Chromium's processes (browser,
# zygotes, renderer, GPU, utility). So one more run of each is sampled every 20 ms through /proc:
# the whole process tree's resident memory summed (RSS, counting shared libraries once per
# process) and its proportional share (PSS, shared pages divided among the processes that map
# them — the fair figure for a tree); the peaks are printed.
#
# Usage: scripts/bench-reports.sh [RUNS]   (default 5; WORK=dir keeps the files there)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

scripts/setup.sh scripts/apt-packages-bench.txt
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked --bin zhurnal --quiet
bin=$CARGO_TARGET_DIR/release/zhurnal
chromium=$(command -v chromium)

work=${WORK:-$(mktemp -d /tmp/zhurnal-bench.XXXXXX)}
mkdir -p "$work"
echo "bench: files in $work"
db=$work/school.sqlite3
rm -f "$db" "$db"-wal "$db"-shm
"$bin" demo --db "$db" >/dev/null

# Peak memory of a command's whole process tree, sampled through /proc every 20 ms.
# Prints "RSS_KB PSS_KB PROCESSES" (peaks of the sums, and the most processes seen at once).
tree_peak() {
    "$@" >/dev/null 2>&1 &
    local root=$!
    perl -e '
        my ($root) = @ARGV;
        my ($rss_peak, $pss_peak, $n_peak) = (0, 0, 0);
        sub field { my ($file, $key) = @_; open(my $f, "<", $file) or return 0;
            while (<$f>) { return $1 if /^$key:\s+(\d+)/ } 0 }
        while (kill 0, $root) {
            my %kids;
            for my $stat (glob "/proc/[0-9]*/stat") {
                open(my $f, "<", $stat) or next; my $s = <$f>; close $f; defined $s or next;
                my ($pid, $ppid) = $s =~ /^(\d+) \(.*\) \S+ (\d+)/s or next;
                push @{$kids{$ppid}}, $pid;
            }
            my @tree = ($root); my @todo = ($root);
            while (@todo) { my $p = shift @todo; for (@{$kids{$p} || []}) { push @tree, $_; push @todo, $_ } }
            my ($rss, $pss) = (0, 0);
            for my $p (@tree) {
                $rss += field("/proc/$p/status", "VmRSS");
                $pss += field("/proc/$p/smaps_rollup", "Pss");
            }
            $rss_peak = $rss if $rss > $rss_peak;
            $pss_peak = $pss if $pss > $pss_peak;
            $n_peak = @tree if @tree > $n_peak;
            select(undef, undef, undef, 0.02);
        }
        print "$rss_peak $pss_peak $n_peak\n";
    ' "$root"
    wait "$root"
}

# Wall time (s) and max RSS (KB) of one run, from GNU time.
timed() {
    local out
    out=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>&1
    cat "$out"
    rm -f "$out"
}

# Median of the numbers on stdin.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ours_year=("$bin" report year-journal --db "$db" --class 7Б --out "$work/ours-year.pdf")
ours_q1=("$bin" report period-copy --db "$db" --class 7Б --period Q1 --out "$work/ours-q1.pdf")
"$bin" report year-journal --db "$db" --class 7Б --format html --out "$work/year.html" >/dev/null
# Every Chromium run gets a new empty profile (@PROFILE@), as a program printing through it
# would; --no-pdf-header-footer leaves out Chromium's own date/URL lines, which our pages lack.
chrome=("$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --no-pdf-header-footer --user-data-dir=@PROFILE@
    --print-to-pdf="$work/chromium-year.pdf" "file://$work/year.html")
# The command with a new profile directory in place of @PROFILE@.
fresh() {
    local dir
    dir=$(mktemp -d "$work/chromium-profile.XXXXXX")
    cmd=("${@//@PROFILE@/$dir}")
}

# A one-page document: what starting Chromium costs whatever it prints.
printf '<!DOCTYPE html><html lang="ru"><meta charset="utf-8"><p style="font-family: Liberation Serif">Страница</p></html>\n' >"$work/one.html"
chrome_one=("${chrome[@]/%chromium-year.pdf/chromium-one.pdf}")
chrome_one=("${chrome_one[@]/%year.html/one.html}")

# One run of a command: NAME then the command; appends its wall time to walls[NAME] and keeps
# its peak RSS in rss[NAME].
declare -A walls rss wall
run_one() {
    local name=$1 t m
    shift
    fresh "$@"
    read -r t m < <(timed "${cmd[@]}")
    walls[$name]+="$t "
    [ "$m" -gt "${rss[$name]:-0}" ] && rss[$name]=$m
    return 0
}
# Warm-up of each (the page cache, fonts), then the rounds, alternating.
"${ours_year[@]}" >/dev/null 2>&1
fresh "${chrome[@]}"
"${cmd[@]}" >/dev/null 2>&1
ratios=()
for i in $(seq "$runs"); do
    run_one ours-year "${ours_year[@]}"
    run_one chromium-year "${chrome[@]}"
    run_one ours-q1 "${ours_q1[@]}"
    run_one chromium-one "${chrome_one[@]}"
    read -r -a o <<<"${walls[ours-year]}"
    read -r -a c <<<"${walls[chromium-year]}"
    ratios+=("$(awk -v a="${c[-1]}" -v b="${o[-1]}" 'BEGIN { printf "%.2f", a / b }')")
    echo "bench: round $i: zhurnal ${o[-1]} s, Chromium ${c[-1]} s (${ratios[-1]}×), load $(cut -d' ' -f1 /proc/loadavg)"
done
for name in ours-year chromium-year ours-q1 chromium-one; do
    wall[$name]=$(printf '%s\n' ${walls[$name]} | median)
done
load_during=$(cut -d' ' -f1-3 /proc/loadavg)
read -r ours_tree_rss ours_tree_pss _ < <(tree_peak "${ours_year[@]}")
fresh "${chrome[@]}"
read -r chrome_tree_rss chrome_tree_pss chrome_procs < <(tree_peak "${cmd[@]}")
rm -rf "$work"/chromium-profile.*

pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
size() { stat -c %s "$1"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1024 }'; }

# Instructions of our year journal under callgrind: repeatable whatever the load.
instr=""
if [ "${INSTR:-1}" != 0 ] && command -v valgrind >/dev/null; then
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
        "${ours_year[@]/%ours-year.pdf/callgrind-year.pdf}" >/dev/null 2>&1
    instr=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/callgrind.out")
    callgrind_annotate "$work/callgrind.out" 2>/dev/null | head -60 >"$work/callgrind.txt" || true
fi

pages_of_ours=$(pages "$work/ours-year.pdf")
pages_of_chrome=$(pages "$work/chromium-year.pdf")
echo
echo "Year-end journal of 7Б (32 students, 16 subjects): $runs rounds, ours and Chromium"
echo "alternately, medians; $(nproc) cores, load average $load_during at the end;"
echo "$("$chromium" --version 2>/dev/null | head -1); $(date -u '+%Y-%m-%d %H:%M UTC')."
echo
echo "| | wall (median) | pages/s | peak memory: largest process (GNU time) | whole tree RSS / PSS (sampled) | file | pages |"
echo "|---|---:|---:|---:|---:|---:|---:|"
pps() { awk -v p="$1" -v t="$2" 'BEGIN { printf "%.0f", p / t }'; }
printf '| zhurnal, year journal | %s s | %s | %s | %s / %s | %s | %s |\n' \
    "${wall[ours-year]}" "$(pps "$pages_of_ours" "${wall[ours-year]}")" "$(mb "${rss[ours-year]}")" \
    "$(mb "$ours_tree_rss")" "$(mb "$ours_tree_pss")" \
    "$(kb "$(size "$work/ours-year.pdf")")" "$pages_of_ours"
printf '| Chromium, the same as HTML | %s s | %s | %s | %s / %s (%s processes) | %s | %s |\n' \
    "${wall[chromium-year]}" "$(pps "$pages_of_chrome" "${wall[chromium-year]}")" "$(mb "${rss[chromium-year]}")" \
    "$(mb "$chrome_tree_rss")" "$(mb "$chrome_tree_pss")" "$chrome_procs" \
    "$(kb "$(size "$work/chromium-year.pdf")")" "$pages_of_chrome"
printf '| Chromium, a one-page document (its start-up) | %s s | | %s | | | 1 |\n' \
    "${wall[chromium-one]}" "$(mb "${rss[chromium-one]}")"
printf '| zhurnal, quarterly copy (Q1) | %s s | | %s | | %s | %s |\n' \
    "${wall[ours-q1]}" "$(mb "${rss[ours-q1]}")" \
    "$(kb "$(size "$work/ours-q1.pdf")")" "$(pages "$work/ours-q1.pdf")"
echo
awk -v a="${wall[chromium-year]}" -v b="${wall[ours-year]}" -v r="$(printf '%s\n' "${ratios[@]}" | median)" \
    'BEGIN { printf "Chromium / zhurnal wall time: %.1f× (ratio of the medians), %.1f× (median of the rounds); target ≥ 10×\n", a / b, r }'
echo "rounds: ${ratios[*]}"
if [ -n "$instr" ]; then
    awk -v i="$instr" 'BEGIN { printf "zhurnal year journal under callgrind: %.2f × 10^9 instructions (%s; top functions in '"$work"'/callgrind.txt)\n", i / 1e9, i }'
fi
echo "HTML given to Chromium: $(kb "$(size "$work/year.html")") ($work/year.html)"
