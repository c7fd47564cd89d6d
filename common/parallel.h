/*
 * Run n independent jobs on a few threads and wait for all of them.
 *
 * Probes are mostly waiting on the network, so the jobs of one check (a
 * lookup per MX, a handshake per address) run concurrently.  fn must be
 * safe to call from several threads at once for different indexes.
 */
#ifndef MXANCHOR_PARALLEL_H
#define MXANCHOR_PARALLEL_H

#include <stddef.h>

#define PARALLEL_MAX_THREADS	32

void	parallel_for(size_t n, void (*fn)(void *arg, size_t i), void *arg);

#endif
