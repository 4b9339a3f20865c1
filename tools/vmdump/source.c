// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump: reading a vmview file.
 *
 * One open file descriptor per walk (O_RDWR: the request is written on the
 * fd that is then read, the race-free per-open interface), a bounded line
 * buffer (never the whole dump), the version line checked, comment lines
 * skipped, and every errno turned into a message with the fix and an exit
 * code.
 *
 * `pages` is read in its binary form (format=bin): a header, then
 * fixed-size records, through the same buffer (a record may straddle two
 * read()s), each turned into the struct vmv_leaf a text line gives.  A
 * module that refuses format=bin (EINVAL: older than it) is read as text;
 * VMDUMP_PAGES_TEXT=1 or --text-pages asks for text.
 *
 * VMDUMP_REPLAY=DIR reads DIR/FILE instead and ignores requests: a host-side
 * testing aid (make test) that needs no module.  For `pages` it reads
 * DIR/pages.bin (binary) if there is one and text was not asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "vmdump.h"

#define LINE_BUF	(64 * 1024)	/* longest line: a VMA with a 4 KiB path */
#define DEBUGFS		"/sys/kernel/debug"
#define DEBUGFS_MAGIC	0x64626720

/* ---- progress on stderr ---- */

static struct {
	bool on;		/* stderr is a terminal */
	bool shown;
	struct timespec t0, last;
	const char *what;
} prog_state;

static double since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) + (b.tv_nsec - a->tv_nsec) / 1e9;
}

void progress_begin(const char *what)
{
	prog_state.on = isatty(2) && !getenv("VMDUMP_NO_PROGRESS");
	prog_state.shown = false;
	prog_state.what = what;
	clock_gettime(CLOCK_MONOTONIC, &prog_state.t0);
	prog_state.last = prog_state.t0;
}

/* Call often: prints at most 5 times a second, after the first second. */
void progress_tick(const char *fmt, ...)
{
	va_list ap;

	if (!prog_state.on || since(&prog_state.t0) < 1.0 ||
	    (prog_state.shown && since(&prog_state.last) < 0.2))
		return;
	clock_gettime(CLOCK_MONOTONIC, &prog_state.last);
	fprintf(stderr, "\r\033[K%s: %s: ", prog, prog_state.what ? prog_state.what : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	prog_state.shown = true;
}

void progress_end(void)
{
	if (prog_state.shown)
		fprintf(stderr, "\r\033[K");
	prog_state.shown = false;
}

/* ---- errors ---- */

/* ENXIO: a kernel thread or a zombie?  /proc/PID/status tells. */
static int explain_nxio(long pid)
{
	char path[64], line[256];
	bool has_vm = false, zombie = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "State:", 6) &&
			    (strchr(line, 'Z') || strstr(line, "X (dead)")))
				zombie = true;
			if (!strncmp(line, "VmSize:", 7))
				has_vm = true;
		}
		fclose(f);
	}
	if (zombie || !f) {
		fprintf(stderr, "%s: process %ld is a zombie (it has exited and its "
			"parent has not reaped it): it has no address space left\n",
			prog, pid);
		return EX_ZOMBIE;
	}
	if (!has_vm) {
		fprintf(stderr, "%s: process %ld is a kernel thread: it has no user "
			"address space (try a user process; `ps -o pid,comm` lists them)\n",
			prog, pid);
		return EX_KTHREAD;
	}
	fprintf(stderr, "%s: process %ld is exiting: its address space is gone\n",
		prog, pid);
	return EX_ZOMBIE;
}

/* An errno from a request write() or a read(), as a message + exit code. */
int explain_pid(long pid, int err)
{
	switch (err) {
	case ESRCH:
		fprintf(stderr, "%s: no such process: %ld (in this pid namespace)\n",
			prog, pid);
		return EX_NOPROC;
	case ENXIO:
		return explain_nxio(pid);
	case ERANGE:
		fprintf(stderr, "%s: address or range beyond the user address "
			"space (TASK_SIZE) or non-canonical\n", prog);
		return EX_USAGE;
	case EPERM:
	case EACCES:
		fprintf(stderr, "%s: permission denied: run as root (vmview needs "
			"CAP_SYS_ADMIN), and boot without lockdown=confidentiality\n",
			prog);
		return EX_NOPERM;
	case EINVAL:
		fprintf(stderr, "%s: the module refused the request (EINVAL): "
			"a vmdump/module version mismatch?\n", prog);
		return EX_FORMAT;
	default:
		fprintf(stderr, "%s: %s\n", prog, strerror(err));
		return EX_SYSTEM;
	}
}

static const char *root_dir(void)
{
	return opt.root ? opt.root : DEBUGFS "/" VMVIEW_DIR;
}

/* open() failed: which of the documented causes is it? */
static int explain_open(const char *path, int err)
{
	struct statfs sf;
	struct stat st;

	if (err == EACCES || err == EPERM) {
		fprintf(stderr, "%s: %s: permission denied: run vmdump as root "
			"(e.g. `sudo vmdump ...`); under lockdown=confidentiality "
			"vmview refuses every file\n", prog, path);
		return EX_NOPERM;
	}
	if (err == ENOENT && !opt.root && !getenv("VMDUMP_REPLAY")) {
		if (statfs(DEBUGFS, &sf) || (unsigned long)sf.f_type != DEBUGFS_MAGIC) {
			fprintf(stderr, "%s: debugfs is not mounted: run "
				"`mount -t debugfs none " DEBUGFS "`\n", prog);
			return EX_NODEBUGFS;
		}
		if (stat(DEBUGFS "/" VMVIEW_DIR, &st)) {
			if (errno == EACCES) {
				fprintf(stderr, "%s: %s: permission denied: run "
					"vmdump as root\n", prog, DEBUGFS);
				return EX_NOPERM;
			}
			fprintf(stderr, "%s: the vmview module is not loaded: run "
				"`sudo insmod module/vmview.ko`\n", prog);
			return EX_NOMODULE;
		}
		fprintf(stderr, "%s: %s: missing: this vmview.ko is older than "
			"vmdump (format %d)\n", prog, path, VMVIEW_FORMAT_VERSION);
		return EX_FORMAT;
	}
	fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(err));
	return EX_SYSTEM;
}

/* `pages` in binary form, unless VMDUMP_PAGES_TEXT=1 or --text-pages. */
static bool want_bin(const char *file)
{
	const char *e = getenv("VMDUMP_PAGES_TEXT");

	if (strcmp(file, "pages") || opt.text_pages)
		return false;
	return !(e && *e && strcmp(e, "0"));
}

/* Replay: DIR/pages.bin if wanted and recorded, else DIR/FILE (text). */
static void replay_path(struct vsrc *s, const char *dir, char *path, size_t n)
{
	if (s->bin) {
		snprintf(path, n, "%s/%s.bin", dir, s->file);
		if (!access(path, F_OK))
			return;
		s->bin = false;
	}
	snprintf(path, n, "%s/%s", dir, s->file);
}

int vsrc_open(struct vsrc *s, const char *file, long pid)
{
	const char *replay = getenv("VMDUMP_REPLAY");
	char path[512];
	int flags;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->pid = pid;
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->bin = want_bin(file);
	if (replay && *replay) {
		replay_path(s, replay, path, sizeof(path));
		s->replay = true;
		flags = O_RDONLY;
	} else {
		snprintf(path, sizeof(path), "%s/%s", root_dir(), file);
		flags = strcmp(file, "kernel") ? O_RDWR : O_RDONLY;
	}
	s->fd = open(path, flags | O_CLOEXEC);
	if (s->fd < 0)
		return explain_open(path, errno);
	s->cap = LINE_BUF;
	s->buf = malloc(s->cap);
	if (!s->buf) {
		close(s->fd);
		s->fd = -1;
		fprintf(stderr, "%s: out of memory\n", prog);
		return EX_SYSTEM;
	}
	return 0;
}

/* One write() of the first n bytes of req: 0 or an errno. */
static int vsrc_send(struct vsrc *s, const char *req, int n)
{
	if (opt.verbose)
		fprintf(stderr, "%s: %s <- \"%.*s\"\n", prog, s->file, n, req);
	if (s->replay)
		return lseek(s->fd, 0, SEEK_SET) < 0 ? errno : 0;
	if (write(s->fd, req, n) == n)
		return 0;
	return errno ? errno : EIO;		/* a short write */
}

/*
 * One write() of KEY=VALUE tokens (and format=bin for binary `pages`);
 * restarts the walk.
 */
int vsrc_request(struct vsrc *s, const char *fmt, ...)
{
	static const char bin[] = " format=bin";
	char req[256];
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(req, sizeof(req) - (sizeof(bin) - 1), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)(sizeof(req) - (sizeof(bin) - 1))) {
		fprintf(stderr, "%s: internal error: request too long\n", prog);
		return EX_SYSTEM;
	}
	s->len = s->pos = 0;
	s->eof = false;
	s->got_header = false;
	s->lines = 0;
	if (s->bin && !s->replay)
		strcpy(req + n, bin);
	err = vsrc_send(s, req, (int)strlen(req));
	if (err == EINVAL && s->bin && !s->replay) {
		/* a module older than format=bin: read its text */
		s->bin = false;
		err = vsrc_send(s, req, n);
	}
	if (err == ESRCH && s->gone_is_exit) {
		fprintf(stderr, "%s: process %ld has exited\n", prog, s->pid);
		return EX_EXITED;
	}
	return err ? explain_pid(s->pid, err) : 0;
}

/* Read more into the buffer; 1 if it is full of one over-long line. */
static int vsrc_fill(struct vsrc *s)
{
	ssize_t r;

	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->len == s->cap)
		return 1;			/* full: an over-long line */
	do {
		r = read(s->fd, s->buf + s->len, s->cap - s->len);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		int err = errno;

		if (err == ESRCH) {
			progress_end();
			fprintf(stderr, "%s: process %ld exited during the dump: "
				"the output above is incomplete\n", prog, s->pid);
			return -EX_EXITED;
		}
		progress_end();
		return -explain_pid(s->pid, err);
	}
	if (r == 0)
		s->eof = true;
	s->len += (size_t)r;
	return 0;
}

/*
 * Next data line (NUL-terminated, no newline; valid until the next call).
 * Returns 1, 0 at the end, or -EXITCODE after printing why.
 */
int vsrc_next(struct vsrc *s, const char **line)
{
	for (;;) {
		char *start = s->buf + s->pos;
		char *nl = memchr(start, '\n', s->len - s->pos);
		int r;

		if (!nl && s->eof && s->pos < s->len) {
			/* a last line without a newline */
			if (s->len == s->cap) {
				s->len--;
			}
			nl = s->buf + s->len;
			s->len++;
		}
		if (!nl) {
			if (s->eof && !s->got_header) {
				fprintf(stderr, "%s: %s: empty output: no version "
					"line\n", prog, s->file);
				return -EX_FORMAT;
			}
			if (s->eof)
				return 0;
			r = vsrc_fill(s);
			if (r < 0)
				return r;
			if (r == 1) {
				fprintf(stderr, "%s: %s: a line longer than %d bytes: "
					"skipped\n", prog, s->file, LINE_BUF);
				s->pos = s->len = 0;
				/* skip to the next newline */
				for (;;) {
					r = vsrc_fill(s);
					if (r < 0)
						return r;
					nl = memchr(s->buf, '\n', s->len);
					if (nl) {
						s->pos = (size_t)(nl - s->buf) + 1;
						break;
					}
					s->len = 0;
					if (s->eof)
						return 0;
				}
			}
			continue;
		}
		*nl = 0;
		s->pos = (size_t)(nl - s->buf) + 1;
		if (!s->got_header) {
			if (parse_header(start, &s->hdr) ||
			    strcmp(s->hdr.file, s->file)) {
				fprintf(stderr, "%s: %s: the first line is not a "
					"vmview version line: \"%.80s\"\n",
					prog, s->file, start);
				return -EX_FORMAT;
			}
			if (s->hdr.version < VMVIEW_FORMAT_VERSION) {
				fprintf(stderr, "%s: %s: format version %d, vmdump "
					"needs %d: upgrade the module\n", prog,
					s->file, s->hdr.version, VMVIEW_FORMAT_VERSION);
				return -EX_FORMAT;
			}
			s->got_header = true;
			continue;
		}
		if (start[0] == '#' || start[0] == 0)
			continue;
		s->lines++;
		*line = start;
		return 1;
	}
}

/* ---- binary pages ---- */

/* Make n bytes available at s->buf + s->pos: 1, 0 at EOF first, -EXITCODE. */
static int vsrc_want(struct vsrc *s, size_t n)
{
	int r;

	while (s->len - s->pos < n) {
		if (s->eof)
			return 0;
		r = vsrc_fill(s);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;		/* n > cap: cannot happen (u16 sizes) */
	}
	return 1;
}

/* EOF inside a header or record of `want` bytes: a format error. */
static int vsrc_bin_short(const struct vsrc *s, const char *what, size_t want)
{
	if (!s->got_header && s->len == s->pos)
		fprintf(stderr, "%s: %s: empty output: no binary header\n", prog,
			s->file);
	else
		fprintf(stderr, "%s: %s: output ends inside the binary %s "
			"(%zu of %zu bytes)\n", prog, s->file, what,
			s->len - s->pos, want);
	return -EX_FORMAT;
}

/* Header: checked, then skipped with whatever a larger one adds. */
static int vsrc_bin_header(struct vsrc *s)
{
	const char *why = "";
	size_t n = sizeof(struct vmv_bin_header);
	int r = vsrc_want(s, n);

	if (r <= 0)
		return r < 0 ? r : vsrc_bin_short(s, "header", n);
	if (parse_bin_header(s->buf + s->pos, n, &s->hdr, &why)) {
		fprintf(stderr, "%s: %s: not a vmview binary header: %s\n", prog,
			s->file, why);
		return -EX_FORMAT;
	}
	if (s->hdr.version < VMVIEW_FORMAT_VERSION) {
		fprintf(stderr, "%s: %s: format version %d, vmdump needs %d: "
			"upgrade the module\n", prog, s->file, s->hdr.version,
			VMVIEW_FORMAT_VERSION);
		return -EX_FORMAT;
	}
	n = s->hdr.hdr_size;
	r = vsrc_want(s, n);
	if (r <= 0)
		return r < 0 ? r : vsrc_bin_short(s, "header", n);
	s->pos += n;
	s->got_header = true;
	return 0;
}

/* Next record (its extra bytes, from a later revision, skipped). */
static int vsrc_next_rec(struct vsrc *s, struct vmv_leaf *l)
{
	int r;

	if (!s->got_header) {
		r = vsrc_bin_header(s);
		if (r)
			return r;
	}
	r = vsrc_want(s, s->hdr.rec_size);
	if (r <= 0) {
		if (r < 0 || s->len == s->pos)
			return r;
		return vsrc_bin_short(s, "record", s->hdr.rec_size);
	}
	s->rec = s->buf + s->pos;
	s->pos += s->hdr.rec_size;
	s->lines++;
	return parse_bin_rec(s->rec, l) ? VSRC_BAD : 1;
}

/*
 * Next `pages` leaf, from the binary records or the text lines.  Returns 1
 * with *l filled, VSRC_BAD for one that does not parse (vsrc_report_bad()
 * says which; go on with the next), 0 at the end, or -EXITCODE after
 * printing why.
 */
int vsrc_next_leaf(struct vsrc *s, struct vmv_leaf *l)
{
	int r;

	if (s->bin)
		return vsrc_next_rec(s, l);
	r = vsrc_next(s, &s->line);
	if (r <= 0)
		return r;
	return parse_leaf(s->line, l) ? VSRC_BAD : 1;
}

/* After VSRC_BAD: the line or record, on stderr. */
void vsrc_report_bad(const struct vsrc *s)
{
	const struct vmv_bin_rec *r = (const void *)s->rec;
	struct vmv_bin_rec b;

	if (!s->bin) {
		fprintf(stderr, "%s: pages: unparseable line skipped: "
			"\"%.100s\"\n", prog, s->line);
		return;
	}
	memcpy(&b, r, sizeof(b));	/* s->rec may be unaligned */
	fprintf(stderr, "%s: pages: unparseable record %lu skipped: start=0x%llx "
		"pages=%llu level=%u type=%u\n", prog, s->lines,
		(unsigned long long)b.start, (unsigned long long)b.pages,
		b.level, b.type);
}

void vsrc_close(struct vsrc *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
}
