/*
 * Sorting the dashboard and wording its next actions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dash.h"
#include "strbuf.h"
#include "text.h"
#include "xmalloc.h"

struct dash_row {
	struct state_domain	domain;
	struct next_action	next;
};

static int
dash_cmp(const void *a, const void *b)
{
	const struct dash_row	*x = a, *y = b;
	int			 c;

	if ((c = next_compare(&x->next, &y->next)) != 0)
		return c;
	return strcmp(x->domain.name, y->domain.name);
}

void
dash_sort(struct state_domain *list, size_t n, struct next_action **next)
{
	struct next_overview	 o;
	struct dash_row		*rows;
	time_t			 now = clock_now();
	size_t			 i;

	rows = xcalloc(n > 0 ? n : 1, sizeof *rows);
	for (i = 0; i < n; i++) {
		rows[i].domain = list[i];
		next_overview_load(&list[i], &o);
		next_action(&o, now, &rows[i].next);
	}
	qsort(rows, n, sizeof *rows, dash_cmp);

	*next = xcalloc(n > 0 ? n : 1, sizeof **next);
	for (i = 0; i < n; i++) {
		list[i] = rows[i].domain;
		(*next)[i] = rows[i].next;
	}
	free(rows);
}

void
dash_next_text(const struct next_action *a, int width, char *buf,
    size_t len)
{
	char	when[32];

	if (a->not_before == 0) {
		snprintf(buf, len, "%s", a->text);
		return;
	}
	clock_format(a->not_before, when, sizeof when);
	snprintf(buf, len, "%s from %.10s", a->text, when);
	if (text_width(buf) > width)
		snprintf(buf, len, "%s from %.5s", a->text, when + 5);
	if (text_width(buf) > width)
		snprintf(buf, len, "%s %.5s", a->text, when + 5);
}

enum theme_element
dash_element(const struct next_action *a)
{
	switch (a->attention) {
	case NEXT_FAIL:
		return THEME_FAIL;
	case NEXT_WARN:
		return THEME_WARN;
	case NEXT_DUE:
		return THEME_INFO;
	case NEXT_DONE:
		return THEME_PASS;
	default:
		return THEME_DIM;
	}
}

char *
dash_totals(const struct next_action *next, size_t n)
{
	static const char *const words[] = {
		"failing", "never checked", "warning", "due", "waiting",
		"done",
	};
	struct strbuf	b = { NULL, 0, 0 };
	size_t		count[NEXT_DONE + 1], i;
	const char	*sep = ":";

	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++)
		count[next[i].attention]++;
	strbuf_printf(&b, "%zu domain%s", n, n == 1 ? "" : "s");
	for (i = 0; i <= NEXT_DONE; i++) {
		if (count[i] == 0)
			continue;
		strbuf_printf(&b, "%s %zu %s", sep, count[i], words[i]);
		sep = ",";
	}
	return strbuf_take(&b);
}
