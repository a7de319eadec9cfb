#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool tp_verbose;

static void vlog(const char *fmt, va_list ap)
{
	fputs("[tokenpath-helper] ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tp_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

#define ONCE_KEYS 256
static char once_keys[ONCE_KEYS][64];
static int once_n;

void tp_log_once(const char *key, const char *fmt, ...)
{
	for (int i = 0; i < once_n; i++)
		if (strncmp(once_keys[i], key, sizeof(once_keys[i]) - 1) == 0)
			return;
	if (once_n < ONCE_KEYS)
		snprintf(once_keys[once_n++], sizeof(once_keys[0]), "%s", key);
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
