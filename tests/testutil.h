/* testutil.h: the main() every Check suite shares: run the suite, and,
 * for suites that write files, do it under a fresh folder removed after. */
#ifndef ARBITER_TESTUTIL_H
#define ARBITER_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs the suite; returns the process exit status. */
static inline int testutil_run(Suite *suite)
{
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Makes base_dir (size bytes) a new folder /tmp/<name>.XXXXXX, runs the
 * suite built by make_suite (which may use base_dir), removes the folder. */
static inline int testutil_run_in_tmpdir(Suite *(*make_suite)(void), const char *name,
                                         char *base_dir, size_t size)
{
    snprintf(base_dir, size, "/tmp/%s.XXXXXX", name);
    if (!mkdtemp(base_dir))
        return EXIT_FAILURE;
    int status = testutil_run(make_suite());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base_dir);
    if (system(cmd) != 0)
        return EXIT_FAILURE;
    return status;
}

#endif
