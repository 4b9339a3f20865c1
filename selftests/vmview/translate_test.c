// SPDX-License-Identifier: GPL-2.0
/*
 * vmview `translate`: the walk of one address, level by level.  Oracles:
 * the address bits themselves (indices), pagemap (frame, swap entry),
 * `layout` (page_offset_base, pgd_phys), `pages` (frame) and the bytes the
 * test wrote (through its own memory or /proc/PID/mem).
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define ENTRY_NX	(1ULL << 63)
/* The bits the MMU uses in an entry that points to a table. */
#define TABLE_FLAGS	(VMV_F_PRESENT | VMV_F_WRITE | VMV_F_USER | \
			 VMV_F_ACCESSED | VMV_F_NX | VMV_F_PWT | VMV_F_PCD)

/* The index the MMU uses for @va at @level. */
static uint64_t level_index(uint64_t va, int level, int levels)
{
	static const int shift[] = {
		[VMV_L_PTE] = 12, [VMV_L_PMD] = 21, [VMV_L_PUD] = 30,
		[VMV_L_P4D] = 39, [VMV_L_PGD] = 39,
	};
	int s = shift[level];

	if (level == VMV_L_PGD && levels == 5)
		s = 48;
	return (va >> s) & 511;
}

/*
 * A level line's letters must be its own entry's bits.  A non-present
 * entry (empty, swap) can only carry S and F.
 */
static int own_bits_agree(const struct vmv_xlevel *lv)
{
	static const struct { unsigned int flag; int bit; } map[] = {
		{ VMV_F_PRESENT, 0 }, { VMV_F_WRITE, 1 }, { VMV_F_USER, 2 },
		{ VMV_F_ACCESSED, 5 }, { VMV_F_NX, 63 },
	};
	size_t i;

	if (!(lv->entry & 1)) {
		if (lv->flags & ~(VMV_F_SOFT_DIRTY | VMV_F_UFFD_WP))
			return vmv_fail("non-present entry 0x%llx with flags",
					(unsigned long long)lv->entry);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!!(lv->flags & map[i].flag) != !!(lv->entry >> map[i].bit & 1))
			return vmv_fail("entry 0x%llx: flag %c disagrees with bit %d",
					(unsigned long long)lv->entry,
					VMV_FLAG_LETTERS[__builtin_ctz(map[i].flag)],
					map[i].bit);
	return 0;
}

/*
 * The level lines of a walk that reached @last: every level from pgd down
 * in order, p4d folded on 4-level paging, indices from the address.  A
 * walk that stops at an empty pgd on 4-level paging may or may not print
 * the folded p4d after it.
 */
static int check_levels(const struct vmv_xlate *x, uint64_t va, int last)
{
	int levels = vmv_expected_levels();
	int lvl, i = 0;

	for (lvl = VMV_L_PGD; lvl >= last; lvl--, i++) {
		const struct vmv_xlevel *lv = &x->lvl[lvl];

		if (i >= x->nlvl || x->order[i] != lvl)
			return vmv_fail("level %s missing or out of order",
					vmv_level_names[lvl]);
		if (lvl == VMV_L_P4D && levels == 4) {
			if (!lv->folded)
				return vmv_fail("p4d not folded on 4-level paging");
			continue;
		}
		if (lv->folded)
			return vmv_fail("%s folded", vmv_level_names[lvl]);
		if (lv->index != level_index(va, lvl, levels))
			return vmv_fail("%s index %llu, address says %llu",
					vmv_level_names[lvl],
					(unsigned long long)lv->index,
					(unsigned long long)level_index(va, lvl, levels));
		if (own_bits_agree(lv))
			return -1;
		if (lvl > last && (lv->flags & ~TABLE_FLAGS))
			return vmv_fail("%s table entry shows bits the MMU ignores",
					vmv_level_names[lvl]);
	}
	if (i < x->nlvl && x->order[i] == VMV_L_P4D && x->lvl[VMV_L_P4D].folded)
		i++;
	if (i != x->nlvl)
		return vmv_fail("%d level lines, expected %d", x->nlvl, i);
	return 0;
}

/* The last level the walk really visited (a folded p4d does not count). */
static int last_level(const struct vmv_xlate *x)
{
	int i;

	for (i = x->nlvl - 1; i >= 0; i--)
		if (!x->lvl[x->order[i]].folded)
			return x->order[i];
	return 0;
}

static uint64_t page_offset_base(void)
{
	struct vmv_layout l;

	if (vmv_get_layout(0, &l))
		return 0;
	return l.page_offset_base;
}

/* Leaf result checks shared by every present page. */
static int check_leaf_result(const struct vmv_xlate *x, pid_t pid,
			     uint64_t va)
{
	uint64_t ent = pagemap_get(pid, va);
	uint64_t phys = (pagemap_pfn(ent) << 12) | (va & 0xfff);

	if (!(ent & PM_PRESENT))
		return vmv_fail("pagemap says 0x%llx is not present",
				(unsigned long long)va);
	if (strcmp(x->stop, "leaf") || !x->has_pfn)
		return vmv_fail("stop=%s, expected leaf with pfn", x->stop);
	if (x->phys != phys)
		return vmv_fail("phys 0x%llx, pagemap says 0x%llx",
				(unsigned long long)x->phys,
				(unsigned long long)phys);
	if (x->directmap != page_offset_base() + phys)
		return vmv_fail("directmap 0x%llx != page_offset_base + phys",
				(unsigned long long)x->directmap);
	if (!(x->flags & VMV_F_PRESENT) || !(x->flags & VMV_F_USER))
		return vmv_fail("leaf without P or U");
	return 0;
}

static void fill_pattern(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 37 + seed);
}

TEST(written_page_walk)
{
	char *p = vmv_mmap_small(1);
	uint64_t va = (uintptr_t)p + 0x7c0, ent;
	struct vmv_layout lay;
	struct vmv_xlate x;
	struct vmv_pages pg;
	const struct vmv_xlevel *pte;

	ASSERT_NE(NULL, p);
	fill_pattern((unsigned char *)va, 64, 11);
	ASSERT_VMV(vmv_get_layout(getpid(), &lay));
	ASSERT_VMV(vmv_get_translate(getpid(), va, 64, &x));

	EXPECT_EQ(vmv_expected_levels(), x.ver.levels);
	EXPECT_EQ(getpid(), x.ver.pid);
	EXPECT_EQ(va, x.ver.addr);
	EXPECT_EQ(va, x.va);
	EXPECT_EQ(va >> 12, x.vpn);
	EXPECT_EQ(va & 0xfff, x.offset);
	EXPECT_EQ(lay.pgd_phys, x.pgd_phys);
	EXPECT_VMV(check_levels(&x, va, VMV_L_PTE));

	EXPECT_STREQ("leaf", x.stop);
	EXPECT_EQ(VMV_L_PTE, x.stop_level);
	EXPECT_EQ(VMV_T_PAGE, x.type);
	EXPECT_EQ(VMV_SRC_ANON, x.src);
	EXPECT_EQ(1ULL, x.pages);
	EXPECT_VMV(check_leaf_result(&x, 0, va));
	ent = pagemap_get(0, va);
	EXPECT_EQ(pagemap_pfn(ent), x.pfn);
	EXPECT_EQ(lay.page_offset_base + (x.pfn << 12) + 0x7c0, x.directmap);
	EXPECT_EQ(VMV_F_WRITE | VMV_F_DIRTY | VMV_F_NX,
		  x.flags & (VMV_F_WRITE | VMV_F_DIRTY | VMV_F_NX));

	pte = &x.lvl[VMV_L_PTE];
	EXPECT_EQ(x.pfn, (pte->entry & PTE_PFN_MASK) >> 12);

	ASSERT_VMV(vmv_get_pages(getpid(), va & ~0xfffULL, (va & ~0xfffULL) + VMV_PAGE,
				 "pages", &pg));
	ASSERT_EQ((size_t)1, pg.n);
	EXPECT_EQ(pg.v[0].pfn, x.pfn);
	vmv_pages_free(&pg);

	ASSERT_EQ(64, x.nbytes);
	EXPECT_EQ(0, memcmp(x.bytes, (void *)va, 64));
	munmap(p, VMV_PAGE);
}

TEST(bytes_256_and_over_writes)
{
	unsigned char *p = (unsigned char *)vmv_mmap_small(1);
	struct vmv_xlate x;

	ASSERT_NE(NULL, p);
	fill_pattern(p, VMV_PAGE, 3);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 0x100, 256, &x));
	ASSERT_EQ(256, x.nbytes);
	EXPECT_EQ(0, memcmp(x.bytes, p + 0x100, 256));

	/* The bytes follow the memory, not a stale copy. */
	fill_pattern(p, VMV_PAGE, 99);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 0x100, 16, &x));
	ASSERT_EQ(16, x.nbytes);
	EXPECT_EQ(0, memcmp(x.bytes, p + 0x100, 16));
	munmap(p, VMV_PAGE);
}

/* Never-touched page: stop=none at pmd (no table) or pte (empty entry). */
TEST(untouched_is_none)
{
	char *p = vmv_mmap_small(4);
	struct vmv_xlate x;
	const struct vmv_xlevel *last;
	unsigned int i;

	ASSERT_NE(NULL, p);
	for (i = 0; i < 2; i++) {
		if (i == 1)
			p[0] = 1;	/* now the pte table exists */
		ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 2 * VMV_PAGE,
					     64, &x));
		EXPECT_STREQ("none", x.stop);
		EXPECT_FALSE(x.has_pfn);
		EXPECT_EQ(-1, x.nbytes);
		ASSERT_LT(0, last_level(&x));
		EXPECT_EQ(last_level(&x), x.stop_level);
		last = &x.lvl[last_level(&x)];
		EXPECT_EQ(0ULL, last->entry & 1) TH_LOG("last entry is present");
		EXPECT_VMV(check_levels(&x, (uintptr_t)p + 2 * VMV_PAGE,
					last_level(&x)));
		if (i == 1)
			EXPECT_EQ(VMV_L_PTE, x.stop_level);
	}
	munmap(p, 4 * VMV_PAGE);
}

TEST(unmapped_is_novma)
{
	char *p = vmv_mmap_small(3);
	struct vmv_xlate x;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 3);
	ASSERT_EQ(0, munmap(p + VMV_PAGE, VMV_PAGE));
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + VMV_PAGE + 8, 64, &x));
	EXPECT_STREQ("novma", x.stop);
	EXPECT_FALSE(x.has_pfn);
	EXPECT_EQ(-1, x.nbytes);
	munmap(p, 3 * VMV_PAGE);
}

TEST(swapped_is_swap)
{
	char *p = vmv_mmap_small(4);
	struct vmv_xlate x;
	uint64_t ent, va;

	if (!vmv_swap_active())
		SKIP(return, "no active swap in /proc/swaps");
	ASSERT_NE(NULL, p);
	memset(p, 0x6b, 4 * VMV_PAGE);
	va = (uintptr_t)p + VMV_PAGE;
	if (vmv_pageout(p + VMV_PAGE, VMV_PAGE, 20) != 1)
		SKIP(return, "MADV_PAGEOUT did not swap the page out");
	ent = pagemap_get(0, va);
	ASSERT_TRUE(!!(ent & PM_SWAP));
	ASSERT_VMV(vmv_get_translate(getpid(), va + 0x10, 64, &x));
	EXPECT_STREQ("swap", x.stop);
	EXPECT_EQ(VMV_L_PTE, x.stop_level);
	EXPECT_VMV(check_levels(&x, va, VMV_L_PTE));
	ASSERT_TRUE(x.has_swap);
	EXPECT_EQ(PM_SWAP_TYPE(ent), x.swap_type);
	EXPECT_EQ(PM_SWAP_OFF(ent), x.swap_off);
	EXPECT_FALSE(x.has_pfn);
	EXPECT_EQ(-1, x.nbytes);
	EXPECT_EQ(0x6b, p[VMV_PAGE + 0x10]);
	munmap(p, 4 * VMV_PAGE);
}

TEST(zero_page_leaf)
{
	char *p = vmv_mmap_small(1);
	struct vmv_xlate x;
	unsigned char zero[64] = { 0 };

	ASSERT_NE(NULL, p);
	vmv_touch_read(p);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 0x40, 64, &x));
	EXPECT_VMV(check_leaf_result(&x, 0, (uintptr_t)p + 0x40));
	EXPECT_EQ(VMV_T_ZERO, x.type);
	EXPECT_EQ(0U, x.flags & VMV_F_WRITE);
	ASSERT_EQ(64, x.nbytes);
	EXPECT_EQ(0, memcmp(zero, x.bytes, 64));
	munmap(p, VMV_PAGE);
}

TEST(file_page_leaf)
{
	char path[128];
	struct vmv_xlate x;
	char *p;
	int fd;

	fd = vmv_tempfile(path, sizeof(path), 4);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * VMV_PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(4, p[3 * VMV_PAGE]);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 3 * VMV_PAGE + 0x20,
				     32, &x));
	EXPECT_VMV(check_leaf_result(&x, 0, (uintptr_t)p + 3 * VMV_PAGE + 0x20));
	EXPECT_EQ(VMV_T_PAGE, x.type);
	EXPECT_EQ(VMV_SRC_FILE, x.src);
	EXPECT_EQ(0U, x.flags & VMV_F_WRITE);
	ASSERT_EQ(32, x.nbytes);
	EXPECT_EQ(0, memcmp(p + 3 * VMV_PAGE + 0x20, x.bytes, 32));
	munmap(p, 4 * VMV_PAGE);
	close(fd);
	unlink(path);
}

TEST(thp_leaf_at_pmd)
{
	uint64_t va, ent, head;
	struct vmv_xlate x;
	char *p;

	if (vmv_thp_never())
		SKIP(return, "transparent hugepages disabled");
	p = vmv_mmap_aligned(VMV_PMD_SIZE, VMV_PMD_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	madvise(p, VMV_PMD_SIZE, MADV_HUGEPAGE);
	va = (uintptr_t)p + 0x123456;
	fill_pattern((unsigned char *)va, 64, 5);
	head = pagemap_pfn(pagemap_get(0, (uintptr_t)p));
	ent = pagemap_get(0, va);
	if (pagemap_pfn(ent) != head + (0x123456 >> 12) || head % 512)
		SKIP(return, "the region did not get a THP");
	ASSERT_VMV(vmv_get_translate(getpid(), va, 64, &x));
	EXPECT_STREQ("leaf", x.stop);
	EXPECT_EQ(VMV_L_PMD, x.stop_level);
	EXPECT_VMV(check_levels(&x, va, VMV_L_PMD));
	EXPECT_VMV(check_leaf_result(&x, 0, va));
	/* pfn= is the frame of the leaf's first page. */
	EXPECT_EQ(head, x.pfn);
	EXPECT_EQ(512ULL, x.pages);
	ASSERT_EQ(64, x.nbytes);
	EXPECT_EQ(0, memcmp((void *)va, x.bytes, 64));

	/* bytes= stops at the end of the leaf: 32 bytes before 2 MiB. */
	va = (uintptr_t)p + VMV_PMD_SIZE - 32;
	fill_pattern((unsigned char *)va, 32, 8);
	ASSERT_VMV(vmv_get_translate(getpid(), va, 256, &x));
	ASSERT_EQ(32, x.nbytes);
	EXPECT_EQ(0, memcmp((void *)va, x.bytes, 32));
	munmap(p, VMV_PMD_SIZE);
}

TEST(hugetlb_leaf_at_pmd)
{
	struct vmv_xlate x;
	uint64_t va;
	char *p;

	if (vmv_read_long("/proc/sys/vm/nr_hugepages") <= 0)
		SKIP(return, "no hugetlb pages reserved");
	p = mmap(NULL, VMV_PMD_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		SKIP(return, "MAP_HUGETLB failed: %s", strerror(errno));
	va = (uintptr_t)p + 0x1ff000 + 0xf00;
	fill_pattern((unsigned char *)va, 64, 77);
	ASSERT_VMV(vmv_get_translate(getpid(), va, 64, &x));
	EXPECT_STREQ("leaf", x.stop);
	EXPECT_EQ(VMV_L_PMD, x.stop_level);
	EXPECT_VMV(check_levels(&x, va, VMV_L_PMD));
	EXPECT_VMV(check_leaf_result(&x, 0, va));
	EXPECT_EQ(512ULL, x.pages);
	EXPECT_EQ(pagemap_pfn(pagemap_get(0, (uintptr_t)p)), x.pfn);
	ASSERT_EQ(64, x.nbytes);
	EXPECT_EQ(0, memcmp((void *)va, x.bytes, 64));
	munmap(p, VMV_PMD_SIZE);
}

/* Another process: bytes against /proc/PID/mem, frame against its pagemap. */
TEST(other_process)
{
	unsigned char mem[128];
	struct vmv_xlate x;
	int rdy[2], fd;
	uint64_t va;
	pid_t pid;
	char path[64];

	ASSERT_EQ(0, pipe(rdy));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *c = (unsigned char *)vmv_mmap_small(1);

		if (!c)
			_exit(1);
		fill_pattern(c, VMV_PAGE, (unsigned int)getpid());
		va = (uintptr_t)c + 0x200;
		if (write(rdy[1], &va, sizeof(va)) != sizeof(va))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(va), read(rdy[0], &va, sizeof(va)));
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(mem), pread(fd, mem, sizeof(mem), (off_t)va));
	close(fd);

	ASSERT_VMV(vmv_get_translate(pid, va, 128, &x));
	EXPECT_EQ(pid, x.ver.pid);
	EXPECT_VMV(check_levels(&x, va, VMV_L_PTE));
	EXPECT_VMV(check_leaf_result(&x, pid, va));
	EXPECT_EQ(pagemap_pfn(pagemap_get(pid, va)), x.pfn);
	ASSERT_EQ(128, x.nbytes);
	EXPECT_EQ(0, memcmp(mem, x.bytes, 128));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* bytes= stops at the end of a 4 KiB leaf; the next frame is not shown. */
TEST(bytes_stop_at_leaf_end)
{
	unsigned char *p = (unsigned char *)vmv_mmap_small(2);
	struct vmv_xlate x;

	ASSERT_NE(NULL, p);
	fill_pattern(p, 2 * VMV_PAGE, 21);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 0xfc0, 256, &x));
	ASSERT_EQ(64, x.nbytes);
	EXPECT_EQ(0, memcmp(p + 0xfc0, x.bytes, 64));
	munmap(p, 2 * VMV_PAGE);
}

/*
 * Our own code: executable.  Under PTI the kernel copy of the top level
 * has NX on user addresses; the user copy (user=) does not, and it is the
 * one that counts.
 */
TEST(code_page_executable)
{
	uint64_t va = (uintptr_t)&vmv_mmap_small;
	const struct vmv_xlevel *pgd;
	struct vmv_xlate x;

	ASSERT_VMV(vmv_get_translate(getpid(), va, 16, &x));
	EXPECT_VMV(check_leaf_result(&x, 0, va));
	EXPECT_EQ(VMV_SRC_FILE, x.src);
	EXPECT_EQ(0U, x.flags & (VMV_F_NX | VMV_F_WRITE))
		TH_LOG("text page shown NX or writable");
	ASSERT_EQ(16, x.nbytes);
	EXPECT_EQ(0, memcmp((void *)va, x.bytes, 16));
	pgd = &x.lvl[VMV_L_PGD];
	if (x.ver.pti == 1) {
		ASSERT_TRUE(pgd->has_user) TH_LOG("PTI on, no user= on pgd");
		EXPECT_EQ(pgd->entry & ~ENTRY_NX, pgd->user);
		EXPECT_EQ(0ULL, pgd->user & ENTRY_NX);
	} else {
		EXPECT_FALSE(pgd->has_user);
	}
}

/* A secretmem frame is not in the direct map: bytes=0 unreadable=1. */
TEST(secretmem_unreadable)
{
	struct vmv_xlate x;
	char *p;
	int fd;

	fd = syscall(447 /* memfd_secret */, 0);
	if (fd < 0)
		SKIP(return, "memfd_secret: %s (boot with secretmem.enable=1)",
		     strerror(errno));
	ASSERT_EQ(0, ftruncate(fd, VMV_PAGE));
	p = mmap(NULL, VMV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		SKIP(return, "mmap of secretmem: %s", strerror(errno));
	memset(p, 0x5c, 64);
	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p, 64, &x));
	EXPECT_STREQ("leaf", x.stop);
	EXPECT_EQ(pagemap_pfn(pagemap_get(0, (uintptr_t)p)), x.pfn);
	EXPECT_EQ(0, x.nbytes);
	EXPECT_TRUE(x.unreadable);
	munmap(p, VMV_PAGE);
	close(fd);
}

TEST_HARNESS_MAIN
