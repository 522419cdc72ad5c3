#!/bin/sh
# Copy the built front-end files of our npm dependencies into the (git-ignored) vendor folder
# that Django serves as static files. Run by `make setup` after `npm ci`.
set -eu
dest="$1"
rm -rf "$dest" && mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/"
cp node_modules/echarts/dist/echarts.min.js "$dest/"
