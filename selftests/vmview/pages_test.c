// SPDX-License-Identifier: GPL-2.0
/*
 * vmview `pages`: every record against /proc/PID/pagemap and against what
 * the test did to its own memory (anonymous, zero page, file, stack, heap,
 * code, private file COW, accessed/dirty/soft-dirty, mprotect, PROT_NONE,
 * fork COW, swap, THP, its clipping and its split, hugetlb), map counts
 * against /proc/kpagecount where runs must split on them, both modes
 * against each other, and format=bin against the text form.
 */
#include "kselftest_harness.h"
#include "vmview_test.h"

static const char *const modes[] = { "pages", "runs" };

/* Read `pages` of ourselves for [p, p + n pages). */
static int self_pages(const void *p, size_t npages, const char *mode,
		      struct vmv_pages *out)
{
	uintptr_t s = (uintptr_t)p;

	return vmv_get_pages(getpid(), s, s + npages * VMV_PAGE, mode, out);
}

/* Check [p, p + n pages) of ourselves against our pagemap. */
static long self_check(const struct vmv_pages *pg, const void *p, size_t n)
{
	return vmv_check_pagemap(pg, 0, (uintptr_t)p,
				 (uintptr_t)p + n * VMV_PAGE);
}

/* The record covering one page, which must be a single-page pte leaf. */
static const struct vmv_leaf *one_pte(const struct vmv_pages *p,
				      const void *va)
{
	const struct vmv_leaf *l = vmv_leaf_at(p, (uintptr_t)va);

	if (!l || l->level != VMV_L_PTE)
		return NULL;
	return l;
}

static int clear_refs(const char *what)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	int ret;

	if (fd < 0)
		return -errno;
	ret = vmv_write(fd, what, strlen(what));
	close(fd);
	return ret;
}

static bool is_thp(uint64_t pfn)
{
	uint64_t kpf;

	if (kpageflags_get(pfn, &kpf))
		return false;
	return (kpf >> KPF_THP) & 1;
}

/* Same attributes of the records covering @va in the two modes. */
static int same_leaf(const struct vmv_leaf *a, const struct vmv_leaf *b,
		     uint64_t va)
{
	if (!a || !b)
		return a == b ? 0 : vmv_fail("0x%llx: in one mode only",
					     (unsigned long long)va);
	if (a->level != b->level || a->type != b->type ||
	    a->flags != b->flags || a->src != b->src || a->map != b->map ||
	    a->excl != b->excl)
		return vmv_fail("0x%llx: attributes differ between modes",
				(unsigned long long)va);
	if (a->has_pfn && vmv_leaf_pfn(a, va) != vmv_leaf_pfn(b, va))
		return vmv_fail("0x%llx: frames differ between modes",
				(unsigned long long)va);
	return 0;
}

/*
 * mode=runs expanded page by page says what mode=pages says: the walker's
 * fast paths (runs) against the full decode of every leaf (pages).
 */
static int runs_expand_to_pages_of(pid_t pid, const void *p, size_t npages)
{
	struct vmv_pages runs, pages;
	uint64_t va, s = (uintptr_t)p, e = s + npages * VMV_PAGE;
	int ret = 0;

	if (vmv_get_pages(pid, s, e, "runs", &runs))
		return -1;
	if (vmv_get_pages(pid, s, e, "pages", &pages)) {
		vmv_pages_free(&runs);
		return -1;
	}
	if (runs.n > pages.n)
		ret = vmv_fail("%zu runs for %zu leaves", runs.n, pages.n);
	for (va = s; va < s + npages * VMV_PAGE && !ret; va += VMV_PAGE)
		ret = same_leaf(vmv_leaf_at(&runs, va), vmv_leaf_at(&pages, va),
				va);
	vmv_pages_free(&runs);
	vmv_pages_free(&pages);
	return ret;
}

static int runs_expand_to_pages(const void *p, size_t npages)
{
	return runs_expand_to_pages_of(getpid(), p, npages);
}

/*
 * Every page record in [s, e) has the map count /proc/kpagecount gives
 * its frames: each frame of a PTE record, the first frame of each huge
 * page of a PMD record (whose count is its head page's).
 */
static int maps_match_kpagecount(const struct vmv_pages *pg, uint64_t s,
				 uint64_t e)
{
	const struct vmv_leaf *l;
	uint64_t va, cnt;

	for (va = s; va < e; va += VMV_PAGE) {
		l = vmv_leaf_at(pg, va);
		if (!l || l->type != VMV_T_PAGE ||
		    (l->level == VMV_L_PMD && va % VMV_PMD_SIZE))
			continue;
		if (kpagecount_get(vmv_leaf_pfn(l, va), &cnt))
			return vmv_fail("/proc/kpagecount: %s", strerror(errno));
		if ((long)cnt != l->map)
			return vmv_fail("0x%llx: map=%ld, kpagecount %llu",
					(unsigned long long)va, l->map,
					(unsigned long long)cnt);
	}
	return 0;
}

/* A child that leaves its copy of our memory alone until *@cmd closes. */
static pid_t idle_child(int *cmd)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	*cmd = fds[1];
	return pid;
}

static void idle_child_end(pid_t pid, int cmd)
{
	close(cmd);
	waitpid(pid, NULL, 0);
}

/* A 2 MiB-aligned region of @n THPs, or NULL with *@why set. */
static char *thp_region(size_t n, const char **why)
{
	char *p;
	size_t i;

	*why = "transparent hugepages disabled";
	if (vmv_thp_never())
		return NULL;
	*why = "mmap failed";
	p = vmv_mmap_aligned(n * VMV_PMD_SIZE, VMV_PMD_SIZE,
			     PROT_READ | PROT_WRITE);
	if (!p)
		return NULL;
	madvise(p, n * VMV_PMD_SIZE, MADV_HUGEPAGE);
	vmv_touch_write(p, n * 512);
	*why = "the region did not get THPs";
	for (i = 0; i < n; i++) {
		if (!is_thp(pagemap_pfn(pagemap_get(0, (uintptr_t)p +
						    i * VMV_PMD_SIZE)))) {
			munmap(p, n * VMV_PMD_SIZE);
			return NULL;
		}
	}
	return p;
}

TEST(anon_4k_matches_pagemap)
{
	const size_t n = 16;
	char *p = vmv_mmap_small(n);
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	unsigned int i, m;
	long checked;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 8);			/* pages 0-7 */
	p[12 * VMV_PAGE] = 12;			/* page 12 */
	vmv_touch_read(p + 14 * VMV_PAGE);	/* page 14: the zero page */

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(self_pages(p, n, modes[m], &pg));
		EXPECT_EQ(getpid(), pg.ver.pid);
		EXPECT_EQ((uintptr_t)p, pg.ver.start);
		EXPECT_EQ((uintptr_t)p + n * VMV_PAGE, pg.ver.end);
		EXPECT_STREQ(modes[m], pg.ver.mode);
		EXPECT_EQ(vmv_expected_levels(), pg.ver.levels);

		checked = self_check(&pg, p, n);
		EXPECT_EQ((long)n, checked) TH_LOG("mode=%s: %s", modes[m], vmv_err);

		for (i = 0; i < 8; i++) {
			l = vmv_leaf_at(&pg, (uintptr_t)p + i * VMV_PAGE);
			ASSERT_NE(NULL, l) TH_LOG("written page %u missing", i);
			EXPECT_EQ(VMV_T_PAGE, l->type);
			EXPECT_EQ(VMV_SRC_ANON, l->src);
			EXPECT_EQ(VMV_L_PTE, l->level);
			EXPECT_EQ(VMV_F_PRESENT | VMV_F_WRITE | VMV_F_USER,
				  l->flags & (VMV_F_PRESENT | VMV_F_WRITE | VMV_F_USER));
		}
		l = vmv_leaf_at(&pg, (uintptr_t)p + 14 * VMV_PAGE);
		ASSERT_NE(NULL, l) TH_LOG("read-only touched page missing");
		EXPECT_EQ(VMV_T_ZERO, l->type);
		EXPECT_EQ(0U, l->flags & VMV_F_WRITE);
		for (i = 8; i < n; i++) {
			if (i == 12 || i == 14)
				continue;
			EXPECT_NULL(vmv_leaf_at(&pg, (uintptr_t)p + i * VMV_PAGE))
				TH_LOG("mode=%s: never-touched page %u has a record",
				       modes[m], i);
		}
		if (!strcmp(modes[m], "pages")) {
			for (i = 0; i < pg.n; i++)
				EXPECT_EQ(1ULL, pg.v[i].pages);
			EXPECT_EQ((size_t)10, pg.n);
		}
		vmv_pages_free(&pg);
	}
	EXPECT_VMV(runs_expand_to_pages(p, n));
	munmap(p, n * VMV_PAGE);
}

/* Read-only touched anonymous pages all map the zero page; runs merge them. */
TEST(zero_pages_merge)
{
	const size_t n = 8;
	char *p = vmv_mmap_small(n);
	struct vmv_pages pg;
	uint64_t zpfn;
	size_t i;

	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		vmv_touch_read(p + i * VMV_PAGE);
	zpfn = pagemap_pfn(pagemap_get(0, (uintptr_t)p));
	for (i = 1; i < n; i++)
		ASSERT_EQ(zpfn, pagemap_pfn(pagemap_get(0, (uintptr_t)p + i * VMV_PAGE)));

	ASSERT_VMV(self_pages(p, n, "runs", &pg));
	EXPECT_EQ((long)n, self_check(&pg, p, n)) TH_LOG("%s", vmv_err);
	ASSERT_EQ((size_t)1, pg.n);
	EXPECT_EQ(VMV_T_ZERO, pg.v[0].type);
	EXPECT_EQ((uint64_t)n, pg.v[0].pages);
	EXPECT_EQ(zpfn, pg.v[0].pfn);
	vmv_pages_free(&pg);

	ASSERT_VMV(self_pages(p, n, "pages", &pg));
	ASSERT_EQ(n, pg.n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(zpfn, pg.v[i].pfn);
	vmv_pages_free(&pg);
	munmap(p, n * VMV_PAGE);
}

/* The page holding our own code: present, executable, read-only, file. */
TEST(code_page_is_executable)
{
	uint64_t va = vmv_page_down((uintptr_t)&vmv_mmap_small);
	const struct vmv_leaf *l;
	struct vmv_pages pg;

	ASSERT_VMV(vmv_get_pages(getpid(), va, va + VMV_PAGE, "pages", &pg));
	l = vmv_leaf_at(&pg, va);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(VMV_T_PAGE, l->type);
	EXPECT_EQ(VMV_SRC_FILE, l->src);
	EXPECT_EQ(VMV_F_PRESENT | VMV_F_USER,
		  l->flags & (VMV_F_PRESENT | VMV_F_USER | VMV_F_WRITE | VMV_F_NX))
		TH_LOG("text page must be P, U, not W, not N");
	EXPECT_EQ(pagemap_pfn(pagemap_get(0, va)), vmv_leaf_pfn(l, va));
	vmv_pages_free(&pg);
}

/* Shared file mapping at a file offset: frames and off= from the file. */
TEST(file_matches_pagemap)
{
	const size_t fpages = 8, mpages = 6, moff = 2;
	char path[128], *p;
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	uint64_t ent, va;
	unsigned int i, m;
	int fd;

	fd = vmv_tempfile(path, sizeof(path), fpages);
	ASSERT_LE(0, fd);
	p = mmap(NULL, mpages * VMV_PAGE, PROT_READ, MAP_SHARED, fd,
		 moff * VMV_PAGE);
	ASSERT_NE(MAP_FAILED, p);
	/* Page i of the mapping is file page moff + i, filled with moff+i+1. */
	ASSERT_EQ((char)(moff + 1), p[0]);
	ASSERT_EQ((char)(moff + 4), p[3 * VMV_PAGE]);

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(self_pages(p, mpages, modes[m], &pg));
		EXPECT_EQ((long)mpages, self_check(&pg, p, mpages))
			TH_LOG("mode=%s: %s", modes[m], vmv_err);
		for (i = 0; i < mpages; i++) {
			va = (uintptr_t)p + i * VMV_PAGE;
			ent = pagemap_get(0, va);
			l = vmv_leaf_at(&pg, va);
			if (i == 0 || i == 3)
				ASSERT_NE(NULL, l) TH_LOG("touched file page %u", i);
			if (!l)
				continue;
			EXPECT_TRUE(!!(ent & PM_FILE));
			EXPECT_EQ(VMV_SRC_FILE, l->src);
			ASSERT_TRUE(l->has_off);
			EXPECT_EQ((moff + i) * VMV_PAGE, vmv_leaf_off(l, va))
				TH_LOG("mode=%s page %u", modes[m], i);
			EXPECT_EQ(0U, l->flags & VMV_F_WRITE);
			EXPECT_EQ(VMV_F_PRESENT, l->flags & VMV_F_PRESENT);
		}
		vmv_pages_free(&pg);
	}
	munmap(p, mpages * VMV_PAGE);
	close(fd);
	unlink(path);
}

/* Fault in @kb KiB of stack below the caller. */
static void __attribute__((noinline)) pretouch_stack(size_t kb)
{
	volatile char buf[64 * 1024];
	size_t i;

	for (i = 0; i < kb * 1024 && i < sizeof(buf); i += VMV_PAGE)
		buf[i] = 1;
}

TEST(stack_matches_pagemap)
{
	struct vmv_pages pg;
	volatile char here = 0;
	uint64_t sp, start, end;
	unsigned int m;

	pretouch_stack(64);
	sp = vmv_page_down((uintptr_t)&here);
	start = sp - 8 * VMV_PAGE;	/* inside the pre-touched area */
	end = sp + 8 * VMV_PAGE;	/* callers' frames, maybe past the top */
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(vmv_get_pages(getpid(), start, end, modes[m], &pg));
		EXPECT_EQ(16, vmv_check_pagemap(&pg, 0, start, end))
			TH_LOG("mode=%s: %s", modes[m], vmv_err);
		ASSERT_NE(NULL, vmv_leaf_at(&pg, sp));
		EXPECT_EQ(VMV_SRC_ANON, vmv_leaf_at(&pg, sp)->src);
		vmv_pages_free(&pg);
	}
	(void)here;
}

TEST(heap_matches_pagemap)
{
	const size_t n = 16;
	struct vmv_pages pg;
	uint64_t start, end;
	char *old, *p;
	unsigned int m;

	/* Only whole pages of our own sbrk(): malloc never writes there. */
	old = sbrk(0);
	p = sbrk(n * VMV_PAGE);
	ASSERT_NE((void *)-1, p);
	start = vmv_page_down((uintptr_t)old + VMV_PAGE - 1);
	end = vmv_page_down((uintptr_t)p + n * VMV_PAGE);
	vmv_touch_write((char *)(start + VMV_PAGE), 4);
	vmv_touch_read((char *)(start + 8 * VMV_PAGE));
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(vmv_get_pages(getpid(), start, end, modes[m], &pg));
		EXPECT_EQ((long)((end - start) / VMV_PAGE),
			  vmv_check_pagemap(&pg, 0, start, end))
			TH_LOG("mode=%s: %s", modes[m], vmv_err);
		EXPECT_NE(NULL, vmv_leaf_at(&pg, start + VMV_PAGE));
		vmv_pages_free(&pg);
	}
}

/*
 * MAP_PRIVATE file mapping: page A only read stays the page-cache page
 * (src=file, off=, clean, read-only); page B written is COWed into a
 * private anonymous page (src=anon, dirty, writable, exclusive).
 */
TEST(private_file_dirty_and_cow)
{
	char path[128], *p;
	struct vmv_pages pg;
	const struct vmv_leaf *a, *b;
	uint64_t ea, eb;
	int fd;

	fd = vmv_tempfile(path, sizeof(path), 4);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * VMV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(1, p[0]);			/* A: page 0, read */
	p[2 * VMV_PAGE + 5] = 0x5a;		/* B: page 2, written */

	ASSERT_VMV(self_pages(p, 4, "pages", &pg));
	EXPECT_EQ(4, self_check(&pg, p, 4))
		TH_LOG("%s", vmv_err);
	a = one_pte(&pg, p);
	b = one_pte(&pg, p + 2 * VMV_PAGE);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);

	ea = pagemap_get(0, (uintptr_t)p);
	eb = pagemap_get(0, (uintptr_t)p + 2 * VMV_PAGE);
	EXPECT_TRUE(!!(ea & PM_FILE));
	EXPECT_FALSE(!!(eb & PM_FILE));

	EXPECT_EQ(VMV_SRC_FILE, a->src);
	EXPECT_TRUE(a->has_off);
	EXPECT_EQ(0ULL, a->off);
	EXPECT_EQ(0U, a->flags & VMV_F_DIRTY) TH_LOG("read-only page is dirty");
	EXPECT_EQ(0U, a->flags & VMV_F_WRITE) TH_LOG("COW page is writable");
	EXPECT_EQ(VMV_F_ACCESSED, a->flags & VMV_F_ACCESSED);

	EXPECT_EQ(VMV_SRC_ANON, b->src);
	EXPECT_EQ(VMV_F_DIRTY, b->flags & VMV_F_DIRTY) TH_LOG("written page clean");
	EXPECT_EQ(VMV_F_WRITE, b->flags & VMV_F_WRITE);
	EXPECT_EQ(VMV_F_ACCESSED, b->flags & VMV_F_ACCESSED);
	EXPECT_TRUE(b->excl);
	EXPECT_EQ(1, b->map);
	vmv_pages_free(&pg);

	munmap(p, 4 * VMV_PAGE);
	close(fd);
	unlink(path);
}

/* clear_refs 1 clears A; reading one page sets A on that page only. */
TEST(accessed_after_access)
{
	const size_t n = 4;
	char *p = vmv_mmap_small(n);
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	unsigned int i;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, n);
	ASSERT_EQ(0, clear_refs("1"));
	/*
	 * clear_refs 1 does not flush the TLB: a cached translation would
	 * let the access below skip the walk that sets A.  An mprotect
	 * round trip keeps A clear and flushes.
	 */
	ASSERT_EQ(0, mprotect(p, n * VMV_PAGE, PROT_READ));
	ASSERT_EQ(0, mprotect(p, n * VMV_PAGE, PROT_READ | PROT_WRITE));
	ASSERT_VMV(self_pages(p, n, "pages", &pg));
	for (i = 0; i < n; i++) {
		l = one_pte(&pg, p + i * VMV_PAGE);
		ASSERT_NE(NULL, l);
		EXPECT_EQ(0U, l->flags & VMV_F_ACCESSED) TH_LOG("page %u", i);
		EXPECT_EQ(VMV_F_DIRTY, l->flags & VMV_F_DIRTY) TH_LOG("page %u", i);
	}
	vmv_pages_free(&pg);

	vmv_touch_read(p + VMV_PAGE);
	ASSERT_VMV(self_pages(p, n, "pages", &pg));
	for (i = 0; i < n; i++) {
		l = one_pte(&pg, p + i * VMV_PAGE);
		ASSERT_NE(NULL, l);
		EXPECT_EQ(i == 1 ? VMV_F_ACCESSED : 0, l->flags & VMV_F_ACCESSED)
			TH_LOG("page %u", i);
	}
	vmv_pages_free(&pg);
	munmap(p, n * VMV_PAGE);
}

/* Check S of every page against pagemap's soft-dirty bit. */
static int soft_dirty_agrees(char *p, size_t n, struct vmv_pages *pg)
{
	const struct vmv_leaf *l;
	uint64_t ent;
	size_t i;

	if (self_pages(p, n, "pages", pg))
		return -1;
	for (i = 0; i < n; i++) {
		l = one_pte(pg, p + i * VMV_PAGE);
		if (!l)
			return vmv_fail("page %zu: no pte record", i);
		ent = pagemap_get(0, (uintptr_t)p + i * VMV_PAGE);
		if (!!(ent & PM_SOFT_DIRTY) != !!(l->flags & VMV_F_SOFT_DIRTY))
			return vmv_fail("page %zu: pagemap soft-dirty %d, S %d", i,
					!!(ent & PM_SOFT_DIRTY),
					!!(l->flags & VMV_F_SOFT_DIRTY));
	}
	return 0;
}

/* clear_refs 4 clears S and W; a write sets both again on that page. */
TEST(soft_dirty_matches_pagemap)
{
	const size_t n = 4;
	char *p = vmv_mmap_small(n);
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	unsigned int i;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, n);
	if (clear_refs("4"))
		SKIP(return, "clear_refs 4 (soft-dirty) not supported");
	p[2 * VMV_PAGE] = 9;
	ASSERT_VMV(soft_dirty_agrees(p, n, &pg));
	for (i = 0; i < n; i++) {
		l = one_pte(&pg, p + i * VMV_PAGE);
		EXPECT_EQ(i == 2 ? VMV_F_SOFT_DIRTY | VMV_F_WRITE : 0U,
			  l->flags & (VMV_F_SOFT_DIRTY | VMV_F_WRITE))
			TH_LOG("page %u", i);
	}
	vmv_pages_free(&pg);

	vmv_touch_write(p, n);
	ASSERT_VMV(soft_dirty_agrees(p, n, &pg));
	for (i = 0; i < n; i++)
		EXPECT_EQ(VMV_F_SOFT_DIRTY | VMV_F_WRITE,
			  pg.v[i].flags & (VMV_F_SOFT_DIRTY | VMV_F_WRITE));
	vmv_pages_free(&pg);
	munmap(p, n * VMV_PAGE);
}

TEST(mprotect_toggles_write)
{
	char *p = vmv_mmap_small(2);
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	uint64_t pfn;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 2);
	ASSERT_VMV(self_pages(p, 2, "pages", &pg));
	l = one_pte(&pg, p);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(VMV_F_WRITE, l->flags & VMV_F_WRITE);
	pfn = l->pfn;
	vmv_pages_free(&pg);

	ASSERT_EQ(0, mprotect(p, 2 * VMV_PAGE, PROT_READ));
	ASSERT_VMV(self_pages(p, 2, "pages", &pg));
	l = one_pte(&pg, p);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(0U, l->flags & VMV_F_WRITE) TH_LOG("read-only page writable");
	EXPECT_EQ(VMV_F_PRESENT, l->flags & VMV_F_PRESENT);
	EXPECT_EQ(pfn, l->pfn);
	vmv_pages_free(&pg);

	ASSERT_EQ(0, mprotect(p, 2 * VMV_PAGE, PROT_READ | PROT_WRITE));
	p[1] = 1;
	ASSERT_VMV(self_pages(p, 2, "pages", &pg));
	l = one_pte(&pg, p);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(VMV_F_WRITE, l->flags & VMV_F_WRITE);
	EXPECT_EQ(pfn, l->pfn);
	vmv_pages_free(&pg);
	munmap(p, 2 * VMV_PAGE);
}

/* PROT_NONE: mapped, not present, frame still shown. */
TEST(prot_none_keeps_pfn)
{
	char *p = vmv_mmap_small(1);
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	uint64_t ent;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	ent = pagemap_get(0, (uintptr_t)p);
	ASSERT_TRUE(!!(ent & PM_PRESENT));
	ASSERT_EQ(0, mprotect(p, VMV_PAGE, PROT_NONE));
	ASSERT_VMV(self_pages(p, 1, "pages", &pg));
	l = one_pte(&pg, p);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(0U, l->flags & VMV_F_PRESENT);
	EXPECT_EQ(0U, l->flags & VMV_F_WRITE);
	EXPECT_TRUE(l->has_pfn);
	EXPECT_EQ(pagemap_pfn(ent), l->pfn);
	vmv_pages_free(&pg);
	munmap(p, VMV_PAGE);
}

/* Child of fork_cow: waits for 'w' (write p[0]) or EOF/'q' (exit). */
static void cow_child(char *p, int cmd, int ack)
{
	char c = 'r';

	if (write(ack, &c, 1) != 1)
		_exit(1);
	while (read(cmd, &c, 1) == 1 && c == 'w') {
		p[0] = 'c';
		if (write(ack, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int one_pte_of(pid_t pid, char *p, struct vmv_leaf *out)
{
	struct vmv_pages pg;
	const struct vmv_leaf *l;

	if (vmv_get_pages(pid, (uintptr_t)p, (uintptr_t)p + VMV_PAGE,
			  "pages", &pg))
		return -1;
	l = one_pte(&pg, p);
	if (l)
		*out = *l;
	vmv_pages_free(&pg);
	return l ? 0 : vmv_fail("pid %d: no pte record", pid);
}

TEST(fork_shares_then_cows)
{
	char *p = vmv_mmap_small(1);
	struct vmv_leaf par, chi;
	int cmd[2], ack[2];
	pid_t pid;
	char c;

	ASSERT_NE(NULL, p);
	p[0] = 'p';
	ASSERT_VMV(one_pte_of(getpid(), p, &par));
	EXPECT_TRUE(par.excl);
	EXPECT_EQ(1, par.map);

	ASSERT_EQ(0, pipe(cmd));
	ASSERT_EQ(0, pipe(ack));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		cow_child(p, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	ASSERT_EQ(1, read(ack[0], &c, 1));

	ASSERT_VMV(one_pte_of(getpid(), p, &par));
	ASSERT_VMV(one_pte_of(pid, p, &chi));
	EXPECT_EQ(par.pfn, chi.pfn);
	EXPECT_EQ(pagemap_pfn(pagemap_get(pid, (uintptr_t)p)), chi.pfn);
	EXPECT_EQ(pagemap_pfn(pagemap_get(0, (uintptr_t)p)), par.pfn);
	EXPECT_LE(2, par.map);
	EXPECT_LE(2, chi.map);
	EXPECT_FALSE(par.excl);
	EXPECT_FALSE(chi.excl);
	EXPECT_EQ(0U, par.flags & VMV_F_WRITE);
	EXPECT_EQ(0U, chi.flags & VMV_F_WRITE);

	c = 'w';
	ASSERT_EQ(1, write(cmd[1], &c, 1));
	ASSERT_EQ(1, read(ack[0], &c, 1));
	ASSERT_VMV(one_pte_of(getpid(), p, &par));
	ASSERT_VMV(one_pte_of(pid, p, &chi));
	EXPECT_NE(par.pfn, chi.pfn);
	EXPECT_EQ(pagemap_pfn(pagemap_get(pid, (uintptr_t)p)), chi.pfn);
	EXPECT_EQ(pagemap_pfn(pagemap_get(0, (uintptr_t)p)), par.pfn);
	EXPECT_TRUE(chi.excl);
	EXPECT_EQ(1, chi.map);
	EXPECT_EQ(1, par.map);
	EXPECT_EQ(VMV_F_WRITE | VMV_F_DIRTY,
		  chi.flags & (VMV_F_WRITE | VMV_F_DIRTY));

	close(cmd[1]);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	munmap(p, VMV_PAGE);
}

TEST(swap_matches_pagemap)
{
	const size_t n = 16;
	char *p = vmv_mmap_small(n);
	const unsigned int swapflags = VMV_F_SOFT_DIRTY | VMV_F_UFFD_WP;
	struct vmv_pages pg;
	unsigned int m;
	size_t i, nswap;
	long swapped;

	if (!vmv_swap_active())
		SKIP(return, "no active swap in /proc/swaps");
	ASSERT_NE(NULL, p);
	for (i = 0; i < n * VMV_PAGE; i++)
		p[i] = (char)(i * 7 + i / VMV_PAGE);
	swapped = vmv_pageout(p, n * VMV_PAGE, 20);
	if (swapped <= 0)
		SKIP(return, "MADV_PAGEOUT swapped nothing out");

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(self_pages(p, n, modes[m], &pg));
		EXPECT_EQ((long)n, self_check(&pg, p, n))
			TH_LOG("mode=%s: %s", modes[m], vmv_err);
		for (i = 0, nswap = 0; i < pg.n; i++) {
			if (pg.v[i].type != VMV_T_SWAP)
				continue;
			nswap += pg.v[i].pages;
			EXPECT_EQ(0U, pg.v[i].flags & ~swapflags);
			EXPECT_FALSE(pg.v[i].has_pfn);
		}
		EXPECT_EQ((size_t)swapped, nswap);
		vmv_pages_free(&pg);
	}

	/* Swap back in: contents intact, records present again. */
	for (i = 0; i < n * VMV_PAGE; i++)
		ASSERT_EQ((char)(i * 7 + i / VMV_PAGE), p[i]);
	ASSERT_VMV(self_pages(p, n, "runs", &pg));
	EXPECT_EQ((long)n, self_check(&pg, p, n)) TH_LOG("%s", vmv_err);
	for (i = 0; i < pg.n; i++)
		EXPECT_NE(VMV_T_SWAP, pg.v[i].type);
	vmv_pages_free(&pg);
	munmap(p, n * VMV_PAGE);
}

/* A THP is one pmd leaf; MADV_DONTNEED on one page of it splits it. */
TEST(thp_is_one_pmd_leaf)
{
	struct vmv_pages pg;
	const struct vmv_leaf *l;
	uint64_t ent, s, e;
	unsigned int m;
	char *p;

	if (vmv_thp_never())
		SKIP(return, "transparent hugepages disabled");
	p = vmv_mmap_aligned(VMV_PMD_SIZE, VMV_PMD_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	madvise(p, VMV_PMD_SIZE, MADV_HUGEPAGE);
	p[0] = 1;
	ent = pagemap_get(0, (uintptr_t)p);
	ASSERT_TRUE(!!(ent & PM_PRESENT));
	if (!is_thp(pagemap_pfn(ent)))
		SKIP(return, "the region did not get a THP");
	s = (uintptr_t)p;
	e = s + VMV_PMD_SIZE;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		ASSERT_VMV(vmv_get_pages(getpid(), s, e, modes[m], &pg));
		ASSERT_EQ((size_t)1, pg.n) TH_LOG("mode=%s", modes[m]);
		l = &pg.v[0];
		EXPECT_EQ(VMV_L_PMD, l->level);
		EXPECT_EQ(VMV_T_PAGE, l->type);
		EXPECT_EQ(512ULL, l->pages);
		EXPECT_EQ(s, l->start);
		EXPECT_EQ(pagemap_pfn(ent), l->pfn);
		EXPECT_EQ(VMV_SRC_ANON, l->src);
		EXPECT_EQ(VMV_F_PRESENT | VMV_F_WRITE | VMV_F_USER | VMV_F_DIRTY,
			  l->flags & (VMV_F_PRESENT | VMV_F_WRITE | VMV_F_USER |
				      VMV_F_DIRTY));
		EXPECT_EQ(512, vmv_check_pagemap(&pg, 0, s, e)) TH_LOG("%s", vmv_err);
		vmv_pages_free(&pg);
	}

	/* A range inside the THP: one clipped pmd record. */
	ASSERT_VMV(vmv_get_pages(getpid(), s + 16 * VMV_PAGE, s + 48 * VMV_PAGE,
				 "pages", &pg));
	ASSERT_EQ((size_t)1, pg.n);
	EXPECT_EQ(VMV_L_PMD, pg.v[0].level);
	EXPECT_EQ(32ULL, pg.v[0].pages);
	EXPECT_EQ(s + 16 * VMV_PAGE, pg.v[0].start);
	EXPECT_EQ(pagemap_pfn(ent) + 16, pg.v[0].pfn);
	vmv_pages_free(&pg);

	ASSERT_EQ(0, madvise(p + 5 * VMV_PAGE, VMV_PAGE, MADV_DONTNEED));
	ASSERT_VMV(vmv_get_pages(getpid(), s, e, "pages", &pg));
	EXPECT_EQ(512, vmv_check_pagemap(&pg, 0, s, e)) TH_LOG("%s", vmv_err);
	EXPECT_NULL(vmv_leaf_at(&pg, s + 5 * VMV_PAGE));
	ASSERT_NE(NULL, vmv_leaf_at(&pg, s));
	EXPECT_EQ(VMV_L_PTE, vmv_leaf_at(&pg, s)->level);
	EXPECT_EQ((size_t)511, pg.n);
	vmv_pages_free(&pg);

	/*
	 * The split left consecutive frames with equal attributes on both
	 * sides of the hole: runs merges them into exactly two records.
	 */
	ASSERT_VMV(vmv_get_pages(getpid(), s, e, "runs", &pg));
	EXPECT_EQ(512, vmv_check_pagemap(&pg, 0, s, e)) TH_LOG("%s", vmv_err);
	ASSERT_EQ((size_t)2, pg.n);
	EXPECT_EQ(5ULL, pg.v[0].pages);
	EXPECT_EQ(506ULL, pg.v[1].pages);
	EXPECT_EQ(s + 6 * VMV_PAGE, pg.v[1].start);
	vmv_pages_free(&pg);
	EXPECT_VMV(runs_expand_to_pages(p, 512));
	munmap(p, VMV_PMD_SIZE);
}

/*
 * Runs end where the frames' map counts change, even where frames and
 * entries continue.  A THP split into PTEs gives 511 contiguous frames; a
 * child shares them all; the parent then copies ten of them on write, so
 * in the child those ten are mapped once and their neighbours twice.
 */
TEST(runs_split_where_map_counts_differ)
{
	const char *why;
	struct vmv_pages pg;
	uint64_t s, e;
	char *p = thp_region(1, &why);
	int cmd;
	pid_t pid;
	size_t i;

	if (!p)
		SKIP(return, "%s", why);
	s = (uintptr_t)p;
	e = s + VMV_PMD_SIZE;
	ASSERT_EQ(0, madvise(p + 5 * VMV_PAGE, VMV_PAGE, MADV_DONTNEED));
	pid = idle_child(&cmd);
	ASSERT_LT(0, pid);
	for (i = 100; i < 110; i++)
		p[i * VMV_PAGE] = 'c';

	ASSERT_VMV(vmv_get_pages(pid, s, e, "runs", &pg));
	EXPECT_EQ(512, vmv_check_pagemap(&pg, pid, s, e)) TH_LOG("%s", vmv_err);
	EXPECT_VMV(maps_match_kpagecount(&pg, s, e));
	ASSERT_EQ((size_t)4, pg.n);
	EXPECT_EQ(5ULL, pg.v[0].pages);
	EXPECT_EQ(s + 6 * VMV_PAGE, pg.v[1].start);
	EXPECT_EQ(94ULL, pg.v[1].pages);
	EXPECT_EQ(s + 100 * VMV_PAGE, pg.v[2].start);
	EXPECT_EQ(10ULL, pg.v[2].pages);
	EXPECT_EQ(402ULL, pg.v[3].pages);
	EXPECT_EQ(1, pg.v[2].map);
	for (i = 0; i < pg.n; i++) {
		EXPECT_EQ(VMV_L_PTE, pg.v[i].level);
		EXPECT_FALSE(pg.v[i].excl);
		if (i != 2)
			EXPECT_EQ(2, pg.v[i].map);
	}
	vmv_pages_free(&pg);
	EXPECT_VMV(runs_expand_to_pages_of(pid, p, 512));
	idle_child_end(pid, cmd);
	munmap(p, VMV_PMD_SIZE);
}

/*
 * The same at PMD level: eight THPs shared with a child; the parent
 * writes the first page of the fourth, which splits its own mapping of it
 * and copies that page.  In the child the fourth is still one PMD leaf,
 * now counted differently: its record stands alone, whether or not the
 * huge pages around it are contiguous and merge.
 */
TEST(huge_runs_split_where_map_counts_differ)
{
	const size_t n = 8;
	const char *why;
	struct vmv_pages pg;
	const struct vmv_leaf *l, *other;
	uint64_t s, e, third;
	char *p = thp_region(n, &why);
	int cmd;
	pid_t pid;
	size_t i;

	if (!p)
		SKIP(return, "%s", why);
	s = (uintptr_t)p;
	e = s + n * VMV_PMD_SIZE;
	third = s + 3 * VMV_PMD_SIZE;
	pid = idle_child(&cmd);
	ASSERT_LT(0, pid);
	p[3 * VMV_PMD_SIZE] = 'c';

	ASSERT_VMV(vmv_get_pages(pid, s, e, "runs", &pg));
	EXPECT_EQ((long)n * 512, vmv_check_pagemap(&pg, pid, s, e))
		TH_LOG("%s", vmv_err);
	EXPECT_VMV(maps_match_kpagecount(&pg, s, e));
	for (i = 0; i < pg.n; i++)
		EXPECT_EQ(VMV_L_PMD, pg.v[i].level);
	l = vmv_leaf_at(&pg, third);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(third, l->start);
	EXPECT_EQ(512ULL, l->pages);
	other = vmv_leaf_at(&pg, s);
	ASSERT_NE(NULL, other);
	EXPECT_NE(other->map, l->map);
	TH_LOG("%zu records for %zu huge pages", pg.n, n);
	vmv_pages_free(&pg);
	EXPECT_VMV(runs_expand_to_pages_of(pid, p, n * 512));
	idle_child_end(pid, cmd);
	munmap(p, n * VMV_PMD_SIZE);
}

TEST(hugetlb_is_pmd_leaf)
{
	struct vmv_pages pg;
	uint64_t ent, s;
	char *p;

	if (vmv_read_long("/proc/sys/vm/nr_hugepages") <= 0)
		SKIP(return, "no hugetlb pages reserved");
	p = mmap(NULL, VMV_PMD_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		SKIP(return, "MAP_HUGETLB failed: %s", strerror(errno));
	memset(p, 0x33, 3 * VMV_PAGE);
	s = (uintptr_t)p;
	ent = pagemap_get(0, s);
	ASSERT_TRUE(!!(ent & PM_PRESENT));
	ASSERT_VMV(vmv_get_pages(getpid(), s, s + VMV_PMD_SIZE, "pages", &pg));
	ASSERT_EQ((size_t)1, pg.n);
	EXPECT_EQ(VMV_L_PMD, pg.v[0].level);
	EXPECT_EQ(VMV_T_PAGE, pg.v[0].type);
	EXPECT_EQ(512ULL, pg.v[0].pages);
	EXPECT_EQ(s, pg.v[0].start);
	EXPECT_EQ(pagemap_pfn(ent), pg.v[0].pfn);
	EXPECT_EQ(VMV_F_PRESENT | VMV_F_USER, pg.v[0].flags &
		  (VMV_F_PRESENT | VMV_F_USER));
	EXPECT_EQ(512, vmv_check_pagemap(&pg, 0, s, s + VMV_PMD_SIZE))
		TH_LOG("%s", vmv_err);
	vmv_pages_free(&pg);
	munmap(p, VMV_PMD_SIZE);
}

/* ---- format=bin ---------------------------------------------------- */

/* Read `pages` in format=bin, @chunk bytes per read(). */
static int bin_pages(pid_t pid, uint64_t s, uint64_t e, const char *mode,
		     size_t chunk, struct vmv_buf *b)
{
	int fd = vmv_open("pages", O_RDWR);
	ssize_t r;
	int ret;

	if (fd < 0)
		return fd;
	vmv_buf_reset(b);
	ret = vmv_request(fd, "pid=%d start=0x%llx end=0x%llx mode=%s format=bin",
			  pid, (unsigned long long)s, (unsigned long long)e, mode);
	while (!ret && (r = vmv_read_chunk(fd, b, chunk)) != 0)
		if (r < 0)
			ret = (int)r;
	close(fd);
	return ret;
}

static int same_record(const struct vmv_leaf *t, const struct vmv_leaf *b)
{
	if (t->start != b->start || t->end != b->end || t->level != b->level ||
	    t->type != b->type || t->flags != b->flags || t->src != b->src ||
	    t->excl != b->excl || t->write != b->write)
		return vmv_fail("record at 0x%llx differs",
				(unsigned long long)t->start);
	if ((t->has_pfn && t->pfn != b->pfn) ||
	    (t->has_swap && (t->swap_type != b->swap_type ||
			     t->swap_off != b->swap_off)) ||
	    (t->has_off && t->off != b->off) || (t->map >= 0 && t->map != b->map))
		return vmv_fail("record at 0x%llx: frame/slot/off/map differ",
				(unsigned long long)t->start);
	return 0;
}

/* The binary form says what the text form says, record by record. */
static int bin_matches_text(uint64_t s, uint64_t e, const char *mode)
{
	struct vmv_buf b = { 0 }, small = { 0 };
	struct vmv_pages t, bp;
	size_t i;
	int ret;

	if (vmv_get_pages(getpid(), s, e, mode, &t))
		return -1;
	ret = bin_pages(getpid(), s, e, mode, 65536, &b);
	if (!ret)
		ret = bin_pages(getpid(), s, e, mode, 100, &small);
	if (ret) {
		ret = vmv_fail("format=bin: %s", strerror(-ret));
		goto out;
	}
	if (b.len != small.len || memcmp(b.data, small.data, b.len)) {
		ret = vmv_fail("100-byte reads give other bytes than 64 KiB reads");
		goto out;
	}
	ret = vmv_parse_pages_bin(b.data, b.len, &bp);
	if (!ret && (((struct vmv_bin_header *)b.data)->hdr_size != 48 ||
		     ((struct vmv_bin_header *)b.data)->rec_size != 48))
		ret = vmv_fail("version 1 header and records are 48 bytes");
	if (!ret && (bp.ver.pid != getpid() || bp.ver.start != s ||
		     bp.ver.end != e || strcmp(bp.ver.mode, mode) ||
		     bp.ver.levels != vmv_expected_levels()))
		ret = vmv_fail("binary header disagrees with the request");
	if (!ret && bp.n != t.n)
		ret = vmv_fail("%zu binary records, %zu text lines", bp.n, t.n);
	for (i = 0; !ret && i < t.n; i++)
		ret = same_record(&t.v[i], &bp.v[i]);
	vmv_pages_free(&bp);
out:
	vmv_pages_free(&t);
	vmv_buf_free(&b);
	vmv_buf_free(&small);
	return ret;
}

TEST(binary_matches_text)
{
	char *a = vmv_mmap_small(64), *t;
	char path[128], *f;
	unsigned int m;
	int fd;

	ASSERT_NE(NULL, a);
	vmv_touch_write(a, 40);
	vmv_touch_read(a + 50 * VMV_PAGE);
	fd = vmv_tempfile(path, sizeof(path), 8);
	ASSERT_LE(0, fd);
	f = mmap(NULL, 8 * VMV_PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, f);
	vmv_touch_read(f + 3 * VMV_PAGE);
	t = vmv_mmap_aligned(VMV_PMD_SIZE, VMV_PMD_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, t);
	t[0] = 1;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		EXPECT_VMV(bin_matches_text((uintptr_t)a, (uintptr_t)a + 64 * VMV_PAGE,
					    modes[m]));
		EXPECT_VMV(bin_matches_text((uintptr_t)f, (uintptr_t)f + 8 * VMV_PAGE,
					    modes[m]));
		EXPECT_VMV(bin_matches_text((uintptr_t)t, (uintptr_t)t + VMV_PMD_SIZE,
					    modes[m]));
		EXPECT_VMV(bin_matches_text((uintptr_t)t + VMV_PAGE,
					    (uintptr_t)t + 9 * VMV_PAGE, modes[m]));
	}
	munmap(f, 8 * VMV_PAGE);
	close(fd);
	unlink(path);
}

TEST(binary_swap_records)
{
	const size_t n = 8;
	char *p = vmv_mmap_small(n);

	if (!vmv_swap_active())
		SKIP(return, "no active swap in /proc/swaps");
	ASSERT_NE(NULL, p);
	vmv_touch_write(p, n);
	if (vmv_pageout(p, n * VMV_PAGE, 20) <= 0)
		SKIP(return, "MADV_PAGEOUT swapped nothing out");
	EXPECT_VMV(bin_matches_text((uintptr_t)p, (uintptr_t)p + n * VMV_PAGE,
				    "pages"));
	EXPECT_VMV(bin_matches_text((uintptr_t)p, (uintptr_t)p + n * VMV_PAGE,
				    "runs"));
}

TEST_HARNESS_MAIN
