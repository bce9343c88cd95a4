#!/usr/bin/env bash
# KubeGuard's end-to-end tests: the packaged extension in real editors.
#
#   npm run test:e2e                  set up (idempotent), package, then every suite
#   npm run test:e2e -- ui nvim       only the named suites (vsix, exthost, ui, nvim)
#
# Steps: setup (apt + code-server, scripts/e2e/setup.sh), build (the e2e TypeScript), package
# (npm run package), then the suites: vsix (contents and size), exthost (mocha in a VS Code
# extension host via @vscode/test-electron), ui (code-server + Chromium), nvim (Neovim's LSP
# client). Each step's output goes to the terminal and to test/e2e/.out/logs/<step>.log;
# screenshots to test/e2e/.out/screenshots/. The last line is `N passed, N failed`; the exit
# code is non-zero when anything failed. Nothing is left running: every process a step starts
# carries a marker in its environment, and whatever is still alive after the step is ended.
#
# Environment: KUBEGUARD_E2E_HOME (scratch dir, default ${TMPDIR:-/tmp}/kubeguard-e2e),
# KUBEGUARD_E2E_SKIP_SETUP=1 (no apt/npm; you installed the tools yourself),
# KUBEGUARD_VSCODE=/path/to/code (run the exthost suite in a desktop VS Code instead),
# E2E_KEEP=1 (keep each suite's run dir: code-server logs, workspace, user data),
# KUBEGUARD_E2E_BUDGET_S (default 600: the whole run, setup included, gets this many seconds;
# each step's timeout is cut to what is left, and steps that no longer fit are not run).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=test/e2e/.out
logs=$out/logs
build=$out/build
mkdir -p "$logs"

all_suites=(vsix exthost ui nvim)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=("${all_suites[@]}")
for s in "${suites[@]}"; do
  case " ${all_suites[*]} " in *" $s "*) ;; *) echo "unknown suite '$s' (known: ${all_suites[*]})" >&2; exit 2 ;; esac
done

export KUBEGUARD_E2E_RUN="run-$$-$(date +%s)"
export FORCE_COLOR=0 NO_COLOR=1

passed=0
failed=0
broken=()
summary=()
t_start=$SECONDS
budget=${KUBEGUARD_E2E_BUDGET_S:-600}
deadline=$((SECONDS + budget))

reap() { # $1: step name; ends and reports what the step left running
  local n
  node scripts/e2e/reap.mjs "$KUBEGUARD_E2E_RUN"
  n=$?
  if [ "$n" -gt 0 ]; then
    echo "!! [$1] left $n process(es) running; ended them"
    failed=$((failed + 1))
    broken+=("$1: left $n process(es) running")
  fi
}

on_signal() {
  echo
  echo "!! interrupted; ending what the e2e run started"
  node scripts/e2e/reap.mjs "$KUBEGUARD_E2E_RUN" 0 >/dev/null
  echo "$passed passed, $((failed + 1)) failed"
  exit 130
}
trap on_signal INT TERM

# step <name> <timeout-seconds> <command...>
# Counts the step's own `N passed, N failed` line when it prints one, else the step as one check.
step() {
  local name=$1 limit=$2
  shift 2
  local t0=$SECONDS log="$logs/$name.log" left=$((deadline - SECONDS))
  if [ "$left" -lt 5 ]; then
    not_run "$name" "the ${budget}s e2e time budget is used up"
    return 1
  fi
  [ "$limit" -le "$left" ] || limit=$left
  echo
  echo "=== [$name] $*"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p=0 f=0 line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed*}
  fi
  local status
  if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
    [ -n "$line" ] || p=1
    status=ok
  else
    if [ "$f" -eq 0 ]; then f=1; fi
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      status="FAILED (timed out after ${limit}s)"
    else
      status="FAILED (exit $rc)"
    fi
    local what
    what=$(grep -E '^  FAIL  ' "$log" | sed -E 's/^  FAIL  //' | head -n 5 | paste -sd ';' - | sed 's/;/; /g')
    broken+=("$name: ${what:-$status, see $log}")
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  reap "$name"
  summary+=("$(printf '  %-8s %4ss  %-34s %s' "$name" $((SECONDS - t0)) "$status" "$p passed, $f failed")")
  [ "$rc" -eq 0 ]
}

not_run() { # <suite> <reason>
  failed=$((failed + 1))
  broken+=("$1: not run ($2)")
  summary+=("$(printf '  %-8s %4s   %s' "$1" - "NOT RUN ($2)")")
}

finish() {
  echo
  echo "=== e2e summary ($((SECONDS - t_start))s; logs in $logs, screenshots in $out/screenshots)"
  printf '%s\n' "${summary[@]}"
  if [ ${#broken[@]} -gt 0 ]; then
    echo "broken:"
    printf '  - %s\n' "${broken[@]}"
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

wants() { case " ${suites[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

# --- prerequisites: without them no suite can run ------------------------------------------------
prereq_ok=1
if [ "${KUBEGUARD_E2E_SKIP_SETUP:-}" = 1 ]; then
  echo "KUBEGUARD_E2E_SKIP_SETUP=1: not installing anything"
else
  step setup 540 bash scripts/e2e/setup.sh || prereq_ok=0
fi
if [ $prereq_ok = 1 ]; then step build 120 node scripts/e2e/build.mjs || prereq_ok=0; fi
if [ $prereq_ok = 1 ]; then step package 180 npm run --silent package || prereq_ok=0; fi
if [ $prereq_ok = 0 ]; then
  for s in "${suites[@]}"; do not_run "$s" "a prerequisite step broke"; done
  finish
fi

# --- suites ----------------------------------------------------------------------------------------
node=(node --enable-source-maps)
# The other suites run the vsix as unpacked by this check, so it always runs first.
step vsix 60 "${node[@]}" "$build/vsix-check.js"
wants exthost && step exthost 300 "${node[@]}" "$build/exthost-run.js"
wants ui && step ui 240 "${node[@]}" "$build/ui-smoke.js"
wants nvim && step nvim 120 "${node[@]}" "$build/nvim-run.js"
finish
