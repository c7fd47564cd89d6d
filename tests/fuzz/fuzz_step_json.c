/*
 * Fuzz harness: step results read back from the state (the wizard's
 * app_result_parse, and anything else that imports them).  The state
 * file is the operator's, but it may be damaged, edited by hand, or
 * written by another version: a result read from it must either load
 * or be refused, never crash.  What loads must also survive the round
 * trip the wizard makes (to JSON, stored, read again) unchanged in
 * shape; a difference aborts, so the fuzzer reports it.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "step.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* to_json, dump, load, from_json: the same status and counts back. */
static void
fuzz_round_trip(const struct step_result *r)
{
	struct step_result	 again;
	json_t			*j, *back;
	char			*text, *cause = NULL;

	if ((j = step_result_to_json(r)) == NULL)
		abort();
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL || (back = json_loads(text, 0, NULL)) == NULL)
		abort();
	if (step_result_from_json(back, &again, &cause) != 0)
		abort();
	if (again.id != r->id || again.status != r->status ||
	    again.findings.n != r->findings.n ||
	    again.nartifacts != r->nartifacts)
		abort();
	step_result_free(&again);
	json_decref(back);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct step_result	 r;
	json_t			*j;
	char			*cause = NULL;

	if ((j = json_loadb((const char *)data, len, 0, NULL)) == NULL)
		return 0;
	step_result_init(&r, STEP_INVENTORY);
	if (step_result_from_json(j, &r, &cause) == 0)
		fuzz_round_trip(&r);
	else if (cause == NULL)
		abort();	/* a refusal must say why */
	free(cause);
	step_result_free(&r);
	json_decref(j);
	return 0;
}
