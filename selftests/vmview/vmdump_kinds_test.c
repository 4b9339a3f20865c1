// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump on every kind of memory, checked for content:
 *
 *   - one process with heap, stack, a file mapping, memory shared with a
 *     forked child, dirty pages, swapped-out pages, a THP and a hugetlb
 *     page; `vmdump --json pages` must show each as what it is (file pages
 *     from the file, shared pages mapped twice, swap slots, 2M leaves, D on
 *     the dirty pages), and every row's direct-map address must be
 *     page_offset_base (from the layout file) + PFN * 4096;
 *   - the text and --json forms of `pages --per-page` list the same PFNs;
 *   - exit codes: 5 for a caller without privilege, 4 with the module
 *     unloaded (it is loaded again from VMVIEW_KO, default /vmview.ko).
 *
 * Oracles: what the test did to its memory, /proc/self/pagemap, the
 * module's layout file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB	0x40000
#endif

#define OUT_MAX		(8UL << 20)

static const char *vmdump_path(void)
{
	const char *p = getenv("VMDUMP");

	return p && *p ? p : "/usr/bin/vmdump";
}

/* Run vmdump; stdout into *out (caller frees) if out; the exit status. */
static int vmdump(char **out, uid_t uid, const char *const *args)
{
	const char *argv[16] = { "vmdump" };
	size_t n = 0, cap = 1 << 16;
	int fds[2], status, i;
	char *buf;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe(fds))
		return -1;
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		dup2(null, 2);
		close(fds[0]);
		setenv("VMDUMP_NO_PROGRESS", "1", 1);
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(126);
		execv(vmdump_path(), (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap >= OUT_MAX)
				break;
			cap *= 2;
			buf = realloc(buf, cap);
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The value of "key":"0x..." or "key":N on a JSON line. */
static bool json_u64(const char *line, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (*p == '"')
		p++;
	*v = strtoull(p, NULL, 0);
	return true;
}

static bool json_str(const char *line, const char *key, const char *want)
{
	char pat[96];

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, want);
	return strstr(line, pat) != NULL;
}

static uint64_t page_offset_base(void)
{
	struct vmv_buf b = { 0 };
	const char *p;
	uint64_t v = 0;

	if (!vmv_query("layout", &b, "pid=%d", getpid())) {
		p = strstr(b.data, "\npage_offset_base 0x");
		if (p)
			v = strtoull(p + 18, NULL, 16);
	}
	vmv_buf_free(&b);
	return v;
}

struct region {
	const char *name;
	char *addr;
	size_t len;
	bool (*row_ok)(const char *row);
	int rows;		/* rows seen */
	int bad;		/* rows that contradict */
};

static bool is_file(const char *r) { return json_str(r, "src", "file"); }
/* D (position 4 of the flags); W is gone: fork made the pages COW. */
static bool is_dirty(const char *r)
{
	const char *f = strstr(r, "\"flags\":\"");

	return f && strlen(f) > 14 && f[9 + 4] == 'D';
}
static bool is_swap(const char *r) { return json_str(r, "leaf", "swap"); }
static bool is_pmd(const char *r) { return json_str(r, "level", "pmd"); }
static bool is_anon(const char *r) { return json_str(r, "src", "anon"); }

static bool is_shared(const char *r)
{
	uint64_t m;

	return json_u64(r, "mapcount", &m) && m >= 2;
}

static char *map_region(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static char *map_file(size_t len)
{
	char name[] = "/tmp/vmdump-kinds-XXXXXX";
	volatile char sink = 0;
	int fd = mkstemp(name);
	char *p;
	size_t i;

	if (fd < 0 || ftruncate(fd, len))
		return NULL;
	unlink(name);
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < len; i += VMV_PAGE)
		sink += p[i];
	(void)sink;
	return p;
}

static char *map_thp(void)
{
	char *p = map_region(2 * VMV_PMD_SIZE, MAP_PRIVATE);

	if (!p)
		return NULL;
	p = (char *)(((uintptr_t)p + VMV_PMD_SIZE - 1) & ~(VMV_PMD_SIZE - 1));
	madvise(p, VMV_PMD_SIZE, MADV_HUGEPAGE);
	memset(p, 1, VMV_PMD_SIZE);
	return p;
}

static void classify(struct region *r, int n, const char *row, uint64_t pob,
		     int *dm_checked, int *dm_bad)
{
	uint64_t start, pfn, dm;
	int i;

	if (!strstr(row, "\"type\":\"run\"") || !json_u64(row, "start", &start))
		return;
	if (json_u64(row, "pfn", &pfn) && json_u64(row, "directmap", &dm)) {
		(*dm_checked)++;
		if (dm != pob + pfn * VMV_PAGE)
			(*dm_bad)++;
	}
	for (i = 0; i < n; i++) {
		if (!r[i].addr || start < (uintptr_t)r[i].addr ||
		    start >= (uintptr_t)r[i].addr + r[i].len)
			continue;
		r[i].rows++;
		if (!r[i].row_ok(row))
			r[i].bad++;
	}
}

TEST(every_kind_of_memory)
{
	char stack[16 * VMV_PAGE], pid[16], *out, *line, *save;
	struct region r[] = {
		{ "heap", NULL, 16 * VMV_PAGE, is_anon, 0, 0 },
		{ "stack", stack, sizeof(stack), is_anon, 0, 0 },
		{ "file", NULL, 8 * VMV_PAGE, is_file, 0, 0 },
		{ "shared", NULL, 8 * VMV_PAGE, is_shared, 0, 0 },
		{ "dirty", NULL, 8 * VMV_PAGE, is_dirty, 0, 0 },
		{ "swapped", NULL, 8 * VMV_PAGE, is_swap, 0, 0 },
		{ "thp", NULL, VMV_PMD_SIZE, is_pmd, 0, 0 },
		{ "hugetlb", NULL, VMV_PMD_SIZE, is_pmd, 0, 0 },
	};
	const int n = sizeof(r) / sizeof(r[0]);
	const char *args[] = { "--json", "--color", "never", "pages", pid, NULL };
	int i, dm_checked = 0, dm_bad = 0;
	uint64_t pob = page_offset_base();
	pid_t child;

	ASSERT_NE(0ULL, pob);
	memset(stack, 1, sizeof(stack));
	r[0].addr = malloc(r[0].len);
	ASSERT_NE(NULL, r[0].addr);
	memset(r[0].addr, 1, r[0].len);
	r[2].addr = map_file(r[2].len);
	r[3].addr = map_region(r[3].len, MAP_SHARED);
	r[4].addr = map_region(r[4].len, MAP_PRIVATE);
	r[5].addr = map_region(r[5].len, MAP_PRIVATE);
	ASSERT_TRUE(r[2].addr && r[3].addr && r[4].addr && r[5].addr);
	memset(r[3].addr, 2, r[3].len);
	memset(r[4].addr, 3, r[4].len);
	madvise(r[5].addr, r[5].len, MADV_NOHUGEPAGE);
	memset(r[5].addr, 4, r[5].len);
	if (!vmv_swap_active() || madvise(r[5].addr, r[5].len, MADV_PAGEOUT))
		r[5].addr = NULL;
	r[6].addr = map_thp();
	r[7].addr = map_region(r[7].len, MAP_PRIVATE | MAP_HUGETLB);
	if (r[7].addr)
		memset(r[7].addr, 5, VMV_PAGE);
	/*
	 * fork() does not copy the page tables of shared mappings (the child
	 * can fault them in): the child touches them, and only then are
	 * they mapped twice.
	 */
	child = fork();
	if (!child) {
		volatile char sink = 0;

		for (i = 0; i < (int)(r[3].len / VMV_PAGE); i++)
			sink += r[3].addr[i * VMV_PAGE];
		(void)sink;
		for (;;)
			pause();
	}
	usleep(300000);

	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, vmdump(&out, 0, args));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		classify(r, n, line, pob, &dm_checked, &dm_bad);
	free(out);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	TH_LOG("%d rows with a frame: direct map = page_offset_base + PFN * 4096 in all but %d",
	       dm_checked, dm_bad);
	EXPECT_GT(dm_checked, 0);
	EXPECT_EQ(0, dm_bad);
	for (i = 0; i < n; i++) {
		if (!r[i].addr) {
			TH_LOG("%s: not set up here (no swap, THP or huge pages)",
			       r[i].name);
			continue;
		}
		/* THP may not be granted; the other kinds must show. */
		if (i == 6 && r[i].bad)
			TH_LOG("thp: no 2M leaf (THP not granted?)");
		else
			EXPECT_EQ(0, r[i].bad) TH_LOG("%s: %d of %d rows are not %s",
						     r[i].name, r[i].bad, r[i].rows,
						     r[i].name);
		EXPECT_GT(r[i].rows, 0) TH_LOG("%s: no rows", r[i].name);
	}
}

/* The PFNs of `pages --per-page` over a range, from text or JSON output. */
static int pfns(char *out, bool json, uint64_t *v, int max)
{
	char *line, *save;
	int n = 0;

	for (line = strtok_r(out, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *cols[8];
		int c = 0;
		char *tok, *s2;

		if (json) {	/* --per-page rows are "page", not "run" */
			if (strstr(line, "\"type\":\"page\"") &&
			    json_u64(line, "pfn", &v[n]))
				n++;
			continue;
		}
		if (strncmp(line, "0000", 4))	/* rows start with the address */
			continue;
		for (tok = strtok_r(line, " ", &s2); tok && c < 8;
		     tok = strtok_r(NULL, " ", &s2))
			cols[c++] = tok;
		if (c == 8)	/* RANGE VPN SIZE LVL TYPE FLAGS PFN ... */
			v[n++] = strtoull(cols[6], NULL, 16);
	}
	return n;
}

TEST(text_and_json_agree)
{
	char pid[16], range[64], *text, *json;
	const char *ta[] = { "--color", "never", "pages", "--per-page", "--range",
			     range, pid, NULL };
	const char *ja[] = { "--json", "pages", "--per-page", "--range", range,
			     pid, NULL };
	uint64_t a[64], b[64];
	char *mem = map_region(32 * VMV_PAGE, MAP_PRIVATE);
	int na, nb, i;

	ASSERT_NE(NULL, mem);
	madvise(mem, 32 * VMV_PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < 32; i += 2)
		mem[i * VMV_PAGE] = 1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(range, sizeof(range), "0x%lx-0x%lx", (unsigned long)mem,
		 (unsigned long)mem + 32 * VMV_PAGE);
	ASSERT_EQ(0, vmdump(&text, 0, ta));
	ASSERT_EQ(0, vmdump(&json, 0, ja));
	na = pfns(text, false, a, 64);
	nb = pfns(json, true, b, 64);
	free(text);
	free(json);
	EXPECT_EQ(16, na);
	ASSERT_EQ(na, nb);
	for (i = 0; i < na; i++) {
		EXPECT_EQ(a[i], b[i]);
		EXPECT_EQ(pagemap_pfn(pagemap_get(0, (uintptr_t)mem +
					  2 * i * VMV_PAGE)), a[i]);
	}
	munmap(mem, 32 * VMV_PAGE);
}

TEST(exit_code_not_root)
{
	char pid[16];
	const char *args[] = { pid, NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	EXPECT_EQ(5, vmdump(NULL, 65534, args));
}

TEST(exit_code_module_not_loaded)
{
	const char *ko = getenv("VMVIEW_KO") ? getenv("VMVIEW_KO") : "/vmview.ko";
	char pid[16];
	const char *args[] = { pid, NULL };
	int fd, i, ret = -1;

	snprintf(pid, sizeof(pid), "%d", getpid());
	for (i = 0; i < 50 && ret; i++) {	/* wait out other openers */
		ret = syscall(SYS_delete_module, "vmview", O_NONBLOCK);
		if (ret)
			usleep(100000);
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(4, vmdump(NULL, 0, args));
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	EXPECT_EQ(0, vmdump(NULL, 0, args));
}

TEST_HARNESS_MAIN
