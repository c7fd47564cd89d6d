/*
 * A stand-in for libFuzzer when the harnesses are built without it (gcc,
 * the default build): every file named on the command line or found in a
 * named folder is fed to the harness, then a fixed number of mutations of
 * them (bit flips, truncations, splices, inserted bytes), from a fixed
 * seed so that a failure can be replayed.  It finds far less than
 * libFuzzer, but it runs every harness in every test run, under ASan and
 * UBSan, on inputs close to the real ones.
 *
 * Output is TAP: one test, with the number of executions as a comment.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define DRIVER_MUTATIONS	4000
#define DRIVER_MAX_INPUT	(256 * 1024)

struct input {
	uint8_t	*data;
	size_t	 len;
};

static struct input	*inputs;
static size_t		 ninputs;

static void
driver_add_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	size_t		 len;

	if ((f = fopen(path, "rb")) == NULL)
		return;
	buf = malloc(DRIVER_MAX_INPUT);
	len = fread(buf, 1, DRIVER_MAX_INPUT, f);
	fclose(f);
	inputs = realloc(inputs, (ninputs + 1) * sizeof *inputs);
	inputs[ninputs].data = buf;
	inputs[ninputs].len = len;
	ninputs++;
}

static void
driver_add(const char *path)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		 full[4096];

	if (stat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		driver_add_file(path);
		return;
	}
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof full, "%s/%s", path, de->d_name);
		driver_add(full);
	}
	closedir(d);
}

/* xorshift64: small, fast, and the same on every machine. */
static uint64_t
driver_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t
driver_mutate(uint64_t *seed, uint8_t *buf, size_t len, size_t cap)
{
	const struct input	*other;
	size_t			 at, n;

	at = len > 0 ? driver_rand(seed) % len : 0;
	switch (driver_rand(seed) % 5) {
	case 0:		/* flip a bit */
		if (len > 0)
			buf[at] ^= (uint8_t)(1u << (driver_rand(seed) % 8));
		break;
	case 1:		/* cut short */
		len = at;
		break;
	case 2:		/* a byte that parsers care about */
		if (len > 0)
			buf[at] = (uint8_t)"\0\r\n:;=.*,\"\\ \t\xff"[
			    driver_rand(seed) % 14];
		break;
	case 3:		/* splice in the tail of another input */
		other = &inputs[driver_rand(seed) % ninputs];
		n = other->len - (other->len > 0 ?
		    driver_rand(seed) % other->len : 0);
		if (at + n > cap)
			n = cap - at;
		memcpy(buf + at, other->data + other->len - n, n);
		len = at + n;
		break;
	case 4:		/* repeat a stretch */
		n = len - at < 64 ? len - at : 64;
		if (len + n <= cap) {
			memmove(buf + at + n, buf + at, len - at);
			len += n;
		}
		break;
	}
	return len;
}

int
main(int argc, char **argv)
{
	uint64_t	 seed = 0x6d78616e63686f72ULL;
	uint8_t		*buf;
	size_t		 i, len, runs = 0;
	const char	*env;
	int		 k;

	for (k = 1; k < argc; k++)
		driver_add(argv[k]);
	if ((env = getenv("FUZZ_SEED")) != NULL)
		seed = strtoull(env, NULL, 0) | 1;

	/* The inputs as they are, then mutated copies. */
	for (i = 0; i < ninputs; i++, runs++)
		LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].len);
	buf = malloc(DRIVER_MAX_INPUT);
	for (i = 0; ninputs > 0 && i < DRIVER_MUTATIONS; i++, runs++) {
		len = inputs[i % ninputs].len;
		memcpy(buf, inputs[i % ninputs].data, len);
		len = driver_mutate(&seed, buf, len, DRIVER_MAX_INPUT);
		len = driver_mutate(&seed, buf, len, DRIVER_MAX_INPUT);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);

	printf("# %zu seed inputs, %zu executions\n", ninputs, runs);
	printf("%s 1 - %zu executions without a crash\n1..1\n",
	    ninputs > 0 ? "ok" : "not ok", runs);
	for (i = 0; i < ninputs; i++)
		free(inputs[i].data);
	free(inputs);
	return ninputs > 0 ? 0 : 1;
}
