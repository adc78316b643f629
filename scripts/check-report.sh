#!/usr/bin/env bash
# Renders a knowhow report in headless Chromium, as a reader's browser would, and fails when the page logs a console
# error or an error event, or when one of its figures (inline SVG) renders with zero width or height.
# Usage: scripts/check-report.sh reports/<experiment>/index.html [screenshot.png]
set -euo pipefail
page="${1:?usage: scripts/check-report.sh REPORT.html [SCREENSHOT.png]}"
screenshot="${2:-}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "check-report: no Chromium found (apt-get install chromium)" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size=900,1200)

# A copy of the page with a probe: errors are recorded from the first script on, and after load every SVG's
# rendered size is written into the DOM, which Chromium then dumps.
python3 - "$page" "$work/probed.html" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
record = """<script>
window.knowhowErrors = [];
const original = console.error;
console.error = (...args) => { window.knowhowErrors.push(args.join(' ')); original(...args); };
window.addEventListener('error', event => window.knowhowErrors.push(String(event.message || event.type)), true);
</script>"""
measure = """<script>
window.addEventListener('load', () => {
  const sizes = [...document.querySelectorAll('svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    return Math.round(box.width) + 'x' + Math.round(box.height);
  });
  const out = document.createElement('pre');
  out.id = 'knowhow-check';
  out.textContent = JSON.stringify({ errors: window.knowhowErrors, svgs: sizes });
  document.body.appendChild(out);
});
</script>"""
html = html.replace("<head>", "<head>" + record, 1).replace("</body>", measure + "</body>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY

"$browser" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$work/probed.html" > "$work/dom.html" 2> "$work/browser.log"
python3 - "$work/dom.html" "$page" <<'PY'
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
found = re.search(r'<pre id="knowhow-check">(.*?)</pre>', dom, re.S)
if not found:
    sys.exit(f"check-report: {sys.argv[2]}: the page did not finish loading in headless Chromium")
result = json.loads(html.unescape(found.group(1)))
empty = [index for index, size in enumerate(result["svgs"]) if size.startswith("0x") or size.endswith("x0")]
print(f"check-report: {sys.argv[2]}: {len(result['svgs'])} figures, sizes {', '.join(result['svgs'])}; "
      f"{len(result['errors'])} console errors")
for error in result["errors"]:
    print(f"  console error: {error}")
if result["errors"] or empty or not result["svgs"]:
    sys.exit(f"check-report: FAILED ({len(result['errors'])} errors, figures of zero size: {empty}, "
             f"{len(result['svgs'])} figures)")
PY
if [ -n "$screenshot" ]; then
    "$browser" "${flags[@]}" --screenshot="$screenshot" "file://$(realpath "$page")" 2>/dev/null
    echo "check-report: screenshot in $screenshot"
fi
