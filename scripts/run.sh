#!/usr/bin/env bash
# The main command: set up, build, assemble the web page with the shipped model (web/model), and
# serve it on 127.0.0.1. Open the address it prints and drag an X-ray in; Ctrl-C stops it.
# usage: scripts/run.sh [PORT]   (default 8080, or the next free one)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh all
scripts/build_web.sh web/model dist

port=${1:-${PORT:-8080}}
port=$(python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
for candidate in range(port, port + 50):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", candidate))
            print(candidate)
            break
        except OSError:
            continue
PY
)
echo
echo "  Chest X-ray classifier (research demo, not a medical device)"
echo "  Open http://127.0.0.1:$port/ and drag an X-ray in; it is analysed in your browser."
echo "  The same files work from any static host: copy dist/ anywhere. Ctrl-C stops this server."
echo
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
