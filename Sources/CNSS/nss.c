#include "CNSS.h"

#include <errno.h>
#if defined(__GLIBC__)
#include <nss.h>
#endif

int cnss_configure_lookup(const char *database, const char *services) {
#if defined(__GLIBC__)
    errno = 0;
    if (__nss_configure_lookup(database, services) != 0) {
        return errno != 0 ? errno : EINVAL;
    }
#else
    // musl has no NSS: its resolver reads /etc/hosts and DNS itself and loads nothing.
    (void)database;
    (void)services;
#endif
    return 0;
}
