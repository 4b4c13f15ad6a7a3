/* fuzz_files.c: libFuzzer harness for the configuration parser and the
 * holiday calendar loader: the input is written to a file and loaded as
 * one or the other (first byte even: configuration). Both must return 0
 * or a sysexits code with a message, never crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "calendar.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char path[] = "/tmp/arbiter-fuzz-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    char err[1024];
    if (data[0] % 2 == 0) {
        struct config cfg;
        config_defaults(&cfg);
        int rc = config_load(&cfg, path, err, sizeof err);
        if (rc == 0 && cfg.n_methods > CONFIG_MAX_METHODS)
            abort();
    } else {
        struct calendar cal = {0};
        if (calendar_load(&cal, path, err, sizeof err) == 0) {
            for (size_t i = 1; i < cal.n_holidays; i++)
                if (cal.holidays[i - 1] >= cal.holidays[i])
                    abort();
            (void)calendar_add_business_days(&cal, 20000, 20);
            calendar_free(&cal);
        }
    }
    unlink(path);
    return 0;
}
