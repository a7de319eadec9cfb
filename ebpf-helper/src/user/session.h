/* One consumer of the protocol: a connection on the daemon's socket (its peer's process is its target) or the
 * helper's stdout in spawn/standalone mode. */
#ifndef TP_SESSION_H
#define TP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "outbuf.h"
#include "protocol.h"
#include "targets.h"

#define SESSION_MAX_INPUT_LINE 512      /* a client has nothing long to say */
#define SESSION_MAX_PENDING (8u << 20)  /* a client this far behind is dropped, never waited for */

struct session {
	int fd;
	bool is_stdout;
	bool closing;
	int pid;
	uid_t uid;
	struct target *target;
	struct proto_state st;
	struct outbuf out;
	char in[SESSION_MAX_INPUT_LINE];
	size_t in_len;
	uint64_t seq;
};

/* Creates the socket (a stale one from a dead helper is replaced), owner-only until chmod to `mode`. */
int server_listen(const char *path, unsigned mode);
/* Accepts one client: its pid and uid come from SO_PEERCRED, in the helper's pid namespace. */
int server_accept(int lfd, struct session *s);
/* Writes what it can without blocking: 0 ok, -1 the peer is gone or too far behind. */
int session_flush(struct session *s);
/* Reads and discards the client's lines, refusing oversize input: 0 ok, -1 close it. */
int session_read(struct session *s);
void session_close(struct session *s);

#endif
