/* A growable byte buffer: one per client, filled with a whole batch, then written without blocking. */
#ifndef TP_OUTBUF_H
#define TP_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t sent; /* bytes of data already written to the peer */
	int failed;  /* an allocation failed: the batch is incomplete and must not be sent */
};

void outbuf_append(struct outbuf *b, const char *s, size_t n);
void outbuf_printf(struct outbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t outbuf_pending(const struct outbuf *b);
void outbuf_consume(struct outbuf *b, size_t n);
void outbuf_free(struct outbuf *b);

#endif
