/*
 * Atomic file replacement: temporary file, fsync, rename, fsync folder.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "xmalloc.h"

static int
atomic_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes the rename itself durable. */
static int
atomic_sync_dir(const char *path)
{
	char	*copy = xstrdup(path);
	int	 fd, rc = -1;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

int
atomic_write(const char *path, const void *data, size_t len, mode_t mode,
    char **cause)
{
	char	*tmp;
	int	 fd, saved;

	xasprintf(&tmp, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot create a file next to %s: %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}

	if (fchmod(fd, mode) == -1 || atomic_write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	if (atomic_sync_dir(path) == -1) {
		xasprintf(cause, "wrote %s, but could not flush its folder: "
		    "%s", path, strerror(errno));
		return -1;
	}
	return 0;

fail:
	unlink(tmp);
	free(tmp);
	xasprintf(cause, "cannot write %s: %s", path, strerror(saved));
	return -1;
}
