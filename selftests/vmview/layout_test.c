// SPDX-License-Identifier: GPL-2.0
/*
 * vmview `layout` and `kernel`.  Oracles: /proc/cpuinfo (la57, pti),
 * /proc/cmdline (nokaslr), the fixed x86-64 bases of
 * Documentation/x86/x86_64/mm.rst, and
 * pagemap for the frame of a page the test owns.
 */
#include "kselftest_harness.h"
#include "vmview_test.h"

/* The documented region order; a layout may leave some out. */
static const char *const region_order[] = {
	"user", "noncanonical", "guard_hole", "ldt_remap", "direct_map",
	"vmalloc", "vmemmap", "kasan_shadow", "cpu_entry_area", "espfix",
	"efi", "kernel_text", "modules", "fixmap",
};

static const char *const required_regions[] = {
	"user", "direct_map", "vmalloc", "vmemmap", "kernel_text", "modules",
	"fixmap",
};

static int region_rank(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(region_order); i++)
		if (!strcmp(region_order[i], name))
			return (int)i;
	return -1;
}

/* Regions: known names, documented order, ascending, non-overlapping. */
static int check_regions(const struct vmv_region *r, int nr)
{
	int i, rank, last = -1;

	for (i = 0; i < nr; i++) {
		rank = region_rank(r[i].name);
		if (rank < 0)
			return vmv_fail("unknown region %s", r[i].name);
		if (rank <= last)
			return vmv_fail("region %s out of documented order",
					r[i].name);
		last = rank;
		if (r[i].start > r[i].end)
			return vmv_fail("region %s ends before it starts",
					r[i].name);
		if (i && r[i - 1].end > r[i].start)
			return vmv_fail("region %s overlaps %s", r[i].name,
					r[i - 1].name);
	}
	return 0;
}

/* X86_FEATURE_PTI shows as "pti" in the cpuinfo flags (also for pti=on). */
static bool pti_active(void)
{
	return vmv_file_has_word("/proc/cpuinfo", "pti");
}

static bool kernel_half(uint64_t a, int levels)
{
	return a >= (levels == 5 ? 0xff00000000000000ULL : 0xffff800000000000ULL);
}

TEST(levels_match_cpu)
{
	struct vmv_layout l;
	struct vmv_buf b = { 0 };
	struct vmv_ver v;
	int levels = vmv_expected_levels();

	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_EQ(levels, l.ver.levels) TH_LOG("la57 in cpuinfo: %d", vmv_la57());
	ASSERT_EQ(0, vmv_query("kernel", &b, NULL));
	ASSERT_VMV(vmv_parse_version(b.data, "kernel", &v));
	EXPECT_EQ(levels, v.levels);
	ASSERT_EQ(0, vmv_query("pages", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_version(b.data, "pages", &v));
	EXPECT_EQ(levels, v.levels);
	vmv_buf_free(&b);
}

/* Only the documented lines: bases, regions, target. */
TEST(only_documented_lines)
{
	struct vmv_layout l;

	ASSERT_VMV(vmv_get_layout(getpid(), &l));
	EXPECT_EQ(0, l.nunknown) TH_LOG("undocumented line '%s'", l.unknown);
}

/* The vsyscall page sits at its fixed ABI address, inside fixmap. */
TEST(vsyscall_in_fixmap)
{
	const struct vmv_region *fx;
	struct vmv_layout l;

	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_EQ(0xffffffffff600000ULL, l.vsyscall);
	fx = vmv_region(&l, "fixmap");
	ASSERT_NE(NULL, fx);
	EXPECT_LE(fx->start, l.vsyscall);
	EXPECT_GT(fx->end, l.vsyscall);
}

/* Start of the "Kernel code" resource in /proc/iomem (root sees it). */
static uint64_t iomem_kernel_code(void)
{
	static char buf[1 << 16];
	const char *pos = buf;
	char line[256];
	unsigned long long s;

	if (vmv_slurp("/proc/iomem", buf, sizeof(buf)) <= 0)
		return 0;
	while (vmv_next_line(&pos, line, sizeof(line)))
		if (strstr(line, " : Kernel code") &&
		    sscanf(line, " %llx-", &s) == 1)
			return s;
	return 0;
}

TEST(kernel_phys_matches_iomem)
{
	struct vmv_layout l;
	uint64_t code = iomem_kernel_code();

	ASSERT_NE(0ULL, code) TH_LOG("no Kernel code in /proc/iomem");
	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_EQ(code, l.kernel_phys);
	EXPECT_EQ(0ULL, l.kernel_phys & 0x1fffff) TH_LOG("not 2 MiB aligned");
}

TEST(task_size_and_user_region)
{
	struct vmv_layout l;
	const struct vmv_region *u;

	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_EQ(vmv_expected_task_size(), l.task_size);
	u = vmv_region(&l, "user");
	ASSERT_NE(NULL, u);
	EXPECT_EQ(0ULL, u->start);
	EXPECT_LE(l.task_size, u->end);
	EXPECT_GE(l.task_size + VMV_PAGE, u->end);
}

static int check_required(const struct vmv_layout *l)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(required_regions); i++)
		if (!vmv_region(l, required_regions[i]))
			return vmv_fail("no region %s", required_regions[i]);
	return 0;
}

TEST(regions_ordered)
{
	struct vmv_layout l;

	ASSERT_VMV(vmv_get_layout(0, &l));
	EXPECT_VMV(check_regions(l.r, l.nr));
	EXPECT_VMV(check_required(&l));
}

TEST(bases_start_their_regions)
{
	struct vmv_layout l;
	const struct vmv_region *r;

	ASSERT_VMV(vmv_get_layout(0, &l));
	r = vmv_region(&l, "direct_map");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(l.page_offset_base, r->start);
	r = vmv_region(&l, "vmalloc");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(l.vmalloc_base, r->start);
	r = vmv_region(&l, "vmemmap");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(l.vmemmap_base, r->start);
	EXPECT_TRUE(kernel_half(l.page_offset_base, l.ver.levels));
}

TEST(nokaslr_fixed_bases)
{
	struct vmv_layout l;
	const struct vmv_region *t;
	bool five;

	if (!vmv_cmdline_has("nokaslr"))
		SKIP(return, "nokaslr not on the kernel command line");
	ASSERT_VMV(vmv_get_layout(0, &l));
	five = l.ver.levels == 5;
	EXPECT_EQ(five ? 0xff11000000000000ULL : 0xffff888000000000ULL,
		  l.page_offset_base);
	EXPECT_EQ(five ? 0xffa0000000000000ULL : 0xffffc90000000000ULL,
		  l.vmalloc_base);
	EXPECT_EQ(five ? 0xffd4000000000000ULL : 0xffffea0000000000ULL,
		  l.vmemmap_base);
	t = vmv_region(&l, "kernel_text");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0xffffffff81000000ULL, t->start);
}

TEST(target_pgd)
{
	struct vmv_layout l, lc;
	struct vmv_xlate x;
	char *p = vmv_mmap_small(1);
	pid_t pid;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	ASSERT_VMV(vmv_get_layout(getpid(), &l));
	ASSERT_TRUE(l.has_target);
	EXPECT_EQ(getpid(), l.target_pid);
	EXPECT_NE(0ULL, l.pgd_phys);
	EXPECT_EQ(0ULL, l.pgd_phys & 0xfff);
	EXPECT_EQ(pti_active(), l.ver.pti == 1);
	if (l.ver.pti == 1) {
		ASSERT_TRUE(l.has_user_pgd);
		EXPECT_EQ(l.pgd_phys | 0x1000, l.user_pgd_phys);
	}
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p, 0, &x));
	EXPECT_EQ(l.pgd_phys, x.pgd_phys);
	EXPECT_EQ(l.ver.pti, x.ver.pti);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ASSERT_VMV(vmv_get_layout(pid, &lc));
	EXPECT_EQ(pid, lc.target_pid);
	EXPECT_NE(l.pgd_phys, lc.pgd_phys);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	munmap(p, VMV_PAGE);
}

static const struct vmv_kline *kline_at(const struct vmv_kernel *k,
					uint64_t a)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (a >= k->v[i].start && a < k->v[i].end)
			return &k->v[i];
	return NULL;
}

static int kregion(const struct vmv_kernel *k, const char *name)
{
	int i;

	for (i = 0; i < k->nr; i++)
		if (!strcmp(k->r[i].name, name))
			return i;
	return -1;
}

/* End of the last mapping in region @ri of `kernel`. */
static uint64_t last_end_in(const struct vmv_kernel *k, int ri)
{
	uint64_t end = 0;
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].region == ri)
			end = k->v[i].end;
	return end;
}

static unsigned int lines_in(const struct vmv_kernel *k, int ri)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < k->n; i++)
		n += k->v[i].region == ri;
	return n;
}

static uint64_t first_start_in(const struct vmv_kernel *k, int ri)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].region == ri)
			return k->v[i].start;
	return 0;
}

/* kernel_text spans the image's mappings, in `layout` and `kernel`. */
TEST(kernel_text_spans_mappings)
{
	struct vmv_buf b = { 0 };
	const struct vmv_region *t;
	struct vmv_layout l;
	struct vmv_kernel k;
	int kt;

	ASSERT_VMV(vmv_get_layout(0, &l));
	t = vmv_region(&l, "kernel_text");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, vmv_query("kernel", &b, NULL));
	ASSERT_VMV(vmv_parse_kernel(b.data, &k));
	kt = kregion(&k, "kernel_text");
	ASSERT_LE(0, kt);
	EXPECT_EQ(t->start, k.r[kt].start);
	EXPECT_EQ(t->end, k.r[kt].end);
	EXPECT_EQ(t->start, first_start_in(&k, kt));
	EXPECT_EQ(t->end, last_end_in(&k, kt));
	vmv_kernel_free(&k);
	vmv_buf_free(&b);
}

/* The direct-map alias of a page we own is mapped P, W, NX, not U. */
TEST(kernel_direct_map_covers_own_page)
{
	const unsigned int want = VMV_F_PRESENT | VMV_F_WRITE | VMV_F_NX;
	char *p = vmv_mmap_small(1);
	struct vmv_buf b = { 0 };
	const struct vmv_kline *kl;
	struct vmv_layout l;
	struct vmv_kernel k;
	uint64_t ent, alias;
	int dm;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	ent = pagemap_get(0, (uintptr_t)p);
	ASSERT_TRUE(!!(ent & PM_PRESENT));
	ASSERT_VMV(vmv_get_layout(0, &l));
	alias = l.page_offset_base + (pagemap_pfn(ent) << 12);

	ASSERT_EQ(0, vmv_query("kernel", &b, NULL));
	ASSERT_VMV(vmv_parse_kernel(b.data, &k));
	EXPECT_EQ(vmv_expected_levels(), k.ver.levels);
	EXPECT_VMV(check_regions(k.r, k.nr));
	dm = kregion(&k, "direct_map");
	ASSERT_LE(0, dm) TH_LOG("no region direct_map in kernel");
	EXPECT_EQ(l.page_offset_base, k.r[dm].start);

	/* direct_map ends where its last mapping ends. */
	EXPECT_EQ(l.page_offset_base, k.r[dm].start);
	EXPECT_EQ(vmv_region(&l, "direct_map")->end, last_end_in(&k, dm));
	ASSERT_NE(NULL, vmv_region(&l, "vmemmap"));
	ASSERT_LE(0, kregion(&k, "vmemmap"));
	EXPECT_EQ(vmv_region(&l, "vmemmap")->end,
		  last_end_in(&k, kregion(&k, "vmemmap")));

	kl = kline_at(&k, alias);
	ASSERT_NE(NULL, kl) TH_LOG("alias 0x%llx not mapped",
				   (unsigned long long)alias);
	EXPECT_EQ(want, kl->flags & want);
	EXPECT_EQ(0U, kl->flags & VMV_F_USER);
	EXPECT_EQ(dm, kl->region);
	vmv_kernel_free(&k);
	vmv_buf_free(&b);
	munmap(p, VMV_PAGE);
}

TEST(kernel_lines_in_kernel_half)
{
	struct vmv_buf b = { 0 };
	struct vmv_kernel k;
	bool text_exec = false;
	int kt;
	size_t i;

	ASSERT_EQ(0, vmv_query("kernel", &b, NULL));
	ASSERT_VMV(vmv_parse_kernel(b.data, &k));
	ASSERT_LT((size_t)0, k.n);
	kt = kregion(&k, "kernel_text");
	ASSERT_LE(0, kt);
	for (i = 0; i < k.n; i++) {
		EXPECT_TRUE(kernel_half(k.v[i].start, k.ver.levels))
			TH_LOG("line at 0x%llx", (unsigned long long)k.v[i].start);
		if (k.v[i].region == kt && (k.v[i].flags & VMV_F_PRESENT) &&
		    !(k.v[i].flags & VMV_F_NX))
			text_exec = true;
	}
	EXPECT_TRUE(text_exec) TH_LOG("no executable mapping in kernel_text");
	EXPECT_GE(16U, lines_in(&k, kregion(&k, "espfix")));
	vmv_kernel_free(&k);
	vmv_buf_free(&b);
}

/* `kernel` takes no requests; it is read-only (0400). */
TEST(kernel_is_read_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(VMV_DIR_PATH "/kernel", &st));
	EXPECT_EQ(0400U, st.st_mode & 0777);
	ASSERT_EQ(0, stat(VMV_DIR_PATH "/pages", &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
}

TEST_HARNESS_MAIN
