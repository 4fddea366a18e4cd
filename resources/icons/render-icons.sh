#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Renders heapscope.svg into the hicolor PNG sizes committed beside it (heapscope-N.png).
# Run after editing the SVG. Needs ImageMagick's `convert` with an SVG reader
# (on Debian 12: apt-get install imagemagick librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
    # Render at a high density, then scale down, so small sizes stay sharp.
    convert -background none -density 384 heapscope.svg -resize "${size}x${size}" \
        -strip "PNG32:heapscope-${size}.png"
done
echo "rendered:" heapscope-*.png
