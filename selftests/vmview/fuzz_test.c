// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_test: random and adversarial input to every vmview file.
 *
 * Requests are drawn from the grammar (known keys with edge-case values,
 * unknown keys, duplicates, missing '=') and from raw random bytes; each
 * accepted request is followed by reads with random small buffer sizes and
 * random lseek() calls.  Every call must return valid output or one of the
 * errors docs/interface.md lists for it.  VMVIEW_FUZZ_ITERS sets the
 * iterations per file (default 2000), VMVIEW_FUZZ_SECONDS the time per
 * file at most (default 8); the seed is printed and can be set with
 * VMVIEW_FUZZ_SEED.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "vmview_test.h"

static unsigned long long rng_state;

static unsigned int rnd(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (unsigned int)(rng_state % n) : 0;
}

struct ctx {
	pid_t self, zombie, gone, child;
	char *map;		/* an address the test maps */
};

static const char *const keys[] = {
	"pid", "start", "end", "mode", "addr", "bytes", "format", "bogus",
	"PID", "", "pid=", "=",
};

/* A value for @key: valid, edge or garbage. */
static void value(const struct ctx *c, const char *key, char *out, size_t n)
{
	static const char *const any[] = {
		"0", "-1", "1", "0x", "0x0", "x", "18446744073709551615",
		"18446744073709551616", "99999999999999999999", "4294967296",
		"2147483647", "2147483648", "-2147483648", "0x7ffffffff000",
		"0xfffffffffffff000", "0x800000000000", "0xffff800000000000",
		"0x1000", "0x1001", "4096", "256", "257", "runs", "pages",
		"bin", "text", "%s%s%n", "\t", "1 2", "0x-1", "+5", "010",
	};

	if (!strcmp(key, "pid") && rnd(2)) {
		pid_t p[] = { c->self, c->zombie, c->gone, c->child, 1, 2 };

		snprintf(out, n, "%d", p[rnd(6)]);
	} else if ((!strcmp(key, "start") || !strcmp(key, "end") ||
		    !strcmp(key, "addr")) && rnd(2)) {
		snprintf(out, n, "0x%lx", (unsigned long)c->map +
			 rnd(64) * VMV_PAGE + (rnd(4) ? 0 : rnd(4096)));
	} else {
		snprintf(out, n, "%s", any[rnd(sizeof(any) / sizeof(any[0]))]);
	}
}

/* A request the file should accept (or refuse only for its target). */
static size_t valid_request(const struct ctx *c, const char *file, char *buf,
			    size_t size)
{
	pid_t p[] = { c->self, c->child, c->zombie, c->gone };
	unsigned long a = (unsigned long)c->map, s = a + rnd(32) * VMV_PAGE;
	pid_t pid = p[rnd(4) ? 0 : rnd(4)];

	if (!strcmp(file, "pages"))
		return snprintf(buf, size, "pid=%d start=0x%lx end=0x%lx mode=%s format=%s",
				pid, s, s + (1 + rnd(32)) * VMV_PAGE,
				rnd(2) ? "runs" : "pages", rnd(2) ? "text" : "bin");
	if (!strcmp(file, "vmas"))
		return snprintf(buf, size, "pid=%d start=0x%lx end=0x%lx", pid,
				s, s + (1 + rnd(32)) * VMV_PAGE);
	if (!strcmp(file, "translate"))
		return snprintf(buf, size, "pid=%d addr=0x%lx bytes=%u", pid,
				a + rnd(64 * VMV_PAGE), rnd(257));
	if (!strcmp(file, "layout"))
		return snprintf(buf, size, "pid=%d", pid);
	return snprintf(buf, size, rnd(4) ? "%d" : "none", pid);
}

/* A request from the grammar, or raw bytes. Returns its length. */
static size_t request(const struct ctx *c, const char *file, char *buf,
		      size_t size)
{
	size_t len = 0;
	int i, n;

	if (rnd(2))
		return valid_request(c, file, buf, size);
	if (!rnd(8)) {
		len = rnd(size);
		for (i = 0; i < (int)len; i++)
			buf[i] = (char)rnd(256);
		return len;
	}
	n = 1 + rnd(5);
	for (i = 0; i < n && len < size - 64; i++) {
		const char *k = keys[rnd(sizeof(keys) / sizeof(keys[0]))];
		char v[64];

		value(c, k, v, sizeof(v));
		len += snprintf(buf + len, size - len, "%s%s=%s",
				i ? (rnd(4) ? " " : "\t\n ") : "", k, v);
	}
	if (!rnd(20)) {		/* overlong */
		memset(buf + len, 'a', size - len);
		len = size;
	}
	return len;
}

static bool write_errno_ok(int e)
{
	return e == EINVAL || e == E2BIG || e == ERANGE || e == ESRCH ||
	       e == ENXIO;
}

static bool read_errno_ok(int e)
{
	return e == ESRCH || e == ENXIO;
}

struct tally {
	long writes, accepted, reads, bytes, seeks;
	long bad;
};

/* Read what a request produced, in random small pieces, seeking at times. */
static void drain(int fd, struct tally *t, const char *file)
{
	char buf[300];
	ssize_t n;
	int rounds = 0;

	for (;;) {
		if (!rnd(16)) {
			off_t off = rnd(3) ? 0 : (off_t)rnd(100) + 1;
			int wh = rnd(2) ? SEEK_SET : SEEK_CUR;
			off_t r = lseek(fd, off, wh);

			t->seeks++;
			if (r < 0 && errno != ESPIPE)
				t->bad++;
			if (r < 0 && off == 0)	/* rewind and tell must work */
				t->bad++;
		}
		n = read(fd, buf, 1 + rnd(sizeof(buf) - 1));
		t->reads++;
		if (n < 0) {
			if (!read_errno_ok(errno)) {
				t->bad++;
				ksft_print_msg("%s: read errno %d\n", file, errno);
			}
			return;
		}
		if (!n || ++rounds > 2000)
			return;
		t->bytes += n;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fuzz_file(const struct ctx *c, const char *file, long iters,
		      double secs, struct tally *t)
{
	double end = now() + secs;
	char req[400];
	long i;
	int fd = vmv_open(file, O_RDWR);

	if (fd < 0) {
		t->bad++;
		return;
	}
	for (i = 0; i < iters && now() < end; i++) {
		size_t len = request(c, file, req, rnd(2) ? 255 : sizeof(req));
		ssize_t w = write(fd, req, len);

		t->writes++;
		if (w < 0 && !write_errno_ok(errno)) {
			t->bad++;
			ksft_print_msg("%s: write errno %d for '%.*s'\n", file,
				       errno, (int)len, req);
		}
		if (w >= 0)
			t->accepted++;
		if (w >= 0 || rnd(4) == 0)
			drain(fd, t, file);
		if (!rnd(50)) {		/* a fresh open now and then */
			close(fd);
			fd = vmv_open(file, O_RDWR);
			if (fd < 0) {
				t->bad++;
				return;
			}
		}
	}
	close(fd);
}

static pid_t make_zombie(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(0);
	usleep(100000);
	return pid;
}

static pid_t make_gone(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static pid_t make_child(void)
{
	pid_t pid = fork();

	if (!pid) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			memset(p, 1, 1 << 20);
		for (;;)
			pause();
	}
	return pid;
}

TEST(every_file)
{
	static const char *const files[] = {
		"target", "vmas", "pages", "translate", "layout",
	};
	const char *it = getenv("VMVIEW_FUZZ_ITERS");
	const char *seed = getenv("VMVIEW_FUZZ_SEED");
	const char *sec = getenv("VMVIEW_FUZZ_SECONDS");
	long iters = it ? atol(it) : 2000;
	double secs = sec ? atof(sec) : 8;
	struct tally t = { 0 };
	struct ctx c;
	struct vmv_buf b = { 0 };
	unsigned int i;

	rng_state = seed ? strtoull(seed, NULL, 0) : (unsigned long long)time(NULL);
	if (!rng_state)
		rng_state = 1;
	TH_LOG("seed %llu (VMVIEW_FUZZ_SEED), %ld iterations or %.0f s per file",
	       rng_state, iters, secs);
	c.self = getpid();
	c.zombie = make_zombie();
	c.gone = make_gone();
	c.child = make_child();
	c.map = mmap(NULL, 64 * VMV_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c.map);
	memset(c.map, 1, 32 * VMV_PAGE);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fuzz_file(&c, files[i], iters, secs, &t);

	/* The kernel file takes no request at all. */
	{
		int fd = vmv_open("kernel", O_RDONLY);

		ASSERT_GE(fd, 0);
		drain(fd, &t, "kernel");
		close(fd);
	}
	kill(c.child, SIGKILL);
	waitpid(c.child, NULL, 0);
	waitpid(c.zombie, NULL, 0);
	{
		int fd = vmv_open("target", O_WRONLY);

		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, vmv_request(fd, "none"));
		close(fd);
	}
	TH_LOG("%ld writes (%ld accepted), %ld reads (%ld bytes), %ld seeks, %ld unexpected",
	       t.writes, t.accepted, t.reads, t.bytes, t.seeks, t.bad);
	EXPECT_EQ(0, t.bad);
	EXPECT_GT(t.accepted, 0);
	/* Still fine afterwards. */
	ASSERT_EQ(0, vmv_query("pages", &b, "pid=%d", getpid()));
	EXPECT_EQ(0, strncmp(b.data, "# vmview pages 1 ", 17));
	vmv_buf_free(&b);
}

TEST_HARNESS_MAIN
