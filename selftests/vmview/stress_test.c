// SPDX-License-Identifier: GPL-2.0
/*
 * vmview under churn: a target that keeps changing its address space
 * (mmap/munmap/mprotect/mremap/madvise, THP faults, splits and collapses,
 * fork+exit children) while reader threads read `pages`, `vmas` and `translate` of
 * it and of its children, until after it has exited.  Every read must
 * give output that parses, or ESRCH/ENXIO; nothing may hang.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define RUN_SECONDS	15	/* the target's life */
#define AFTER_SECONDS	2	/* readers keep going after it exited */
#define NREADERS	4
#define NSLOTS		8
#define NKIDS		4

/* Shared between the target and the readers. */
struct board {
	volatile uint64_t addr[NSLOTS];
	volatile pid_t kids[NKIDS];
};

struct reader {
	pthread_t th;
	struct board *board;
	pid_t target;
	unsigned int seed;
	volatile int *stop;
	long reads, ok, gone;
	int bad;
	char why[256];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the target --------------------------------------------------- */

struct churn {
	char *map[NSLOTS];
	size_t len[NSLOTS];
	struct board *board;
	unsigned int seed;
	pid_t kid[NKIDS];
};

static void slot_set(struct churn *c, int s, char *p, size_t len)
{
	if (c->map[s])
		munmap(c->map[s], c->len[s]);
	c->map[s] = p;
	c->len[s] = len;
	c->board->addr[s] = (uintptr_t)p;
}

static void churn_mmap(struct churn *c, int s)
{
	size_t n = 4 + rand_r(&c->seed) % 28;
	char *p = mmap(NULL, n * VMV_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	vmv_touch_write(p, n);
	slot_set(c, s, p, n * VMV_PAGE);
}

static void churn_thp(struct churn *c, int s)
{
	char *p = vmv_mmap_aligned(VMV_PMD_SIZE, VMV_PMD_SIZE,
				   PROT_READ | PROT_WRITE);

	if (!p)
		return;
	madvise(p, VMV_PMD_SIZE, MADV_HUGEPAGE);
	p[0] = 1;
	slot_set(c, s, p, VMV_PMD_SIZE);
	/* Zap one page of the THP: the pmd is split. */
	madvise(p + (1 + rand_r(&c->seed) % 500) * VMV_PAGE, VMV_PAGE,
		MADV_DONTNEED);
	/* Now and then, collapse it back into a huge page (6.1+). */
	if (rand_r(&c->seed) % 4 == 0) {
		vmv_touch_write(p, VMV_PMD_PAGES);
		madvise(p, VMV_PMD_SIZE, MADV_COLLAPSE);
	}
}

static void churn_mremap(struct churn *c, int s)
{
	size_t len = c->len[s] + 8 * VMV_PAGE;
	char *p;

	if (!c->map[s])
		return;
	p = mremap(c->map[s], c->len[s], len, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return;
	c->map[s] = p;
	c->len[s] = len;
	c->board->addr[s] = (uintptr_t)p;
	p[len - 1] = 1;
}

static void churn_protect(struct churn *c, int s)
{
	if (!c->map[s])
		return;
	mprotect(c->map[s], c->len[s], PROT_READ);
	mprotect(c->map[s], c->len[s] / 2, PROT_READ | PROT_WRITE);
}

static void churn_madvise(struct churn *c, int s, int advice)
{
	if (c->map[s])
		madvise(c->map[s], c->len[s] / 2, advice);
}

/* A short-lived child; the previous one in its slot is reaped first. */
static void churn_fork(struct churn *c, int k)
{
	pid_t pid;

	if (c->kid[k] > 0)
		waitpid(c->kid[k], NULL, 0);
	c->kid[k] = 0;
	pid = fork();
	if (pid == 0) {
		if (c->map[0])
			vmv_touch_read(c->map[0]);
		usleep(1000);
		_exit(0);
	}
	if (pid > 0)
		c->kid[k] = pid;
	c->board->kids[k] = pid > 0 ? pid : 0;
}

static void target_step(struct churn *c, unsigned long i)
{
	int s = rand_r(&c->seed) % NSLOTS;

	switch (i % 9) {
	case 0:
	case 1:
		churn_mmap(c, s);
		break;
	case 2:
		churn_protect(c, s);
		break;
	case 3:
		churn_mremap(c, s);
		break;
	case 4:
		churn_madvise(c, s, MADV_DONTNEED);
		break;
	case 5:
		churn_madvise(c, s, MADV_PAGEOUT);
		break;
	case 6:
		churn_fork(c, (int)(i / 9) % NKIDS);
		break;
	case 7:
		churn_thp(c, s);
		break;
	default:
		/* The first half is writable whatever churn_protect did. */
		if (c->map[s])
			vmv_touch_write(c->map[s], c->len[s] / VMV_PAGE / 2);
	}
}

static void target_main(struct board *b)
{
	struct churn c = { .board = b, .seed = 1234 };
	double end = now() + RUN_SECONDS;
	unsigned long i;
	int k;

	for (i = 0; now() < end; i++)
		target_step(&c, i);
	for (k = 0; k < NKIDS; k++)
		if (c.kid[k] > 0)
			waitpid(c.kid[k], NULL, 0);
	_exit(0);
}

/* ---- the readers -------------------------------------------------- */

static int validate(const char *file, const char *text)
{
	struct vmv_pages pg;
	struct vmv_vmas vm;
	struct vmv_xlate x;
	int ret;

	if (!strcmp(file, "pages")) {
		ret = vmv_parse_pages_live(text, &pg);
		vmv_pages_free(&pg);
	} else if (!strcmp(file, "vmas")) {
		ret = vmv_parse_vmas(text, &vm);
		vmv_vmas_free(&vm);
	} else {
		ret = vmv_parse_translate(text, &x);
	}
	return ret;
}

static pid_t pick_pid(struct reader *r)
{
	pid_t kid = r->board->kids[rand_r(&r->seed) % NKIDS];

	if (rand_r(&r->seed) % 3 == 0 && kid > 0)
		return kid;
	return r->target;
}

static int make_request(struct reader *r, int fd, const char *file, pid_t pid)
{
	uint64_t a = r->board->addr[rand_r(&r->seed) % NSLOTS];

	a += (uint64_t)(rand_r(&r->seed) % 64) * VMV_PAGE;
	if (!strcmp(file, "translate"))
		return vmv_request(fd, "pid=%d addr=0x%llx bytes=64", pid,
				   (unsigned long long)a);
	if (!strcmp(file, "pages"))
		return vmv_request(fd, "pid=%d mode=%s", pid,
				   rand_r(&r->seed) & 1 ? "pages" : "runs");
	return vmv_request(fd, "pid=%d", pid);
}

static void reader_fail(struct reader *r, const char *file, pid_t pid,
			const char *what, int err)
{
	r->bad = 1;
	snprintf(r->why, sizeof(r->why), "%s pid=%d: %s %s (%.120s)", file, pid,
		 what, err ? strerror(-err) : "", vmv_err);
}

/* One request + read; a vanished target is fine, anything else is not. */
static void reader_once(struct reader *r, int fd, const char *file,
			struct vmv_buf *b)
{
	pid_t pid = pick_pid(r);
	int ret;

	r->reads++;
	ret = make_request(r, fd, file, pid);
	if (!ret)
		ret = vmv_read_all(fd, b);
	if (ret == -ESRCH || ret == -ENXIO) {
		r->gone++;
		return;
	}
	if (ret) {
		reader_fail(r, file, pid, "error", ret);
		return;
	}
	if (validate(file, b->data)) {
		reader_fail(r, file, pid, "bad output", 0);
		return;
	}
	r->ok++;
}

static void *reader_main(void *arg)
{
	static const char *const rfiles[] = { "pages", "vmas", "translate" };
	struct reader *r = arg;
	struct vmv_buf b = { 0 };
	int fd[3], i;

	for (i = 0; i < 3; i++) {
		fd[i] = vmv_open(rfiles[i], O_RDWR);
		if (fd[i] < 0) {
			reader_fail(r, rfiles[i], 0, "open", fd[i]);
			return NULL;
		}
	}
	while (!*r->stop && !r->bad) {
		i = rand_r(&r->seed) % 3;
		reader_once(r, fd[i], rfiles[i], &b);
	}
	for (i = 0; i < 3; i++)
		close(fd[i]);
	vmv_buf_free(&b);
	return NULL;
}

static void hang(int sig)
{
	static const char msg[] = "# stress: a reader hung (SIGALRM)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

/* After the storm, a plain read of ourselves works. */
static int still_works(void)
{
	struct vmv_pages pg;
	size_t n;

	if (vmv_get_pages(getpid(), 0, vmv_expected_task_size(), "runs", &pg))
		return -1;
	n = pg.n;
	vmv_pages_free(&pg);
	return n ? 0 : vmv_fail("no records for ourselves");
}

FIXTURE(stress) {
	struct board *board;
};

FIXTURE_SETUP(stress)
{
	self->board = mmap(NULL, VMV_PAGE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->board);
}

FIXTURE_TEARDOWN(stress)
{
	munmap(self->board, VMV_PAGE);
}

TEST_F_TIMEOUT(stress, churn_while_reading, RUN_SECONDS + AFTER_SECONDS + 40)
{
	struct reader r[NREADERS];
	volatile int stop = 0;
	long ok = 0, gone = 0;
	pid_t target;
	int i;

	signal(SIGALRM, hang);
	alarm(RUN_SECONDS + AFTER_SECONDS + 30);
	target = fork();
	ASSERT_LE(0, target);
	if (target == 0)
		target_main(self->board);

	memset(r, 0, sizeof(r));
	for (i = 0; i < NREADERS; i++) {
		r[i].board = self->board;
		r[i].target = target;
		r[i].seed = 77 + i;
		r[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&r[i].th, NULL, reader_main, &r[i]));
	}
	ASSERT_EQ(target, waitpid(target, NULL, 0));
	sleep(AFTER_SECONDS);
	stop = 1;
	for (i = 0; i < NREADERS; i++) {
		pthread_join(r[i].th, NULL);
		EXPECT_EQ(0, r[i].bad) TH_LOG("reader %d: %s", i, r[i].why);
		EXPECT_LT(0, r[i].reads);
		ok += r[i].ok;
		gone += r[i].gone;
	}
	alarm(0);
	TH_LOG("%ld valid reads, %ld of a vanished target", ok, gone);
	EXPECT_LT(0, ok);
	EXPECT_LT(0, gone);
	EXPECT_VMV(still_works());
}

TEST_HARNESS_MAIN
