#!/usr/bin/env bash
# Build lando's libFuzzer harnesses with clang, AddressSanitizer and UBSan
# in a build directory of their own, then run each harness in turn, one
# process at a time, sharing SECONDS_TOTAL (default 60) between them.
#
#   tests/fuzz/run.sh [SECONDS_TOTAL]
#
# Environment:
#   LANDO_FUZZ_BUILD   build directory (default: build-fuzz in the repo)
#   LANDO_FUZZ_ONLY    run only the harnesses named here (space-separated)
#   LANDO_FUZZ_JOBS    make jobs for the build (default: nproc)
#
# Each harness starts from its seed corpus (tests/fuzz/corpus/NAME, made
# from the real events by make_seeds.py) and the saved findings
# (tests/fuzz/regress/NAME), and keeps what it learns in the build
# directory (fuzz-corpus/NAME), so later runs go on from there. A crash,
# leak, sanitizer report or failed property is written to
# fuzz-findings/ in the build directory and fails the run: copy it into
# tests/fuzz/regress/NAME/ so that the fuzz.replay ctest keeps it fixed.
#
# Every run appends one line per harness to fuzz-runs.tsv in the build
# directory (date, harness, seconds, executions, result), and the script
# ends with the totals over all runs recorded there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
total=${1:-60}
build=${LANDO_FUZZ_BUILD:-$root/build-fuzz}
jobs=${LANDO_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
harnesses=(fuzz_pct fuzz_base64 fuzz_query fuzz_cookies fuzz_body
           fuzz_router fuzz_cors fuzz_gateway)
if [[ -n ${LANDO_FUZZ_ONLY:-} ]]; then
    read -r -a harnesses <<<"$LANDO_FUZZ_ONLY"
fi

if ! command -v clang >/dev/null; then
    echo "fuzz: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DLANDO_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLANDO_BUILD_BENCH=OFF >/dev/null
for h in "${harnesses[@]}"; do
    cmake --build "$build" -j"$jobs" --target "$h" >"$build/fuzz-build.log" \
        2>&1 || { [[ $h == fuzz_gateway ]] || { cat "$build/fuzz-build.log"
                                                 exit 2; }; }
done

# The gateway harness is left out when this build has no httpbin module
# or no python3-config; say so rather than fail.
present=()
for h in "${harnesses[@]}"; do
    if [[ -x $build/tests/fuzz/$h ]]; then
        present+=("$h")
    else
        echo "fuzz: $h was not built; skipped" >&2
    fi
done
harnesses=("${present[@]}")
[[ ${#harnesses[@]} -gt 0 ]] || exit 2

each=$((total / ${#harnesses[@]}))
((each > 0)) || each=1
findings=$build/fuzz-findings
stats=$build/fuzz-runs.tsv
mkdir -p "$findings"
[[ -f $stats ]] ||
    printf 'date\tharness\tseconds\texecutions\tresult\n' >"$stats"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
passed=0
printf '%-14s %8s %12s %s\n' harness seconds executions result
for h in "${harnesses[@]}"; do
    work=$build/fuzz-corpus/$h
    mkdir -p "$work"
    dirs=("$work")
    for d in "$here/corpus/$h" "$here/regress/$h"; do
        [[ -d $d ]] && dirs+=("$d")
    done
    opts=(-max_total_time="$each" -print_final_stats=1
          -artifact_prefix="$findings/$h-" -timeout=10)
    [[ -f $here/dict/$h.dict ]] && opts+=(-dict="$here/dict/$h.dict")
    if [[ $h == fuzz_gateway ]]; then
        # CPython keeps some memory for the life of the process on purpose.
        asan=detect_leaks=0
        opts+=(-max_len=16384)
    else
        asan=detect_leaks=1
    fi
    log=$build/fuzz-$h.log
    start=$(date +%s)
    if ASAN_OPTIONS=$asan "$build/tests/fuzz/$h" "${opts[@]}" "${dirs[@]}" \
        >"$log" 2>&1; then
        result=ok
        passed=$((passed + 1))
    else
        result=FINDING
        failed=$((failed + 1))
    fi
    secs=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
            tail -1)
    execs=${execs:-0}
    printf '%-14s %8d %12d %s\n' "$h" "$secs" "$execs" "$result"
    printf '%s\t%s\t%d\t%d\t%s\n' "$(date -u +%FT%TZ)" "$h" "$secs" \
        "$execs" "$result" >>"$stats"
    if [[ $result != ok ]]; then
        grep -E 'ERROR|SUMMARY|property failed|fuzz_gateway:|Test unit' \
            "$log" | head -20 >&2 || true
        echo "fuzz: $h found something; log: $log" >&2
    fi
done

echo "fuzz: totals over every run recorded in $stats:"
awk -F'\t' 'NR > 1 { e[$2] += $4; s[$2] += $3; if ($5 != "ok") f[$2]++ }
    END { for (h in e) printf "  %-14s %12d executions %7d s %d findings\n",
                            h, e[h], s[h], f[h] + 0 }' "$stats" | sort
echo "$passed passed, $failed failed"
((failed == 0))
