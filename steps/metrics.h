/*
 * Monitoring metrics in the Prometheus text exposition format, as the
 * node_exporter textfile collector reads them (*.prom files).
 *
 * Every family has HELP and TYPE lines and all its samples together, label
 * values are escaped as the format asks (backslash, double quote, line
 * feed), and the text ends with a line feed.  Step status is a "state
 * set": one sample per possible status, 1 for the current one, so that an
 * alert reads mxanchor_step_status{status="fail"} == 1.
 */
#ifndef MXANCHOR_METRICS_H
#define MXANCHOR_METRICS_H

#include <stddef.h>
#include <time.h>

#include "fleet.h"

/* The whole file; caller frees.  run_at and run_ms describe the run. */
char	*metrics_render(const struct fleet_summary *, size_t n, time_t run_at,
	    long long run_ms);

#endif
