#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct outbuf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (b->len + extra <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d) {
		b->failed = 1;
		return -1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void outbuf_append(struct outbuf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void outbuf_printf(struct outbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		outbuf_append(b, tmp, n);
		return;
	}
	if (reserve(b, n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

size_t outbuf_pending(const struct outbuf *b)
{
	return b->len - b->sent;
}

void outbuf_consume(struct outbuf *b, size_t n)
{
	b->sent += n;
	if (b->sent == b->len) {
		b->len = 0;
		b->sent = 0;
	}
}

void outbuf_free(struct outbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = b->sent = 0;
	b->failed = 0;
}
