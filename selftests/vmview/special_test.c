// SPDX-License-Identifier: GPL-2.0
/*
 * vmview on the less common leaves: userfaultfd write protection (the F
 * flag on present pages, uffd-wp markers on unpopulated shmem), hwpoison
 * entries, and pfnmap pages ([vvar], /dev/mem).  Oracles: pagemap (uffd-wp
 * bit, PFN, the frame a pfn swap entry names), the /dev/mem offset, and
 * what the test did.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

static int uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd, err;

	fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int uffd_register_wp(int fd, void *p, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	return ioctl(fd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

static int uffd_protect(int fd, void *p, size_t len, bool on)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(fd, UFFDIO_WRITEPROTECT, &wp) ? -errno : 0;
}

/* F on every page of [p, p + n pages) against pagemap's uffd-wp bit. */
static int uffd_bits_agree(char *p, size_t n, bool want)
{
	const struct vmv_leaf *l;
	struct vmv_pages pg;
	uint64_t ent, va;
	size_t i;
	int ret = 0;

	if (vmv_get_pages(getpid(), (uintptr_t)p, (uintptr_t)p + n * VMV_PAGE,
			  "pages", &pg))
		return -1;
	for (i = 0; i < n && !ret; i++) {
		va = (uintptr_t)p + i * VMV_PAGE;
		ent = pagemap_get(0, va);
		l = vmv_leaf_at(&pg, va);
		if (!l)
			ret = vmv_fail("page %zu: no record", i);
		else if (!!(ent & PM_UFFD_WP) != want ||
			 !!(l->flags & VMV_F_UFFD_WP) != want)
			ret = vmv_fail("page %zu: pagemap uffd-wp %d, F %d, want %d",
				       i, !!(ent & PM_UFFD_WP),
				       !!(l->flags & VMV_F_UFFD_WP), want);
		else if (want && (l->flags & VMV_F_WRITE))
			ret = vmv_fail("page %zu: write-protected but W", i);
	}
	vmv_pages_free(&pg);
	return ret;
}

/* Write-protected present anonymous pages carry F and lose W. */
TEST(uffd_wp_flag)
{
	const size_t n = 4;
	char *p = vmv_mmap_small(n);
	int fd;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, n);
	fd = uffd_open(0);
	if (fd < 0)
		SKIP(return, "userfaultfd: %s", strerror(-fd));
	if (uffd_register_wp(fd, p, n * VMV_PAGE))
		SKIP(return, "UFFDIO_REGISTER_MODE_WP not supported");
	ASSERT_EQ(0, uffd_protect(fd, p, n * VMV_PAGE, true));
	EXPECT_VMV(uffd_bits_agree(p, n, true));
	ASSERT_EQ(0, uffd_protect(fd, p, n * VMV_PAGE, false));
	EXPECT_VMV(uffd_bits_agree(p, n, false));
	close(fd);
	munmap(p, n * VMV_PAGE);
}

/* Write-protecting unpopulated shmem installs uffd-wp markers. */
TEST(uffd_wp_marker)
{
	const size_t n = 4;
	struct vmv_pages pg;
	char path[128], *p;
	unsigned int i;
	uint64_t ent;
	int fd, ufd;

	fd = vmv_tempfile(path, sizeof(path), n);
	ASSERT_LE(0, fd);
	unlink(path);
	p = mmap(NULL, n * VMV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ufd = uffd_open(UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	if (ufd < 0)
		SKIP(return, "userfaultfd with WP on shmem: %s", strerror(-ufd));
	if (uffd_register_wp(ufd, p, n * VMV_PAGE))
		SKIP(return, "WP registration of a shmem file failed");
	ASSERT_EQ(0, uffd_protect(ufd, p, n * VMV_PAGE, true));
	ent = pagemap_get(0, (uintptr_t)p);
	if (!(ent & PM_UFFD_WP))
		SKIP(return, "the kernel installed no uffd-wp marker");

	ASSERT_VMV(vmv_get_pages(getpid(), (uintptr_t)p,
				 (uintptr_t)p + n * VMV_PAGE, "pages", &pg));
	ASSERT_EQ(n, pg.n);
	for (i = 0; i < n; i++) {
		ent = pagemap_get(0, (uintptr_t)p + i * VMV_PAGE);
		EXPECT_TRUE(!!(ent & PM_UFFD_WP));
		EXPECT_EQ(VMV_T_MARKER, pg.v[i].type) TH_LOG("page %u", i);
		EXPECT_EQ(VMV_F_UFFD_WP, pg.v[i].flags);
		EXPECT_FALSE(pg.v[i].has_pfn);
	}
	vmv_pages_free(&pg);
	{
		struct vmv_buf b = { 0 };

		ASSERT_EQ(0, vmv_query("pages", &b, "pid=%d start=0x%lx end=0x%lx",
				       getpid(), (unsigned long)p,
				       (unsigned long)p + VMV_PAGE));
		EXPECT_NE(NULL, strstr(b.data, " marker=uffd-wp")) TH_LOG("%s", b.data);
		vmv_buf_free(&b);
	}
	close(ufd);
	munmap(p, n * VMV_PAGE);
	close(fd);
}

/* A poisoned anonymous page: a hwpoison entry naming the old frame. */
TEST(hwpoison_entry)
{
	char *p = vmv_mmap_small(2);
	struct vmv_pages pg;
	struct vmv_xlate x;
	uint64_t pfn, ent;

	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 2);
	pfn = pagemap_pfn(pagemap_get(0, (uintptr_t)p));
	ASSERT_NE(0ULL, pfn);
	if (madvise(p, VMV_PAGE, MADV_HWPOISON))
		SKIP(return, "MADV_HWPOISON: %s", strerror(errno));
	ent = pagemap_get(0, (uintptr_t)p);
	ASSERT_TRUE(!!(ent & PM_SWAP)) TH_LOG("pagemap 0x%llx",
					      (unsigned long long)ent);
	EXPECT_EQ(pfn, PM_SWAP_OFF(ent));

	ASSERT_VMV(vmv_get_pages(getpid(), (uintptr_t)p,
				 (uintptr_t)p + 2 * VMV_PAGE, "pages", &pg));
	ASSERT_EQ((size_t)2, pg.n);
	EXPECT_EQ(VMV_T_HWPOISON, pg.v[0].type);
	EXPECT_TRUE(pg.v[0].has_pfn);
	EXPECT_EQ(pfn, pg.v[0].pfn);
	EXPECT_EQ(0U, pg.v[0].flags & ~(VMV_F_SOFT_DIRTY | VMV_F_UFFD_WP));
	EXPECT_EQ(VMV_T_PAGE, pg.v[1].type);
	vmv_pages_free(&pg);

	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 8, 16, &x));
	EXPECT_STREQ("hwpoison", x.stop);
	EXPECT_EQ(pfn, x.pfn);
	EXPECT_EQ(-1, x.nbytes);
	/* Never touch p[0] again: it would raise SIGBUS. */
	munmap(p, 2 * VMV_PAGE);
}

/* The [vvar] range of /proc/self/maps. */
static int vvar_range(uint64_t *s, uint64_t *e)
{
	static char maps[1 << 16];
	const char *pos = maps;
	unsigned long long a, b;
	char line[512];

	if (vmv_slurp("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return -1;
	while (vmv_next_line(&pos, line, sizeof(line)))
		if (strstr(line, "[vvar]") && sscanf(line, "%llx-%llx", &a, &b) == 2) {
			*s = a;
			*e = b;
			return 0;
		}
	return -1;
}

/*
 * [vvar] is mapped by special PTEs: pfnmap records with X.  (pagemap skips
 * VM_PFNMAP VMAs, so it cannot say more; see devmem_is_pfnmap.)
 */
TEST(vvar_is_pfnmap)
{
	struct timespec ts;
	struct vmv_pages pg;
	uint64_t s, e;
	size_t i;

	if (vvar_range(&s, &e))
		SKIP(return, "no [vvar] mapping");
	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the vDSO reads [vvar] */
	ASSERT_VMV(vmv_get_pages(getpid(), s, e, "pages", &pg));
	ASSERT_LT((size_t)0, pg.n);
	for (i = 0; i < pg.n; i++) {
		EXPECT_EQ(VMV_T_PFNMAP, pg.v[i].type);
		EXPECT_EQ(VMV_F_SPECIAL | VMV_F_PRESENT,
			  pg.v[i].flags & (VMV_F_SPECIAL | VMV_F_PRESENT));
		EXPECT_EQ(0U, pg.v[i].flags & VMV_F_WRITE);
		EXPECT_TRUE(pg.v[i].has_pfn);
	}
	vmv_pages_free(&pg);
	(void)ts;
}

/*
 * /dev/mem at the BIOS area (below 1 MiB, not RAM: allowed even with
 * STRICT_DEVMEM) is a VM_PFNMAP mapping whose frame is the file offset.
 */
TEST(devmem_is_pfnmap)
{
	const off_t off = 0xf0000;
	struct vmv_buf b = { 0 };
	const struct vmv_vma *v;
	struct vmv_pages pg;
	struct vmv_vmas vm;
	struct vmv_xlate x;
	char *p;
	int fd;

	fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "/dev/mem: %s", strerror(errno));
	p = mmap(NULL, VMV_PAGE, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		SKIP(return, "mmap /dev/mem at 0x%lx: %s", (long)off, strerror(errno));
	vmv_touch_read(p);

	ASSERT_VMV(vmv_get_pages(getpid(), (uintptr_t)p, (uintptr_t)p + VMV_PAGE,
				 "pages", &pg));
	ASSERT_EQ((size_t)1, pg.n);
	EXPECT_EQ(VMV_T_PFNMAP, pg.v[0].type);
	EXPECT_EQ((uint64_t)off >> 12, pg.v[0].pfn);
	EXPECT_EQ(VMV_F_SPECIAL | VMV_F_PRESENT | VMV_F_USER,
		  pg.v[0].flags & (VMV_F_SPECIAL | VMV_F_PRESENT | VMV_F_USER |
				   VMV_F_WRITE));
	vmv_pages_free(&pg);

	ASSERT_VMV(vmv_get_translate(getpid(), (uintptr_t)p + 0x10, 16, &x));
	EXPECT_STREQ("leaf", x.stop);
	EXPECT_EQ(VMV_T_PFNMAP, x.type);
	EXPECT_EQ((uint64_t)off >> 12, x.pfn);
	EXPECT_EQ((uint64_t)off + 0x10, x.phys);
	EXPECT_EQ(-1, x.nbytes) TH_LOG("bytes are only for page and zero leaves");

	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));
	v = vmv_vma_at(&vm, (uintptr_t)p);
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("pfnmap", v->kind);
	vmv_vmas_free(&vm);
	vmv_buf_free(&b);
	munmap(p, VMV_PAGE);
	close(fd);
}

TEST_HARNESS_MAIN
