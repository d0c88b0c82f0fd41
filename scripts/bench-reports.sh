#!/usr/bin/env bash
# The paper documents against headless Chromium, in one run (issue 3):
#
#   1. installs what the comparison needs (scripts/apt-packages-bench.txt: chromium, GNU time),
#   2. builds the release `zhurnal`, creates the demo school (its largest class is 7Б),
#   3. makes the year-end journal of 7Б with our pipeline (Tera → layout markup → genpdfi),
#      and the same document as HTML + CSS (`--format html`: the same markup, page numbers and
#      contents included), which Debian's Chromium prints to PDF,
#   4. measures each: wall time (median of RUNS runs after one warm-up run), peak memory, file
#      size and pages; and the quarterly copy (Q1) of 7Б with our pipeline.
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
cargo build --release --bin zhurnal --quiet
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

# One command measured: NAME then the command. Prints a row of the table.
declare -A wall rss
measure() {
    local name=$1
    shift
    fresh "$@"
    "${cmd[@]}" >/dev/null 2>&1 # warm-up: the page cache, fonts
    local times=() peak=0 t m
    for _ in $(seq "$runs"); do
        fresh "$@"
        read -r t m < <(timed "${cmd[@]}")
        times+=("$t")
        [ "$m" -gt "$peak" ] && peak=$m
    done
    wall[$name]=$(printf '%s\n' "${times[@]}" | median)
    rss[$name]=$peak
    echo "bench: $name: ${times[*]} s"
}

measure ours-year "${ours_year[@]}"
measure ours-q1 "${ours_q1[@]}"
measure chromium-year "${chrome[@]}"
read -r ours_tree_rss ours_tree_pss _ < <(tree_peak "${ours_year[@]}")
fresh "${chrome[@]}"
read -r chrome_tree_rss chrome_tree_pss chrome_procs < <(tree_peak "${cmd[@]}")
rm -rf "$work"/chromium-profile.*

pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
size() { stat -c %s "$1"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1024 }'; }

echo
echo "Year-end journal of 7Б (32 students, 16 subjects), $runs runs each, median wall time;"
echo "$(nproc) cores, $("$chromium" --version 2>/dev/null | head -1)."
echo
echo "| | wall (median) | peak memory: largest process (GNU time) | whole tree RSS / PSS (sampled) | file | pages |"
echo "|---|---:|---:|---:|---:|---:|"
printf '| zhurnal, year journal | %s s | %s | %s / %s | %s | %s |\n' \
    "${wall[ours-year]}" "$(mb "${rss[ours-year]}")" "$(mb "$ours_tree_rss")" "$(mb "$ours_tree_pss")" \
    "$(kb "$(size "$work/ours-year.pdf")")" "$(pages "$work/ours-year.pdf")"
printf '| Chromium, the same as HTML | %s s | %s | %s / %s (%s processes) | %s | %s |\n' \
    "${wall[chromium-year]}" "$(mb "${rss[chromium-year]}")" "$(mb "$chrome_tree_rss")" "$(mb "$chrome_tree_pss")" \
    "$chrome_procs" "$(kb "$(size "$work/chromium-year.pdf")")" "$(pages "$work/chromium-year.pdf")"
printf '| zhurnal, quarterly copy (Q1) | %s s | %s | | %s | %s |\n' \
    "${wall[ours-q1]}" "$(mb "${rss[ours-q1]}")" \
    "$(kb "$(size "$work/ours-q1.pdf")")" "$(pages "$work/ours-q1.pdf")"
echo
awk -v a="${wall[chromium-year]}" -v b="${wall[ours-year]}" \
    'BEGIN { printf "Chromium / zhurnal wall time: %.1f× (target ≥ 10×)\n", a / b }'
echo "HTML given to Chromium: $(kb "$(size "$work/year.html")") ($work/year.html)"
