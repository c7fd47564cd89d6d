/*
 * The tlsa step's records as an nsupdate script and as a list for web
 * forms (tlsa_forms.c).
 */
#ifndef MXANCHOR_TLSA_FORMS_H
#define MXANCHOR_TLSA_FORMS_H

struct observation;
struct step_result;

/* Adds the two artifacts for the keys the MX addresses serve now. */
void	tlsa_forms_artifacts(const struct observation *,
	    struct step_result *);

#endif
