/*
 * Recovery address flags and the operator's name.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "recovery.h"

const char *const recovery_kinds[] = {
	"ca",		/* certificate authority, ACME account */
	"registrar",
	"dns",		/* DNS hosting */
	"idp",		/* identity provider, single sign-on */
	"hosting",	/* servers, cloud accounts */
	"other",
};
const size_t recovery_nkinds = sizeof recovery_kinds /
    sizeof recovery_kinds[0];

/* Public mail services: a mailbox there is someone else's to secure. */
static const char *const recovery_providers[] = {
	"aol.com", "fastmail.com", "gmail.com", "gmx.de", "gmx.net",
	"googlemail.com", "hotmail.com", "icloud.com", "live.com",
	"mail.ru", "me.com", "outlook.com", "proton.me", "protonmail.com",
	"web.de", "yahoo.com", "yandex.ru", "zoho.com",
};

int
recovery_kind_valid(const char *kind)
{
	size_t	i;

	for (i = 0; i < recovery_nkinds; i++) {
		if (strcmp(kind, recovery_kinds[i]) == 0)
			return 1;
	}
	return 0;
}

/* name is zone or below it, ignoring case. */
static int
recovery_under(const char *name, const char *zone)
{
	size_t	n = strlen(name), z = strlen(zone);

	if (n == z)
		return strcasecmp(name, zone) == 0;
	return n > z && name[n - z - 1] == '.' &&
	    strcasecmp(name + n - z, zone) == 0;
}

void
recovery_guess(const char *domain, const char *address,
    char *const *controlled, size_t n, int *third_party,
    int *not_controlled)
{
	const char	*at = strrchr(address, '@');
	const char	*mail = at != NULL ? at + 1 : address;
	size_t		 i;

	*third_party = 0;
	for (i = 0; i < sizeof recovery_providers /
	    sizeof recovery_providers[0]; i++) {
		if (recovery_under(mail, recovery_providers[i]))
			*third_party = 1;
	}

	*not_controlled = !recovery_under(mail, domain);
	for (i = 0; i < n && *not_controlled; i++) {
		if (recovery_under(mail, controlled[i]))
			*not_controlled = 0;
	}
}

const char *
recovery_user(void)
{
	static const char *const vars[] = {
		"MXANCHOR_USER", "SUDO_USER", "USER", "LOGNAME",
	};
	struct passwd	*pw;
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	}
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	return "unknown";
}
