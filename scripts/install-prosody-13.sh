#!/usr/bin/env bash
# Installs Prosody 13 and its community modules from bookworm-backports into
# .prosody/13/ at the repository root, for the tests to run beside Debian's 0.12.
# It never touches the system's apt setup or its Prosody: the packages are
# fetched with a private apt configuration and unpacked, not installed.
# Their runtime dependencies (Lua 5.4 and its libraries) come with Debian's
# `prosody` package, so install that first.
set -euo pipefail
cd "$(dirname "$0")/.."

PROSODY_VERSION='13.0.1-1~bpo12+1'
MODULES_VERSION='0.0~hg20250402.f315edc39f3d+dfsg-1~bpo12+1'
SUITE='bookworm-backports'

root="$PWD/.prosody/13"
stamp="$root/.installed"
want="prosody=$PROSODY_VERSION prosody-modules=$MODULES_VERSION"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "Prosody $PROSODY_VERSION is already in .prosody/13"
  exit 0
fi

apt_dir="$PWD/.prosody/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
echo "deb http://deb.debian.org/debian $SUITE main" > "$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  # The private lists are only ever read by this script, so apt's sandbox user need not reach them.
  -o "APT::Sandbox::User=root"
)

apt-get "${apt_opts[@]}" -qq update
if ! (cd "$apt_dir/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download \
  "prosody=$PROSODY_VERSION" "prosody-modules=$MODULES_VERSION"); then
  echo "$SUITE does not serve $want (any more?). See what it serves with" >&2
  echo "  apt-cache ${apt_opts[*]} policy prosody prosody-modules" >&2
  echo "and update the pins at the top of $0." >&2
  exit 1
fi

rm -rf "$root"
mkdir -p "$root"
for deb in "$apt_dir"/debs/*.deb; do dpkg -x "$deb" "$root"; done

# The launchers find Prosody's sources, config, plugins and data through these lines.
for launcher in "$root/usr/bin/prosody" "$root/usr/bin/prosodyctl"; do
  sed -i \
    -e "s|^CFG_SOURCEDIR=.*|CFG_SOURCEDIR='$root/usr/lib/prosody';|" \
    -e "s|^CFG_CONFIGDIR=.*|CFG_CONFIGDIR='$root/etc/prosody';|" \
    -e "s|^CFG_PLUGINDIR=.*|CFG_PLUGINDIR='$root/usr/lib/prosody/modules/';|" \
    -e "s|^CFG_DATADIR=.*|CFG_DATADIR='$root/var/lib/prosody';|" \
    "$launcher"
  grep -q "^CFG_SOURCEDIR='$root/" "$launcher" || { echo "could not point $launcher at $root" >&2; exit 1; }
done
mkdir -p "$root/etc/prosody/conf.d" "$root/var/lib/prosody"

echo "$want" > "$stamp"
echo "Prosody $PROSODY_VERSION installed in .prosody/13"
