#include "session.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int server_listen(const char *path, unsigned mode)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		tp_log("--socket %s: path too long (at most %zu bytes)", path, sizeof(a.sun_path) - 1);
		return -1;
	}
	strcpy(a.sun_path, path);
	/* /run/tokenpath on a fresh host: make the directory (not its parents: a wrong path should fail loudly) */
	char dir[sizeof(a.sun_path)];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST) {
			tp_log("--socket %s: cannot create %s: %s", path, dir, strerror(errno));
			return -1;
		}
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			tp_log("--socket %s exists and is not a socket: refusing to replace it", path);
			close(fd);
			return -1;
		}
		/* a socket nobody answers on is a dead helper's: replace it */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&a, sizeof(a)) == 0) {
			tp_log("--socket %s: another helper is serving it", path);
			close(probe);
			close(fd);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r || listen(fd, 64)) {
		tp_log("--socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (chmod(path, mode)) {
		tp_log("--socket %s: chmod %o: %s", path, mode, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int server_accept(int lfd, struct session *s)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return -1;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || cred.pid <= 0) {
		/* a peer outside the helper's pid namespace has pid 0: there is nothing to monitor for it */
		tp_log("refused a client with no pid visible to the helper");
		close(fd);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->pid = cred.pid;
	s->uid = cred.uid;
	return 0;
}

int session_flush(struct session *s)
{
	if (s->out.failed) {
		tp_log("pid %d: out of memory building a batch; closing its connection", s->pid);
		return -1;
	}
	while (outbuf_pending(&s->out) > 0) {
		ssize_t n = s->is_stdout ? write(s->fd, s->out.data + s->out.sent, outbuf_pending(&s->out))
					 : send(s->fd, s->out.data + s->out.sent, outbuf_pending(&s->out), MSG_NOSIGNAL);
		if (n > 0) {
			outbuf_consume(&s->out, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (outbuf_pending(&s->out) > SESSION_MAX_PENDING) {
				tp_log("pid %d: the client reads too slowly (%zu bytes waiting); closing its connection", s->pid,
				       outbuf_pending(&s->out));
				return -1;
			}
			return 0;
		}
		return -1;
	}
	return 0;
}

int session_read(struct session *s)
{
	char buf[1024];
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				s->in_len = 0; /* a line ends: clients only greet, nothing is acted on */
				continue;
			}
			if (++s->in_len >= SESSION_MAX_INPUT_LINE) {
				tp_log("pid %d: input line over %d bytes; closing its connection", s->pid, SESSION_MAX_INPUT_LINE);
				proto_close(&s->out, "input line too long");
				session_flush(s);
				return -1;
			}
		}
	}
}

void session_close(struct session *s)
{
	if (s->fd >= 0 && !s->is_stdout)
		close(s->fd);
	s->fd = -1;
	outbuf_free(&s->out);
}
