// SPDX-License-Identifier: GPL-2.0
/*
 * lifetime_test: the module's life against its readers.
 *
 *   - rmmod is refused while a file is open (delete_module() with
 *     O_NONBLOCK says EWOULDBLOCK), and works once it is closed; the module
 *     comes back with insmod;
 *   - rmmod attempted in a loop while readers are in the middle of reads;
 *   - insmod/rmmod cycles with readers opening and reading all the time;
 *   - targets that are init, the reader itself, or exit mid-walk.
 *
 * The module must be loadable from VMVIEW_KO (default /vmview.ko, where
 * scripts/vm-run puts it); every test leaves it loaded.  A kernel splat
 * fails the whole run through the harness's log scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

static const char *ko_path(void)
{
	const char *p = getenv("VMVIEW_KO");

	return p ? p : "/vmview.ko";
}

static int mod_load(void)
{
	int fd = open(ko_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

/* 0, -EWOULDBLOCK while the module is in use, or another -errno. */
static int mod_unload(void)
{
	return syscall(SYS_delete_module, "vmview", O_NONBLOCK) ? -errno : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool mod_loaded(void)
{
	return access(VMV_DIR_PATH "/pages", F_OK) == 0;
}

/* Leave the module loaded whatever happened. */
static void mod_restore(void)
{
	if (!mod_loaded())
		mod_load();
}

/* A child with some memory, waiting to be killed. */
static pid_t spawn_target(size_t pages)
{
	pid_t pid = fork();

	if (!pid) {
		char *p = mmap(NULL, pages * VMV_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t i;

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, pages * VMV_PAGE, MADV_NOHUGEPAGE);
		for (i = 0; i < pages; i++)
			p[i * VMV_PAGE] = (char)i;
		for (;;)
			pause();
	}
	usleep(200000);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(rmmod_refused_while_open)
{
	int fd;

	if (!mod_loaded())
		SKIP(return, "module not loaded");
	fd = vmv_open("pages", O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EWOULDBLOCK, mod_unload());
	ASSERT_TRUE(mod_loaded());
	/* The open file still works. */
	ASSERT_EQ(0, vmv_request(fd, "pid=%d", getpid()));
	close(fd);
	EXPECT_EQ(0, mod_unload());
	EXPECT_FALSE(mod_loaded());
	EXPECT_EQ(0, mod_load());
	EXPECT_TRUE(mod_loaded());
	mod_restore();
}

struct reader {
	pid_t target;
	atomic_bool stop;
	atomic_long reads;	/* complete passes */
	atomic_long opens_failed;
	atomic_long bad;	/* unexpected errno */
	atomic_long last_errno;
	unsigned int gap_us;	/* pause between passes */
};

/* Read a target's pages forever, in small reads, until told to stop. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char buf[512];
	ssize_t n;

	while (!atomic_load(&r->stop)) {
		int fd = vmv_open("pages", O_RDWR);

		if (fd < 0) {
			/* absent between rmmod and insmod */
			atomic_fetch_add(&r->opens_failed, 1);
			usleep(1000);
			continue;
		}
		if (vmv_request(fd, "pid=%d mode=pages", r->target)) {
			atomic_fetch_add(&r->bad, 1);
			close(fd);
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0) {
			atomic_store(&r->last_errno, errno);
			atomic_fetch_add(&r->bad, 1);
		} else {
			atomic_fetch_add(&r->reads, 1);
		}
		close(fd);
		usleep(r->gap_us);	/* a window for rmmod */
	}
	return NULL;
}

TEST(rmmod_while_reading)
{
	struct reader r = { 0 };
	pthread_t th[3];
	int i, busy = 0, unloaded = 0;

	if (!mod_loaded())
		SKIP(return, "module not loaded");
	r.target = spawn_target(2048);
	r.gap_us = 500;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader_main, &r));
	/* 300 attempts: each finds a reader (refused) or not (unloaded). */
	for (i = 0; i < 300; i++) {
		int ret = mod_unload();

		if (ret == -EWOULDBLOCK) {
			busy++;
		} else if (!ret) {
			unloaded++;
			ASSERT_EQ(0, mod_load());
		} else {
			ASSERT_EQ(0, ret);
		}
		usleep(10000);
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	reap(r.target);
	mod_restore();
	TH_LOG("rmmod attempts: %d refused (busy), %d unloaded; reads %ld, opens failed %ld",
	       busy, unloaded, atomic_load(&r.reads),
	       atomic_load(&r.opens_failed));
	EXPECT_GT(busy, 0);
	EXPECT_GT(atomic_load(&r.reads), 0);
	EXPECT_EQ(0, atomic_load(&r.bad));
}

TEST(insmod_rmmod_cycles)
{
	struct reader r = { 0 };
	double end = now() + 10;
	pthread_t th[2];
	int i, cycles = 0;

	if (!mod_loaded())
		SKIP(return, "module not loaded");
	r.target = spawn_target(256);
	r.gap_us = 3000;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader_main, &r));
	while (now() < end && cycles < 25) {
		if (!mod_unload()) {
			cycles++;
			ASSERT_EQ(0, mod_load());
		}
		usleep(1000);
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	reap(r.target);
	mod_restore();
	TH_LOG("%d unload/load cycles, %ld complete reads, %ld failed opens",
	       cycles, atomic_load(&r.reads), atomic_load(&r.opens_failed));
	EXPECT_GT(cycles, 0);
	EXPECT_EQ(0, atomic_load(&r.bad));
	ASSERT_TRUE(mod_loaded());
}

static int read_pid(const char *file, pid_t pid, struct vmv_buf *b)
{
	int fd = vmv_open(file, O_RDWR), ret;

	if (fd < 0)
		return fd;
	ret = vmv_request(fd, "pid=%d", pid);
	if (!ret)
		ret = vmv_read_all(fd, b);
	close(fd);
	return ret;
}

TEST(target_init_and_self)
{
	struct vmv_buf b = { 0 };

	ASSERT_EQ(0, read_pid("vmas", 1, &b));
	EXPECT_EQ(0, strncmp(b.data, "# vmview vmas 1 pid=1 ", 22));
	ASSERT_EQ(0, read_pid("pages", getpid(), &b));
	EXPECT_NE(NULL, strstr(b.data, " page "));
	vmv_buf_free(&b);
}

/* The target is killed while readers are part-way through it. */
TEST(target_exits_mid_walk)
{
	char buf[256];
	int round;

	for (round = 0; round < 20; round++) {
		pid_t t = spawn_target(4096);
		int fd = vmv_open("pages", O_RDWR);
		ssize_t n;
		int err = 0;

		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, vmv_request(fd, "pid=%d mode=pages", t));
		ASSERT_GT(read(fd, buf, sizeof(buf)), 0);
		reap(t);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0)
			err = errno;
		/* Either what was buffered, then the end, or ESRCH. */
		EXPECT_TRUE(n == 0 || err == ESRCH) {
			TH_LOG("round %d: read ended with %zd, errno %d", round,
			       n, err);
		}
		/* A new request on the same file reports the exit at once. */
		EXPECT_EQ(-ESRCH, vmv_request(fd, "pid=%d", t));
		close(fd);
	}
}

TEST_HARNESS_MAIN
