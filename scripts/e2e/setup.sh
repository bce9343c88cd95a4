#!/usr/bin/env bash
# Installs what the e2e suites need, from Debian apt and the npm registry only. Safe to re-run:
# every step checks first and does nothing when its result is already in place.
#
#   KUBEGUARD_E2E_HOME   scratch dir for code-server (default: ${TMPDIR:-/tmp}/kubeguard-e2e)
#
# Afterwards $KUBEGUARD_E2E_HOME/node_modules/.bin/code-server is code-server $CODE_SERVER_VERSION,
# and chromium, nvim and rg are on PATH. The project's own devDependencies (playwright-core,
# @vscode/test-electron, mocha, @vscode/vsce) come from the repo's `npm ci`, not from here.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
E2E_HOME=${KUBEGUARD_E2E_HOME:-${TMPDIR:-/tmp}/kubeguard-e2e}
t0=$SECONDS
say() { echo "[e2e setup +$((SECONDS - t0))s] $*"; }
die() { echo "[e2e setup] ERROR: $*" >&2; exit 1; }

# code-server 4.100.3 refuses any Node but 20 in its postinstall, and runs its server on the Node
# that starts it.
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $(node -v)"

# --- 1. Debian packages --------------------------------------------------------------------------
#  chromium      the browser playwright-core drives (playwright-core never downloads one)
#  neovim        the second, independent LSP client
#  ripgrep       stands in for the rg binary @vscode/ripgrep would fetch from GitHub (see step 2)
#  libkrb5-dev   gssapi headers: code-server's `kerberos` module is compiled from source here
#  build-essential pkg-config python3   node-gyp's toolchain for code-server's native modules
apt_packages=(chromium neovim ripgrep libkrb5-dev build-essential pkg-config python3)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "apt done"
fi
for bin in chromium nvim rg; do command -v "$bin" >/dev/null || die "$bin is not on PATH after apt"; done

# --- 2. code-server, in a scratch project outside the repo ---------------------------------------
# One installer at a time (two checkouts running the e2e tests at once share the scratch dir).
mkdir -p "$(dirname "$E2E_HOME")"
exec 9>"$E2E_HOME.lock"
flock 9
stamp="$E2E_HOME/.installed-code-server-$CODE_SERVER_VERSION"
if [ -f "$stamp" ] && [ -x "$E2E_HOME/node_modules/.bin/code-server" ]; then
  say "code-server $CODE_SERVER_VERSION already installed in $E2E_HOME"
  exit 0
fi

# @vscode/ripgrep (a dependency of VS Code inside code-server) downloads rg from GitHub in its
# postinstall; a failure there rolls back the whole install. It looks in a cache under the OS temp
# dir first, so put Debian's rg there under the exact asset name it wants (code-server 4.100.3 pins
# @vscode/ripgrep 1.15.11, which wants ripgrep v13.0.0-10).
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
rg_asset="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_asset" ]; then
  say "seeding the @vscode/ripgrep download cache with $(command -v rg)"
  stage=$(mktemp -d)
  cp "$(command -v rg)" "$stage/rg"
  mkdir -p "$rg_cache"
  tar czf "$rg_asset.part" -C "$stage" rg && mv "$rg_asset.part" "$rg_asset"
  rm -rf "$stage"
fi

say "npm install code-server@$CODE_SERVER_VERSION into $E2E_HOME (compiles native modules, 1-2 min)"
# Start from scratch: a half-finished earlier attempt is not worth repairing.
rm -rf "$E2E_HOME/node_modules" "$E2E_HOME/package-lock.json"
mkdir -p "$E2E_HOME"
cat > "$E2E_HOME/package.json" <<JSON
{
  "name": "kubeguard-e2e-scratch",
  "private": true,
  "description": "code-server for KubeGuard's e2e tests; written by scripts/e2e/setup.sh",
  "allowScripts": { "code-server": true, "argon2": true, "kerberos": true, "node-pty": true }
}
JSON
(
  cd "$E2E_HOME"
  # unsafe_perm        code-server's postinstall stops when run as root without it
  # yes                node-pty's install runs `npx node-gyp`, which an npmrc with yes=false refuses
  # build_from_source  argon2 and kerberos compile at once instead of trying GitHub for prebuilts
  # nodedir            build against the local Node headers instead of downloading them
  # dangerously_allow_all_scripts  ignored by npm 11; npm 12 would otherwise block the nested
  #                    `npm install` of code-server's postinstall and its native modules
  export npm_config_unsafe_perm=true npm_config_yes=true npm_config_build_from_source=true
  export npm_config_dangerously_allow_all_scripts=true
  if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  if ! npm install --no-audit --no-fund --no-save --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" >npm-install.log 2>&1; then
    # A failure deep inside lib/vscode rolls back everything; the first error is the useful one.
    echo "---- first errors in $E2E_HOME/npm-install.log ----" >&2
    grep -n -m 15 -iE 'error|ERR!' npm-install.log >&2 || true
    echo "---- last lines ----" >&2
    tail -n 25 npm-install.log >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed"
  fi
)
# code-server writes a config file and logs under the XDG dirs (~/.config, ~/.local/share) even for
# --version; keep them in the scratch dir, as the test drivers do.
version=$(XDG_CONFIG_HOME="$E2E_HOME/xdg/config" XDG_DATA_HOME="$E2E_HOME/xdg/data" \
  "$E2E_HOME/node_modules/.bin/code-server" --config "$E2E_HOME/xdg/config.yaml" --version 2>/dev/null \
  | grep -m 1 -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || true)
case "$version" in
  "$CODE_SERVER_VERSION "*) ;;
  *) die "code-server --version says '$version', expected $CODE_SERVER_VERSION" ;;
esac
touch "$stamp"
say "code-server $version ready ($(du -sh "$E2E_HOME/node_modules" | cut -f1))"
