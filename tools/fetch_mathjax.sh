#!/usr/bin/env bash
# Puts MathJax 3 from the npm registry into _vendor/mathjax, which the book build copies
# to _build/html/_static/mathjax (see html_static_path and mathjax_path in _config.yml),
# so the site renders its maths without a CDN. Only what the pages load is kept: the
# TeX+MathML to CommonHTML bundle, the TeX extensions it loads on demand and its fonts.
# Needs npm and tar. Does nothing when that version is already in place.
set -euo pipefail

version=3.2.2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/_vendor/mathjax"

if [[ -f "$target/tex-mml-chtml.js" && "$(cat "$target/VERSION" 2>/dev/null)" == "$version" ]]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mathjax@$version" >/dev/null)
rm -rf "$target"
mkdir -p "$target"
tar -xzf "$work/mathjax-$version.tgz" -C "$target" --strip-components=2 \
  package/es5/tex-mml-chtml.js \
  package/es5/input/tex/extensions \
  package/es5/output/chtml/fonts/woff-v2
echo "$version" >"$target/VERSION"
echo "MathJax $version in ${target#"$root"/}: $(du -sh "$target" | cut -f1)"
