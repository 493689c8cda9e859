#!/bin/sh
# csa-companion @VERSION@ offline installer for @PLATFORM@.
#
#   sh install.sh              install, or update an earlier install in place
#   sh install.sh --uninstall  remove the program; your data folder is never touched
#
# Needs no network: it makes a private Python environment in your application-data folder,
# installs the wheels in this folder into it, and writes a `csa-companion` command in
# ~/.local/bin. Set CSA_COMPANION_PYTHON to choose the Python (3.11, 3.12 or 3.13).
set -eu

version="@VERSION@"
here=$(cd "$(dirname "$0")" && pwd)
wheels="$here/wheels"
marker="written by the csa-companion installer"
path_note="# added by the csa-companion installer"

say() { printf '%s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

case "$(uname -s)" in
    Darwin) program="$HOME/Library/Application Support/csa-companion-program" ;;
    *) program="${XDG_DATA_HOME:-$HOME/.local/share}/csa-companion-program" ;;
esac
venv="$program/venv"
bindir="$HOME/.local/bin"
launcher="$bindir/csa-companion"

ours() { [ -f "$1" ] && [ ! -L "$1" ] && grep -q "$marker" "$1"; }

usable() {  # usable PYTHON: true if it runs and is 3.11, 3.12 or 3.13
    "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
        >/dev/null 2>&1
}

uninstall() {
    where=""
    if [ -x "$venv/bin/csa-companion" ]; then
        where=$("$venv/bin/csa-companion" where 2>/dev/null | sed -n 's/^data dir: *//p') || true
    fi
    if [ -e "$launcher" ] || [ -L "$launcher" ]; then
        if ours "$launcher"; then
            rm -f "$launcher"
            say "removed $launcher"
        else
            say "left $launcher alone: it was not written by this installer"
        fi
    fi
    if [ -d "$program" ]; then
        if [ -f "$program/installed.txt" ]; then
            rm -rf "$program"
            say "removed $program"
        else
            fail "$program was not made by this installer; remove it yourself"
        fi
    fi
    for profile in "$HOME/.profile" "$HOME/.bash_profile" "$HOME/.zprofile"; do
        if [ -f "$profile" ] && grep -qF "$path_note" "$profile"; then
            kept="$profile.csa-companion.$$"
            awk -v note="$path_note" '
                $0 == note { skip = 1; next }
                skip && /^export PATH=/ { skip = 0; next }
                { skip = 0; print }' "$profile" >"$kept"
            cat "$kept" >"$profile" && rm -f "$kept"
            say "removed the PATH line from $profile"
        fi
    done
    say "csa-companion is uninstalled."
    if [ -n "$where" ]; then
        say "Your data is still in $where (delete that folder yourself if you want it gone)."
    else
        say "Your data folder was not touched."
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    uninstall
    exit 0
fi
if [ $# -gt 0 ]; then
    fail "unknown option $1 (use --uninstall to remove the program)"
fi

set -- "$wheels"/csa_companion-"$version"-*.whl
[ -f "$1" ] || fail "no csa_companion wheel in $wheels: unpack the whole zip and run install.sh from it"
set -- "$wheels"/pip-*.whl
[ -f "$1" ] || fail "no pip wheel in $wheels: unpack the whole zip and run install.sh from it"
pip_wheel="$1"

if [ -e "$launcher" ] || [ -L "$launcher" ]; then
    ours "$launcher" || fail "$launcher already exists and was not written by this installer (an install with pipx or uv?): remove that one first (pipx uninstall csa-companion, or uv tool uninstall csa-companion)"
fi

# The Python: the one asked for, else the newest 3.13, 3.12 or 3.11 on the PATH.
python=""
if [ -n "${CSA_COMPANION_PYTHON:-}" ]; then
    usable "$CSA_COMPANION_PYTHON" || fail "CSA_COMPANION_PYTHON=$CSA_COMPANION_PYTHON is not Python 3.11, 3.12 or 3.13"
    python="$CSA_COMPANION_PYTHON"
else
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then
            python=$(command -v "$candidate")
            break
        fi
    done
fi
if [ -z "$python" ]; then
    found=$(python3 --version 2>/dev/null || true)
    fail "csa-companion needs Python 3.11, 3.12 or 3.13${found:+ (python3 here is ${found#Python })}: install one (python.org, Homebrew, or your Linux packages), then run install.sh again"
fi

mkdir -p "$program"
if [ -d "$venv" ] && ! usable "$venv/bin/python"; then
    # Its Python was removed or upgraded past what it was made with: make it again.
    [ -f "$program/installed.txt" ] || fail "$program was not made by this installer; remove it yourself"
    rm -rf "$venv"
fi
if [ -d "$venv" ]; then
    action="updated"
else
    action="installed"
    # --without-pip: pip runs from the bundle's own wheel, so a Python without ensurepip
    # (Debian's and Ubuntu's without python3-venv) is enough.
    "$python" -m venv --without-pip "$venv" \
        || fail "$python could not make a virtual environment in $venv"
fi

started=$(date +%s)
"$venv/bin/python" "$pip_wheel/pip" --isolated --disable-pip-version-check install \
    --quiet --no-index --find-links "$wheels" --no-warn-script-location \
    --root-user-action=ignore --upgrade --upgrade-strategy eager \
    "csa-companion==$version" \
    || fail "pip could not install from $wheels (its message is above)"
took=$(( $(date +%s) - started ))

{
    say "csa-companion $version, $marker"
    say "python: $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
    say "from: $here"
} >"$program/installed.txt"

mkdir -p "$bindir"
quoted=$(printf '%s' "$venv/bin/csa-companion" | sed "s/'/'\\\\''/g")
{
    say "#!/bin/sh"
    say "# csa-companion launcher, $marker (sh install.sh --uninstall removes it)"
    say "exec '$quoted' \"\$@\""
} >"$launcher.tmp"
chmod 755 "$launcher.tmp"
mv -f "$launcher.tmp" "$launcher"

say "csa-companion $version is $action (in ${took}s), with $("$venv/bin/python" --version)."
case ":$PATH:" in
    *":$bindir:"*)
        say "Start it with: csa-companion"
        ;;
    *)
        case "${SHELL:-}" in
            */zsh) profile="$HOME/.zprofile" ;;
            */bash) if [ -f "$HOME/.bash_profile" ]; then profile="$HOME/.bash_profile"; else profile="$HOME/.profile"; fi ;;
            *) profile="$HOME/.profile" ;;
        esac
        if ! { [ -f "$profile" ] && grep -qF "$path_note" "$profile"; }; then
            {
                say "$path_note"
                # shellcheck disable=SC2016 # written as it is, expanded by the shell at login
                say 'export PATH="$HOME/.local/bin:$PATH"'
            } >>"$profile"
            say "Added $bindir to your PATH in $profile."
        fi
        say "Open a new terminal window, then start it with: csa-companion"
        say "(or now, in this one: \"$launcher\")"
        ;;
esac
say "Your journal and everything you write stay in your data folder (csa-companion where shows it);"
say "updating or uninstalling (sh install.sh --uninstall) never touches it."
