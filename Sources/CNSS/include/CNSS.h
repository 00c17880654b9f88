#ifndef CNSS_H
#define CNSS_H

/// Sets the NSS services of one database (as a line of /etc/nsswitch.conf would), through glibc's public
/// `__nss_configure_lookup` (<nss.h>). Returns 0, or the errno value of the failure (EINVAL for an unknown
/// database or a line that does not parse). Without glibc (musl has no NSS and loads nothing) it does nothing.
int cnss_configure_lookup(const char *database, const char *services);

#endif
