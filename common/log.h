/*
 * The developer log: off unless -v or MXANCHOR_LOG names a file.
 *
 * It is for whoever debugs mxanchor, never for the operator: messages that
 * the operator must see are findings or errors returned to the caller.
 * Safe to call from any thread.  Secrets (TSIG keys, passwords, private
 * keys) must never be passed to it.
 */
#ifndef MXANCHOR_LOG_H
#define MXANCHOR_LOG_H

int	log_open(const char *path);
void	log_close(void);
int	log_enabled(void);
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
