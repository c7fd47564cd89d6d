/*
 * Checking the domain names operators type (domain.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "xmalloc.h"

#define DOMAIN_MAX	253
#define LABEL_MAX	63

/* Why the lower-cased name, without its final dot, is no name; or NULL. */
static const char *
domain_fault(const char *name)
{
	const char	*p;
	size_t		 label = 0;

	if (*name == '\0')
		return "a domain name is needed";
	if (strlen(name) > DOMAIN_MAX)
		return "a domain name has at most 253 characters";
	for (p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return "empty label in the domain name";
			label = 0;
		} else if ((unsigned char)*p >= 0x80)
			return "not ASCII: give an internationalised name in "
			    "its xn-- form, as idn2 NAME prints it";
		else if (isalnum((unsigned char)*p) || *p == '-' ||
		    *p == '_') {
			if (++label > LABEL_MAX)
				return "a label has at most 63 characters";
		} else
			return "letters, digits, '-' and '.' only";
	}
	if (label == 0)
		return "empty label in the domain name";
	if (strchr(name, '.') == NULL)
		return "no dot: a mail domain has two labels or more";
	return NULL;
}

char *
domain_normalise(const char *in, const char **why)
{
	char	*name, *p;
	size_t	 len;

	while (isspace((unsigned char)*in))
		in++;
	name = xstrdup(in);
	len = strlen(name);
	while (len > 0 && isspace((unsigned char)name[len - 1]))
		name[--len] = '\0';
	if (len > 0 && name[len - 1] == '.')
		name[--len] = '\0';
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);

	if ((*why = domain_fault(name)) != NULL) {
		free(name);
		return NULL;
	}
	return name;
}
