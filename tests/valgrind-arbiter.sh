#!/bin/sh
# valgrind-arbiter.sh: runs the arbiter binary under valgrind memcheck; the
# end-to-end tests use it as ARBITER for `make check-valgrind`. A memory
# error or a definitely-lost leak turns into exit 99, which no test expects.
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite "$ARBITER_BINARY" "$@"
