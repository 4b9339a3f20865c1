// SPDX-License-Identifier: GPL-2.0
/*
 * vmview requests: every malformed request gets the errno of
 * docs/interface.md from its write(); the `target` file; seeking;
 * per-open isolation; a target that exits in the middle of a read.
 */
#include <pthread.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

/* Open @file read-write, write @len bytes of @req: 0 or the errno. */
static int req_errno_len(const char *file, const char *req, size_t len)
{
	int fd = vmv_open(file, O_RDWR);
	int ret;

	if (fd < 0)
		return -fd;
	ret = vmv_write(fd, req, len);
	close(fd);
	return -ret;
}

static int req_errno(const char *file, const char *req)
{
	return req_errno_len(file, req, strlen(req));
}

static int reqf_errno(const char *file, const char *fmt, ...)
{
	char req[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	return req_errno(file, req);
}

static uint64_t task_size(void)
{
	struct vmv_layout l;

	return vmv_get_layout(0, &l) ? vmv_expected_task_size() : l.task_size;
}

/* Keep the global default target as the test found it. */
FIXTURE(target) {
	char saved[32];
};

FIXTURE_SETUP(target)
{
	ASSERT_EQ(0, vmv_get_target(self->saved, sizeof(self->saved)));
}

FIXTURE_TEARDOWN(target)
{
	vmv_set_target(self->saved);
}

TEST(garbage_bytes)
{
	static const char junk[] = { 0x01, 0x02, (char)0xff, (char)0xfe, 0x00, 0x7f };

	EXPECT_EQ(EINVAL, req_errno_len("pages", junk, sizeof(junk)));
	EXPECT_EQ(EINVAL, req_errno("pages", "hello world"));
	EXPECT_EQ(EINVAL, req_errno("vmas", "\xc3\xa9=1"));
}

TEST(empty_request)
{
	EXPECT_EQ(EINVAL, req_errno_len("pages", "", 0));
	EXPECT_EQ(EINVAL, req_errno("pages", "\n"));
	EXPECT_EQ(EINVAL, req_errno("translate", "   \t "));
}

/* 255 bytes is the limit: a valid 255-byte request works, 256 does not. */
TEST(length_limit)
{
	char req[300];
	int n;

	n = snprintf(req, sizeof(req), "pid=%d", getpid());
	memset(req + n, ' ', sizeof(req) - n);
	req[254] = '\n';
	EXPECT_EQ(0, req_errno_len("pages", req, 255));
	req[254] = ' ';
	req[255] = '\n';
	EXPECT_EQ(E2BIG, req_errno_len("pages", req, 256));
	EXPECT_EQ(E2BIG, req_errno_len("vmas", req, 299));
}

TEST(bad_pid)
{
	EXPECT_EQ(EINVAL, req_errno("pages", "pid=-1"));
	EXPECT_EQ(EINVAL, req_errno("pages", "pid=abc"));
	EXPECT_EQ(EINVAL, req_errno("pages", "pid=12abc"));
	EXPECT_EQ(EINVAL, req_errno("pages", "pid="));
	EXPECT_EQ(EINVAL, req_errno("pages", "pid"));
	EXPECT_EQ(EINVAL, req_errno("vmas", "pid==1"));
	EXPECT_EQ(EINVAL, req_errno("pages", "pid=0"));
	EXPECT_EQ(EINVAL, req_errno("layout", "pid=0x10"));
	/* Too large for a pid: ERANGE; the largest pid is just absent. */
	EXPECT_EQ(ERANGE, req_errno("pages", "pid=18446744073709551616"));
	EXPECT_EQ(ERANGE, req_errno("pages", "pid=99999999999999999999"));
	EXPECT_EQ(ERANGE, req_errno("vmas", "pid=2147483648"));
	EXPECT_EQ(ESRCH, req_errno("vmas", "pid=2147483647"));
}

TEST(no_such_pid)
{
	pid_t pid;

	/* PID_MAX_LIMIT is 4194304: no pid ever has that number. */
	EXPECT_EQ(ESRCH, req_errno("pages", "pid=4194304"));
	EXPECT_EQ(ESRCH, req_errno("translate", "pid=4194304 addr=0x1000"));
	EXPECT_EQ(ESRCH, req_errno("layout", "pid=4194304"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_EQ(ESRCH, reqf_errno("vmas", "pid=%d", pid));
}

TEST(kernel_thread)
{
	char comm[32];

	if (vmv_slurp("/proc/2/comm", comm, sizeof(comm)) <= 0 ||
	    strcmp(comm, "kthreadd\n"))
		SKIP(return, "pid 2 is not kthreadd");
	EXPECT_EQ(ENXIO, req_errno("pages", "pid=2"));
	EXPECT_EQ(ENXIO, req_errno("vmas", "pid=2"));
	EXPECT_EQ(ENXIO, req_errno("translate", "pid=2 addr=0x1000"));
}

TEST(zombie)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(0, vmv_wait_zombie(pid));
	EXPECT_EQ(ENXIO, reqf_errno("pages", "pid=%d", pid));
	EXPECT_EQ(ENXIO, reqf_errno("translate", "pid=%d addr=0x1000", pid));
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
}

TEST(bad_ranges)
{
	uint64_t ts = task_size();
	pid_t me = getpid();

	EXPECT_EQ(EINVAL, req_errno("pages", "start=0x1001 end=0x2000"));
	EXPECT_EQ(EINVAL, req_errno("pages", "start=0x1000 end=0x2001"));
	EXPECT_EQ(EINVAL, req_errno("vmas", "start=0x3000 end=0x2000"));
	EXPECT_EQ(EINVAL, req_errno("pages", "start=0x2000 end=0x2000"));
	EXPECT_EQ(EINVAL, req_errno("pages", "start=-4096"));
	EXPECT_EQ(EINVAL, req_errno("pages", "start=0xzz000"));
	EXPECT_EQ(ERANGE, reqf_errno("pages", "start=0x1000 end=0x%llx",
				     (unsigned long long)ts + VMV_PAGE));
	EXPECT_EQ(ERANGE, req_errno("pages",
				    "start=0x8000000000000000 end=0x8000000000001000"));
	EXPECT_EQ(ERANGE, req_errno("vmas",
				    "start=0xffff800000000000 end=0xffff800000001000"));
	EXPECT_EQ(ERANGE, req_errno("pages",
				    "start=0x1000 end=0x10000000000000000"));
	EXPECT_EQ(ERANGE, req_errno("pages",
				    "start=0x1000 end=99999999999999999999"));
	/* The limits themselves are fine, in hex or decimal. */
	EXPECT_EQ(0, reqf_errno("pages", "pid=%d start=0x1000 end=0x%llx", me,
				(unsigned long long)ts));
	EXPECT_EQ(0, reqf_errno("vmas", "pid=%d start=4096 end=8192", me));
}

TEST(translate_limits)
{
	uint64_t ts = task_size();
	pid_t me = getpid();

	EXPECT_EQ(ERANGE, reqf_errno("translate", "pid=%d addr=0x%llx", me,
				     (unsigned long long)ts));
	EXPECT_EQ(ERANGE, reqf_errno("translate", "pid=%d addr=0xffffffff81000000",
				     me));
	EXPECT_EQ(ERANGE, reqf_errno("translate", "pid=%d addr=0x8000000000000000",
				     me));
	EXPECT_EQ(ERANGE, reqf_errno("translate", "pid=%d addr=0x1000 bytes=257",
				     me));
	EXPECT_EQ(EINVAL, reqf_errno("translate", "pid=%d addr=0x1000 bytes=-1",
				     me));
	EXPECT_EQ(0, reqf_errno("translate", "pid=%d addr=0x%llx bytes=256", me,
				(unsigned long long)ts - 1));
	EXPECT_EQ(0, reqf_errno("translate", "pid=%d addr=0x1234 bytes=0", me));
}

TEST(bad_keys)
{
	EXPECT_EQ(EINVAL, req_errno("pages", "foo=1"));
	EXPECT_EQ(EINVAL, req_errno("pages", "mode=foo"));
	EXPECT_EQ(EINVAL, req_errno("pages", "mode="));
	EXPECT_EQ(EINVAL, req_errno("pages", "addr=0x1000"));
	EXPECT_EQ(EINVAL, req_errno("pages", "bytes=16"));
	EXPECT_EQ(EINVAL, req_errno("vmas", "mode=pages"));
	EXPECT_EQ(EINVAL, req_errno("translate", "start=0x1000"));
	EXPECT_EQ(EINVAL, req_errno("layout", "start=0x1000"));
	EXPECT_EQ(EINVAL, req_errno("layout", "addr=0x1000"));
	EXPECT_EQ(EINVAL, reqf_errno("pages", "pid=%d junk", getpid()));
	EXPECT_EQ(EINVAL, req_errno("pages", "format=foo"));
	EXPECT_EQ(EINVAL, req_errno("vmas", "format=bin"));
	EXPECT_EQ(EINVAL, req_errno("translate", "format=text"));
}

/* Good keys are accepted by the files that take them. */
TEST(good_keys)
{
	pid_t me = getpid();

	EXPECT_EQ(0, reqf_errno("pages", "pid=%d mode=pages", me));
	EXPECT_EQ(0, reqf_errno("pages", "pid=%d mode=runs\n", me));
	EXPECT_EQ(0, reqf_errno("vmas", "pid=%d", me));
	EXPECT_EQ(0, reqf_errno("layout", "pid=%d", me));
	EXPECT_EQ(0, reqf_errno("translate", "pid=%d addr=4096 bytes=8", me));
	EXPECT_EQ(0, reqf_errno("pages", "pid=%d format=text", me));
	EXPECT_EQ(0, reqf_errno("pages", "pid=%d format=bin mode=pages", me));
}

/* Keys not given keep their defaults: whole user space, mode=runs. */
TEST(defaults)
{
	struct vmv_buf b = { 0 };
	struct vmv_ver v;
	uint64_t ts = task_size();

	ASSERT_EQ(0, vmv_query("pages", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_version(b.data, "pages", &v));
	EXPECT_EQ(0ULL, v.start);
	EXPECT_EQ(ts, v.end);
	EXPECT_STREQ("runs", v.mode);
	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_version(b.data, "vmas", &v));
	EXPECT_EQ(0ULL, v.start);
	EXPECT_EQ(ts, v.end);
	ASSERT_EQ(0, vmv_query("pages", &b, "pid=%d start=0x2000", getpid()));
	ASSERT_VMV(vmv_parse_version(b.data, "pages", &v));
	EXPECT_EQ(0x2000ULL, v.start);
	EXPECT_EQ(ts, v.end);
	vmv_buf_free(&b);
}

/* A target named by pid= dies after the request: the read reports it. */
TEST(request_target_exits)
{
	struct vmv_buf b = { 0 };
	pid_t pid;
	int fd, ret;

	fd = vmv_open("vmas", O_RDWR);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, vmv_request(fd, "pid=%d", pid));
	kill(pid, SIGKILL);
	ASSERT_EQ(0, vmv_wait_zombie(pid));
	/* A zombie that exited since it was chosen: either errno fits. */
	ret = vmv_read_all(fd, &b);
	EXPECT_TRUE(ret == -ESRCH || ret == -ENXIO) TH_LOG("read: %d", ret);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(-ESRCH, vmv_read_all(fd, &b));
	close(fd);
	vmv_buf_free(&b);
}

/* Read the first line of an open file. */
static int first_line(int fd, char *out, size_t size)
{
	struct vmv_buf b = { 0 };
	ssize_t r;

	r = vmv_read_chunk(fd, &b, size - 1);
	if (r > 0) {
		snprintf(out, size, "%s", b.data);
		out[strcspn(out, "\n")] = '\0';
	}
	vmv_buf_free(&b);
	return r < 0 ? (int)r : 0;
}

TEST(seek)
{
	char *p = vmv_mmap_small(64);
	struct vmv_buf a = { 0 }, b = { 0 };
	char line[256];
	int fd;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 64);
	fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmv_request(fd, "pid=%d start=0x%lx end=0x%lx mode=pages",
				 getpid(), (unsigned long)p,
				 (unsigned long)p + 64 * VMV_PAGE));
	ASSERT_EQ(0, vmv_read_all(fd, &a));

	EXPECT_EQ(-1, lseek(fd, 1, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(fd, 4096, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_END));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_LE(0, lseek(fd, 0, SEEK_CUR)) TH_LOG("SEEK_CUR 0: %s",
						    strerror(errno));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, vmv_read_all(fd, &b));
	EXPECT_STREQ(a.data, b.data);

	/* Rewind in the middle of a walk. */
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, first_line(fd, line, 100));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, first_line(fd, line, sizeof(line)));
	EXPECT_EQ(0, strncmp(line, "# vmview pages 1 ", 17)) TH_LOG("%s", line);
	close(fd);
	vmv_buf_free(&a);
	vmv_buf_free(&b);
	munmap(p, 64 * VMV_PAGE);
}

/* SEEK_CUR 0 only asks where we are: the walk goes on. */
TEST(seek_cur_keeps_position)
{
	char *p = vmv_mmap_small(256);
	struct vmv_buf b = { 0 };
	struct vmv_pages pg;
	int fd;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 256);
	fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmv_request(fd, "pid=%d start=0x%lx end=0x%lx mode=pages",
				 getpid(), (unsigned long)p,
				 (unsigned long)p + 256 * VMV_PAGE));
	ASSERT_LT(0, vmv_read_chunk(fd, &b, 1000));
	EXPECT_LE(0, lseek(fd, 0, SEEK_CUR));
	while (vmv_read_chunk(fd, &b, 1000) > 0)
		;
	ASSERT_VMV(vmv_parse_pages(b.data, &pg));
	EXPECT_EQ((size_t)256, pg.n);
	vmv_pages_free(&pg);
	close(fd);
	vmv_buf_free(&b);
	munmap(p, 256 * VMV_PAGE);
}

/* Read sizes: at most 64 KiB, at least half of it until the end. */
static int count_reads(const char *file, const char *fmt, int pid, int *nreads)
{
	static char buf[65536];
	ssize_t r, last = -1;
	int fd = vmv_open(file, O_RDWR), ret = 0;

	if (fd < 0)
		return vmv_fail("open %s: %d", file, fd);
	ret = vmv_request(fd, fmt, pid);
	for (*nreads = 0; !ret && (r = read(fd, buf, sizeof(buf))) > 0; (*nreads)++) {
		if (last >= 0 && last < 32768)
			ret = vmv_fail("%s: read of %zd bytes before the end", file,
				       last);
		last = r;
	}
	if (!ret && r < 0)
		ret = vmv_fail("%s: read: %s", file, strerror(errno));
	close(fd);
	return ret;
}

TEST(read_sizes)
{
	char *p = vmv_mmap_small(2048);
	int n;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 2048);
	ASSERT_VMV(count_reads("translate", "pid=%d addr=0x1000 bytes=256",
			       getpid(), &n));
	EXPECT_EQ(1, n) TH_LOG("translate took %d reads", n);
	ASSERT_VMV(count_reads("layout", "pid=%d", getpid(), &n));
	EXPECT_EQ(1, n) TH_LOG("layout took %d reads", n);
	ASSERT_VMV(count_reads("pages", "pid=%d mode=pages", getpid(), &n));
	EXPECT_LT(2, n);
	munmap(p, 2048 * VMV_PAGE);
}

/* A new request in the middle of a read restarts from the version line. */
TEST(request_restarts)
{
	char *p = vmv_mmap_small(64);
	struct vmv_buf b = { 0 };
	struct vmv_pages pg;
	uint64_t s = (uintptr_t)p;
	int fd;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 64);
	fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmv_request(fd, "pid=%d start=0x%llx end=0x%llx mode=pages",
				 getpid(), (unsigned long long)s,
				 (unsigned long long)s + 64 * VMV_PAGE));
	ASSERT_LT(0, vmv_read_chunk(fd, &b, 200));
	ASSERT_EQ(0, vmv_request(fd, "pid=%d start=0x%llx end=0x%llx mode=pages",
				 getpid(), (unsigned long long)s + VMV_PAGE,
				 (unsigned long long)s + 3 * VMV_PAGE));
	ASSERT_EQ(0, vmv_read_all(fd, &b));
	ASSERT_VMV(vmv_parse_pages(b.data, &pg));
	EXPECT_EQ(s + VMV_PAGE, pg.ver.start);
	EXPECT_EQ((size_t)2, pg.n);
	vmv_pages_free(&pg);

	/* A failed request in between does not break the file. */
	EXPECT_EQ(-EINVAL, vmv_request(fd, "mode=foo"));
	EXPECT_EQ(-E2BIG, vmv_write(fd, b.data, 400));
	ASSERT_EQ(0, vmv_request(fd, "pid=%d start=0x%llx end=0x%llx mode=pages",
				 getpid(), (unsigned long long)s,
				 (unsigned long long)s + 4 * VMV_PAGE));
	ASSERT_EQ(0, vmv_read_all(fd, &b));
	ASSERT_VMV(vmv_parse_pages(b.data, &pg));
	EXPECT_EQ((size_t)4, pg.n);
	vmv_pages_free(&pg);
	close(fd);
	vmv_buf_free(&b);
	munmap(p, 64 * VMV_PAGE);
}

TEST_F(target, no_target_is_esrch)
{
	struct vmv_buf b = { 0 };
	char t[32];
	int fd;

	ASSERT_EQ(0, vmv_set_target("none"));
	ASSERT_EQ(0, vmv_get_target(t, sizeof(t)));
	EXPECT_STREQ("none", t);
	fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ESRCH, vmv_read_all(fd, &b));
	/* A request without pid= keeps the (missing) default. */
	ASSERT_EQ(0, vmv_request(fd, "mode=pages"));
	EXPECT_EQ(-ESRCH, vmv_read_all(fd, &b));
	close(fd);
	EXPECT_EQ(-ESRCH, vmv_query("vmas", &b, NULL));
	vmv_buf_free(&b);
}

TEST_F(target, default_target)
{
	struct vmv_buf b = { 0 };
	struct vmv_ver v;
	char t[32], me[32];

	snprintf(me, sizeof(me), "%d", getpid());
	ASSERT_EQ(0, vmv_set_target(me));
	ASSERT_EQ(0, vmv_get_target(t, sizeof(t)));
	EXPECT_STREQ(me, t);
	ASSERT_EQ(0, vmv_query("pages", &b, NULL));
	ASSERT_VMV(vmv_parse_version(b.data, "pages", &v));
	EXPECT_EQ(getpid(), v.pid);
	ASSERT_EQ(0, vmv_query("vmas", &b, "start=0x1000 end=0x2000"));
	ASSERT_VMV(vmv_parse_version(b.data, "vmas", &v));
	EXPECT_EQ(getpid(), v.pid);

	ASSERT_EQ(0, vmv_set_target("none\n"));
	ASSERT_EQ(0, vmv_get_target(t, sizeof(t)));
	EXPECT_STREQ("none", t);
	EXPECT_EQ(-EINVAL, vmv_set_target("bogus"));
	EXPECT_EQ(-ESRCH, vmv_set_target("4194304"));
	vmv_buf_free(&b);
}

/* The default target dies after it was chosen: reads say ESRCH. */
/* The layout's target line is there exactly when a target is set. */
TEST_F(target, layout_target_line)
{
	struct vmv_layout l;
	char me[32];

	ASSERT_EQ(0, vmv_set_target("none"));
	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_FALSE(l.has_target);
	snprintf(me, sizeof(me), "%d", getpid());
	ASSERT_EQ(0, vmv_set_target(me));
	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_TRUE(l.has_target);
	EXPECT_EQ(getpid(), l.target_pid);
}

/* layout keeps working for a default target that is gone: state=gone. */
TEST_F(target, layout_target_gone)
{
	struct vmv_layout l;
	char t[32];
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(t, sizeof(t), "%d", pid);
	ASSERT_EQ(0, vmv_set_target(t));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_TRUE(l.has_target);
	EXPECT_TRUE(l.target_gone);
	EXPECT_EQ(pid, l.target_pid);
}

TEST_F(target, default_target_exits)
{
	struct vmv_buf b = { 0 };
	char t[32];
	pid_t pid;
	int fd;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(t, sizeof(t), "%d", pid);
	ASSERT_EQ(0, vmv_set_target(t));
	fd = vmv_open("pages", O_RDONLY);
	ASSERT_LE(0, fd);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_EQ(-ESRCH, vmv_read_all(fd, &b));
	close(fd);
	EXPECT_EQ(-ESRCH, vmv_query("vmas", &b, NULL));
	vmv_buf_free(&b);
}

struct iso_reader {
	int fd;
	pid_t pid;
	int iterations;
	int bad;
	char why[256];
};

/* Re-request and re-read one fd; every version line must name its pid. */
static void *iso_read(void *arg)
{
	struct iso_reader *r = arg;
	struct vmv_buf b = { 0 };
	struct vmv_ver v;
	int i, ret;

	for (i = 0; i < r->iterations && !r->bad; i++) {
		if (i % 3 == 0) {
			ret = vmv_request(r->fd, "pid=%d mode=runs", r->pid);
			if (ret) {
				r->bad = 1;
				snprintf(r->why, sizeof(r->why), "request: %d", ret);
				break;
			}
		} else if (lseek(r->fd, 0, SEEK_SET)) {
			r->bad = 1;
			snprintf(r->why, sizeof(r->why), "lseek");
			break;
		}
		ret = vmv_read_all(r->fd, &b);
		if (ret || vmv_parse_version(b.data, "pages", &v) ||
		    v.pid != r->pid) {
			r->bad = 1;
			snprintf(r->why, sizeof(r->why), "iteration %d: ret %d pid %ld",
				 i, ret, ret ? -1L : v.pid);
		}
	}
	vmv_buf_free(&b);
	return NULL;
}

TEST(per_open_isolation)
{
	struct iso_reader r[2] = { { 0 } };
	pthread_t th[2];
	struct vmv_pages pg;
	uint64_t addr;
	int rdy[2], i;
	pid_t pid;

	ASSERT_EQ(0, pipe(rdy));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *c = vmv_mmap_small(4);

		if (!c)
			_exit(1);
		vmv_touch_write(c, 4);
		addr = (uintptr_t)c;
		if (write(rdy[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(addr), read(rdy[0], &addr, sizeof(addr)));

	for (i = 0; i < 2; i++) {
		r[i].fd = vmv_open("pages", O_RDWR);
		ASSERT_LE(0, r[i].fd);
		r[i].pid = i ? pid : getpid();
		r[i].iterations = 200;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, iso_read, &r[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, r[i].bad) TH_LOG("reader %d: %s", i, r[i].why);
	}

	/* Each fd shows its own target's memory. */
	ASSERT_EQ(0, vmv_request(r[1].fd, "pid=%d start=0x%llx end=0x%llx",
				 pid, (unsigned long long)addr,
				 (unsigned long long)addr + 4 * VMV_PAGE));
	ASSERT_EQ(0, vmv_request(r[0].fd, "pid=%d start=0x%llx end=0x%llx",
				 getpid(), (unsigned long long)addr,
				 (unsigned long long)addr + 4 * VMV_PAGE));
	{
		struct vmv_buf b = { 0 };

		ASSERT_EQ(0, vmv_read_all(r[1].fd, &b));
		ASSERT_VMV(vmv_parse_pages(b.data, &pg));
		EXPECT_EQ(4, vmv_check_pagemap(&pg, pid, addr, addr + 4 * VMV_PAGE))
			TH_LOG("%s", vmv_err);
		EXPECT_NE((size_t)0, pg.n);
		vmv_pages_free(&pg);
		ASSERT_EQ(0, vmv_read_all(r[0].fd, &b));
		ASSERT_VMV(vmv_parse_pages(b.data, &pg));
		EXPECT_EQ(4, vmv_check_pagemap(&pg, 0, addr, addr + 4 * VMV_PAGE))
			TH_LOG("%s", vmv_err);
		vmv_pages_free(&pg);
		vmv_buf_free(&b);
	}
	close(r[0].fd);
	close(r[1].fd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Lines after the version line of a `pages` read must all parse. */
static int valid_pages_lines(const char *text, bool allow_partial)
{
	const char *pos = text, *last_nl = strrchr(text, '\n');
	struct vmv_leaf l;
	char line[1024];

	if (vmv_parse_version(text, "pages", &(struct vmv_ver){ 0 }))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (allow_partial && (!last_nl || pos > last_nl + 1))
			break;	/* an unterminated last line */
		if (line[0] != '#' && vmv_parse_leaf(line, &l))
			return -1;
	}
	return 0;
}

static void sigalrm_fail(int sig)
{
	static const char msg[] = "# read hung: SIGALRM\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

TEST(target_exits_mid_read)
{
	const size_t n = 2048;	/* 8 MiB of 4 KiB pages */
	struct vmv_buf b = { 0 };
	struct vmv_pages pg;
	int rdy[2], fd;
	ssize_t r;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(rdy));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *p = vmv_mmap_small(n);

		if (!p)
			_exit(1);
		vmv_touch_write(p, n);
		if (write(rdy[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(rdy[0], &c, 1));
	signal(SIGALRM, sigalrm_fail);
	alarm(20);

	fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmv_request(fd, "pid=%d mode=pages", pid));
	ASSERT_LT(0, vmv_read_chunk(fd, &b, 4096));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	do {
		r = vmv_read_chunk(fd, &b, 4096);
	} while (r > 0);
	EXPECT_TRUE(r == 0 || r == -ESRCH) TH_LOG("read ended with %zd", r);
	EXPECT_VMV(valid_pages_lines(b.data, r != 0));

	/* The same fd and the module still work. */
	ASSERT_EQ(0, vmv_request(fd, "pid=%d", getpid()));
	ASSERT_EQ(0, vmv_read_all(fd, &b));
	ASSERT_VMV(vmv_parse_pages(b.data, &pg));
	vmv_pages_free(&pg);
	close(fd);
	alarm(0);
	vmv_buf_free(&b);
}

/* After everything above, a plain request still works. */
TEST(still_works)
{
	struct vmv_pages pg;
	char *p = vmv_mmap_small(2);

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 2);
	ASSERT_VMV(vmv_get_pages(getpid(), (uintptr_t)p,
				 (uintptr_t)p + 2 * VMV_PAGE, "pages", &pg));
	EXPECT_EQ(2, vmv_check_pagemap(&pg, 0, (uintptr_t)p,
				       (uintptr_t)p + 2 * VMV_PAGE));
	vmv_pages_free(&pg);
}

TEST_HARNESS_MAIN
