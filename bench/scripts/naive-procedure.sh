#!/usr/bin/env bash
# B1 baseline: the KB Q150976 steps on the lab the way an admin would script them by hand.
# No preflight, no backup, no rollback, no verification. One process per step, as `reg add`,
# `net stop` and `net start` would be; then poll once a second until Resync.glb is there and the DXA
# has removed the value (the KB's sign that it is done), move the file out, and restart the service
# once more as Q156063 asks after a generation (the tool does the same by default).
# Usage: naive-procedure.sh <node> <bundle> <lab> <out-file> <value-name> <file-name> <requestor>...
set -u
node="$1" bundle="$2" lab="$3" out="$4" value="$5" name="$6"
shift 6
pending=()
for r in "$@"; do pending+=(--pending-value "$r"); done
"$node" "$bundle" lab fault "$lab" "${pending[@]}" >/dev/null || exit 1   # write the value
"$node" "$bundle" lab stop "$lab" >/dev/null || exit 1                    # net stop
"$node" "$bundle" lab start "$lab" >/dev/null || exit 1                   # net start
file="$lab/exchsrvr/Dxadata/$name"
until [ -f "$file" ] && ! grep -q -F "\"$value\"" "$lab/registry.json"; do sleep 1; done
mv -- "$file" "$out"
"$node" "$bundle" lab stop "$lab" >/dev/null || exit 1                    # the restart after generation (Q156063),
"$node" "$bundle" lab start "$lab" >/dev/null || exit 1                   # which the tool does by default
