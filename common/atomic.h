/*
 * Writing a file so that it is either the old one or the whole new one.
 *
 * The data goes to a temporary file in the same folder (mode as given),
 * is flushed to disk, and is renamed over the target; the folder is then
 * flushed too, so the rename survives a crash.  On any error the target
 * is untouched and the temporary file removed.
 */
#ifndef MXANCHOR_ATOMIC_H
#define MXANCHOR_ATOMIC_H

#include <sys/types.h>

#include <stddef.h>

int	atomic_write(const char *path, const void *data, size_t len,
	    mode_t mode, char **cause);

#endif
