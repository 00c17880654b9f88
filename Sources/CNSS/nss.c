#include "CNSS.h"

#include <errno.h>
#include <nss.h>

int cnss_configure_lookup(const char *database, const char *services) {
    errno = 0;
    if (__nss_configure_lookup(database, services) != 0) {
        return errno != 0 ? errno : EINVAL;
    }
    return 0;
}
