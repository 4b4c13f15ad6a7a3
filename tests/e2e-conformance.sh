#!/bin/sh
# e2e-conformance.sh: runs the shared conformance data sets (outputs of an
# independent model of the spec) when ../shared is beside the source tree.
set -u
check=${SRCDIR:-.}/../shared/conformance/check
if [ ! -x "$check" ]; then
    echo "SKIP: no $check"
    exit 77
fi
out=$("$check" --arbiter "${ARBITER:-src/arbiter}" 2>&1)
status=$?
printf '%s\n' "$out" | tail -n 40
exit $status
