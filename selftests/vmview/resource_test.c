// SPDX-License-Identifier: GPL-2.0
/*
 * resource_test: the module's memory stays flat and walks finish, whatever
 * the target's size.
 *
 *   - a sparse reservation of tens of TiB with a few pages touched: the
 *     walk skips empty upper levels and finishes quickly;
 *   - hundreds of thousands of mapped pages (the shared zero page, so the
 *     guest's RAM is not the limit), one line each: the output streams
 *     through a fixed buffer.
 *
 * Kernel memory is Slab + VmallocUsed from /proc/meminfo, sampled before a
 * walk and in the middle of it; the bound is generous (noise from the rest
 * of the system), the figure is logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#define MEM_SLACK_KIB	2048	/* 64 KiB buffer + state, plus noise */

static long kernel_kib(void)
{
	char buf[8192], *p;
	long v, sum = 0;
	ssize_t n = vmv_slurp("/proc/meminfo", buf, sizeof(buf));

	if (n <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "Slab: %ld", &v) == 1 ||
		    sscanf(p, "VmallocUsed: %ld", &v) == 1)
			sum += v;
	return sum;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct walk {
	long lines;
	long mem_before, mem_mid;
	double secs;
};

/* Read pages of ourselves in 4 KiB reads; sample memory part-way. */
static int walk(const char *req, struct walk *w)
{
	char buf[4096];
	double t0 = now();
	ssize_t n;
	long reads = 0;
	int fd = vmv_open("pages", O_RDWR), i;

	if (fd < 0)
		return fd;
	w->mem_before = kernel_kib();
	w->mem_mid = w->mem_before;
	w->lines = 0;
	if (vmv_request(fd, "%s", req)) {
		close(fd);
		return -errno;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			w->lines += buf[i] == '\n';
		if (++reads == 64)
			w->mem_mid = kernel_kib();
	}
	w->secs = now() - t0;
	close(fd);
	return n < 0 ? -errno : 0;
}

TEST(sparse_reservation)
{
	size_t len = 32UL << 40, stride = len / 64, i;
	char req[128];
	struct walk w;
	char *p;

	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		SKIP(return, "cannot reserve 32 TiB: %s", strerror(errno));
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0, mprotect(p + i * stride, VMV_PAGE,
				      PROT_READ | PROT_WRITE));
		p[i * stride] = 1;
	}
	snprintf(req, sizeof(req), "pid=%d start=0x%lx end=0x%lx", getpid(),
		 (unsigned long)p, (unsigned long)p + len);
	ASSERT_EQ(0, walk(req, &w));
	TH_LOG("32 TiB reservation, 64 pages: %ld lines in %.3f s, kernel memory %+ld KiB",
	       w.lines, w.secs, w.mem_mid - w.mem_before);
	EXPECT_EQ(65, w.lines);		/* version line + 64 separate pages */
	EXPECT_LT(w.secs, 10.0);
	munmap(p, len);
}

TEST(many_pages)
{
	size_t pages = 300000, i;
	volatile char sink = 0;
	char req[128];
	struct walk w;
	char *p;

	p = mmap(NULL, pages * VMV_PAGE, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, pages * VMV_PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)	/* read faults: the zero page */
		sink += p[i * VMV_PAGE];
	(void)sink;
	snprintf(req, sizeof(req), "pid=%d start=0x%lx end=0x%lx mode=pages",
		 getpid(), (unsigned long)p, (unsigned long)p + pages * VMV_PAGE);
	ASSERT_EQ(0, walk(req, &w));
	TH_LOG("%zu zero-page PTEs, one line each: %ld lines in %.2f s, kernel memory %+ld KiB mid-walk",
	       pages, w.lines, w.secs, w.mem_mid - w.mem_before);
	EXPECT_EQ((long)pages + 1, w.lines);
	EXPECT_LT(w.mem_mid - w.mem_before, MEM_SLACK_KIB);
	munmap(p, pages * VMV_PAGE);
}

TEST_HARNESS_MAIN
