/* The helper's diagnostics: one line each on stderr, prefixed, never on the protocol stream (stdout in spawn
 * mode carries only protocol lines). */
#ifndef TP_LOG_H
#define TP_LOG_H

#include <stdbool.h>

void tp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs only the first time `key` is seen (a per-field NVML failure must not repeat every second). */
void tp_log_once(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern bool tp_verbose;

#endif
