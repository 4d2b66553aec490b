#!/usr/bin/env bash
# B1 baseline: what an expert would script by hand, event-driven and with no checks. The KB Q150976
# steps (write the value, net stop, net start), then wait on inotify events (inotifywait, Debian's
# inotify-tools) instead of polling until Resync.glb is closed and the DXA has removed the value, move
# the file out, and restart the service once more, as Q156063 asks after a generation (the tool does
# the same by default). No preflight, no backup, no rollback, no verification.
# Usage: expert-procedure.sh <node> <bundle> <lab> <out-file> <value-name> <file-name> <requestor>...
set -u
node="$1" bundle="$2" lab="$3" out="$4" value="$5" name="$6"
shift 6
pending=()
for r in "$@"; do pending+=(--pending-value "$r"); done
dxadata="$lab/exchsrvr/Dxadata"
file="$dxadata/$name"
done_yet() { [ -f "$file" ] && ! grep -q -F "\"$value\"" "$lab/registry.json"; }
"$node" "$bundle" lab fault "$lab" "${pending[@]}" >/dev/null || exit 1   # write the value
"$node" "$bundle" lab stop "$lab" >/dev/null || exit 1                    # net stop
# Watch before the start, so no event can slip between the start and the watch.
fifo="$(mktemp -u)"; mkfifo "$fifo"
inotifywait -m -e close_write,moved_to --format '%f' "$dxadata" "$lab" >"$fifo" 2>&1 &
watcher=$!
exec 3<"$fifo"; rm -f "$fifo"
# Act only once inotifywait says its watches are in place.
while read -r line <&3; do [ "$line" = 'Watches established.' ] && break; done
"$node" "$bundle" lab start "$lab" >/dev/null || { kill "$watcher"; exit 1; }   # net start
until done_yet; do read -r -t 5 _ <&3 || true; done
kill "$watcher" 2>/dev/null; exec 3<&-
mv -- "$file" "$out"
"$node" "$bundle" lab stop "$lab" >/dev/null || exit 1                    # the restart after generation
"$node" "$bundle" lab start "$lab" >/dev/null || exit 1
