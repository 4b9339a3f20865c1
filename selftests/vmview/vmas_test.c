// SPDX-License-Identifier: GPL-2.0
/*
 * vmview `vmas`: one line per VMA.  Oracles: /proc/self/maps (ranges,
 * permissions, offsets, paths), pagemap (rss, swap) and the mappings the
 * test made itself (kinds, sizes, touched pages).
 */
#include <sys/auxv.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

struct maps_line {
	uint64_t start, end, off;
	char perms[8];
	char path[512];
};

/* One /proc/PID/maps line; the path may be empty or hold spaces. */
static int parse_maps_line(const char *line, struct maps_line *m)
{
	unsigned long long s, e, off;
	int n = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &s, &e, m->perms,
		   &off, &n) != 4 || !n)
		return vmv_fail("bad maps line '%s'", line);
	m->start = s;
	m->end = e;
	m->off = off;
	line += n;
	while (*line == ' ')
		line++;
	snprintf(m->path, sizeof(m->path), "%s", line);
	return 0;
}

/* The kind a maps line implies, per docs/interface.md. */
static const char *maps_kind(const struct maps_line *m)
{
	if (!strcmp(m->path, "[heap]"))
		return "heap";
	if (!strcmp(m->path, "[stack]"))
		return "stack";
	if (!strcmp(m->path, "[vdso]"))
		return "vdso";
	if (!strcmp(m->path, "[vvar]"))
		return "vvar";
	if (!strcmp(m->path, "/dev/zero (deleted)") ||
	    !strncmp(m->path, "/SYSV", 5) || !strncmp(m->path, "/memfd:", 7))
		return "shm";
	if (m->path[0] != '/')
		return m->perms[3] == 's' ? "shm" : "anon";
	if (m->perms[3] == 's')
		return "shared";
	if (m->perms[2] == 'x')
		return "code";
	return m->perms[1] == 'w' ? "data" : "rodata";
}

/* One maps line against the vmas line at the same index. */
static int compare_vma(const struct maps_line *m, const struct vmv_vma *v)
{
	if (m->start != v->start || m->end != v->end)
		return vmv_fail("maps 0x%llx-0x%llx, vmas 0x%llx-0x%llx",
				(unsigned long long)m->start,
				(unsigned long long)m->end,
				(unsigned long long)v->start,
				(unsigned long long)v->end);
	if (strcmp(m->perms, v->perms))
		return vmv_fail("0x%llx: perms %s vs %s",
				(unsigned long long)m->start, m->perms, v->perms);
	if (v->vsize != (v->end - v->start) / VMV_PAGE)
		return vmv_fail("0x%llx: vsize %llu", (unsigned long long)v->start,
				(unsigned long long)v->vsize);
	if (strcmp(maps_kind(m), v->kind))
		return vmv_fail("0x%llx (%s): kind %s, expected %s",
				(unsigned long long)m->start, m->path, v->kind,
				maps_kind(m));
	if (strcmp(maps_kind(m), "shm") && m->path[0] == '/' &&
	    (strcmp(m->path, v->file) || !v->has_off ||
				  v->off != m->off))
		return vmv_fail("0x%llx: file '%s' off 0x%llx, maps '%s' 0x%llx",
				(unsigned long long)m->start, v->file,
				(unsigned long long)v->off, m->path,
				(unsigned long long)m->off);
	if (v->rss > v->vsize || v->dirty > v->rss || v->huge > v->rss ||
	    v->swap > v->vsize)
		return vmv_fail("0x%llx: inconsistent counts",
				(unsigned long long)v->start);
	return 0;
}

/* Every user VMA of /proc/self/maps, in order, against @vm. */
static int compare_maps(const char *maps, const struct vmv_vmas *vm)
{
	struct maps_line m;
	const char *pos = maps;
	char line[1024];
	size_t i = 0;

	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (parse_maps_line(line, &m))
			return -1;
		if (!strcmp(m.path, "[vsyscall]"))
			continue;	/* the gate area is not a VMA */
		if (i >= vm->n)
			return vmv_fail("vmas lacks maps line '%s'", line);
		if (compare_vma(&m, &vm->v[i++]))
			return -1;
	}
	if (i != vm->n)
		return vmv_fail("vmas has %zu lines, maps %zu", vm->n, i);
	return 0;
}

/* Our own VMAs without changing them between the two reads. */
static int snapshot(struct vmv_vmas *vm, char *maps, size_t size)
{
	struct vmv_buf b = { 0 };
	int ret;

	ret = vmv_buf_reserve(&b, 1 << 20);	/* no allocation in between */
	if (!ret)
		ret = vmv_query("vmas", &b, "pid=%d", getpid());
	if (!ret && vmv_slurp("/proc/self/maps", maps, size) < 0)
		ret = -EIO;
	if (ret) {
		vmv_buf_free(&b);
		return vmv_fail("snapshot: %s", strerror(-ret));
	}
	ret = vmv_parse_vmas(b.data, vm);
	vmv_buf_free(&b);
	return ret;
}

FIXTURE(maps) {
	char path[128];
	int fd;
	char *anon, *shared, *priv, *ro, *shm, *memfd;
};

/* An anonymous region of exactly 16 pages between two PROT_NONE guards. */
static char *guarded_anon(void)
{
	char *p = mmap(NULL, 18 * VMV_PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + VMV_PAGE, 16 * VMV_PAGE, PROT_READ | PROT_WRITE) ||
	    madvise(p + VMV_PAGE, 16 * VMV_PAGE, MADV_NOHUGEPAGE))
		return NULL;
	return p + VMV_PAGE;
}

/* A shared mapping of a fresh memfd of @npages pages. */
static char *memfd_map(size_t npages)
{
	int fd = memfd_create("vmview", MFD_CLOEXEC);
	char *p;

	if (fd < 0 || ftruncate(fd, npages * VMV_PAGE))
		return NULL;
	p = mmap(NULL, npages * VMV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

FIXTURE_SETUP(maps)
{
	self->fd = vmv_tempfile(self->path, sizeof(self->path), 8);
	ASSERT_LE(0, self->fd);
	self->anon = guarded_anon();
	ASSERT_NE(NULL, self->anon);
	vmv_touch_write(self->anon, 16);
	self->shared = mmap(NULL, 3 * VMV_PAGE, PROT_READ, MAP_SHARED,
			    self->fd, VMV_PAGE);
	self->priv = mmap(NULL, 2 * VMV_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE, self->fd, 4 * VMV_PAGE);
	self->ro = mmap(NULL, 2 * VMV_PAGE, PROT_READ, MAP_PRIVATE,
			self->fd, 6 * VMV_PAGE);
	self->shm = mmap(NULL, 4 * VMV_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->shared);
	ASSERT_NE(MAP_FAILED, self->priv);
	ASSERT_NE(MAP_FAILED, self->ro);
	ASSERT_NE(MAP_FAILED, self->shm);
	vmv_touch_read(self->shared);
	self->priv[0] = 1;
	vmv_touch_read(self->ro);
	self->shm[0] = 1;
	self->memfd = memfd_map(2);	/* NULL without memfd_create() */
	if (self->memfd)
		self->memfd[0] = 1;
}

FIXTURE_TEARDOWN(maps)
{
	close(self->fd);
	unlink(self->path);
}

TEST_F(maps, match_proc_maps)
{
	static char maps[1 << 16];
	struct vmv_vmas vm;

	ASSERT_VMV(snapshot(&vm, maps, sizeof(maps)));
	EXPECT_EQ(getpid(), vm.ver.pid);
	EXPECT_VMV(compare_maps(maps, &vm));
	vmv_vmas_free(&vm);
}

static const struct vmv_vma *vma_of(struct __test_metadata *_metadata,
				    const struct vmv_vmas *vm, const void *p,
				    const char *kind, const char *perms)
{
	const struct vmv_vma *v = vmv_vma_at(vm, (uintptr_t)p);

	EXPECT_NE(NULL, v) TH_LOG("no vma at %p", p);
	if (!v)
		return NULL;
	EXPECT_STREQ(kind, v->kind) TH_LOG("vma at %p", p);
	EXPECT_STREQ(perms, v->perms) TH_LOG("vma at %p", p);
	return v;
}

TEST_F(maps, kinds_and_counts)
{
	struct vmv_buf b = { 0 };
	const struct vmv_vma *v;
	struct vmv_vmas vm;
	char exe[512];
	ssize_t n;
	int local = 0;

	ASSERT_NE((void *)-1, sbrk(VMV_PAGE));	/* make sure a heap exists */
	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));
	vmv_buf_free(&b);

	v = vma_of(_metadata, &vm, self->anon, "anon", "rw-p");
	ASSERT_NE(NULL, v);
	EXPECT_EQ((uintptr_t)self->anon, v->start);
	EXPECT_EQ((uintptr_t)self->anon + 16 * VMV_PAGE, v->end);
	EXPECT_EQ(16ULL, v->vsize);
	EXPECT_EQ(16ULL, v->rss);
	EXPECT_EQ(16ULL, v->dirty);
	EXPECT_EQ(0ULL, v->swap);
	EXPECT_EQ(0ULL, v->huge);
	EXPECT_FALSE(v->has_off);
	EXPECT_STREQ("", v->file);

	v = vma_of(_metadata, &vm, self->shared, "shared", "r--s");
	ASSERT_NE(NULL, v);
	EXPECT_STREQ(self->path, v->file);
	EXPECT_EQ(VMV_PAGE, v->off);
	EXPECT_LE(1ULL, v->rss);
	EXPECT_EQ(3ULL, v->vsize);

	v = vma_of(_metadata, &vm, self->priv, "data", "rw-p");
	ASSERT_NE(NULL, v);
	EXPECT_STREQ(self->path, v->file);
	EXPECT_EQ(4 * VMV_PAGE, v->off);
	EXPECT_LE(1ULL, v->dirty);

	v = vma_of(_metadata, &vm, self->ro, "rodata", "r--p");
	ASSERT_NE(NULL, v);
	EXPECT_STREQ(self->path, v->file);
	EXPECT_EQ(6 * VMV_PAGE, v->off);

	vma_of(_metadata, &vm, self->shm, "shm", "rw-s");
	if (self->memfd)
		vma_of(_metadata, &vm, self->memfd, "shm", "rw-s");
	vma_of(_metadata, &vm, &local, "stack", "rw-p");
	vma_of(_metadata, &vm, (char *)sbrk(0) - 1, "heap", "rw-p");
	vma_of(_metadata, &vm, (void *)getauxval(AT_SYSINFO_EHDR), "vdso", "r-xp");

	v = vma_of(_metadata, &vm, (void *)&vmv_mmap_small, "code", "r-xp");
	ASSERT_NE(NULL, v);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	EXPECT_STREQ(exe, v->file);
	vmv_vmas_free(&vm);
	(void)local;
}

/* start/end select the VMAs that overlap the range and clip them. */
TEST_F(maps, range_selects_overlapping)
{
	struct vmv_buf b = { 0 };
	struct vmv_vmas vm;
	uint64_t s = (uintptr_t)self->anon + 4 * VMV_PAGE;
	size_t i;

	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d start=0x%llx end=0x%llx",
			       getpid(), (unsigned long long)s,
			       (unsigned long long)s + 2 * VMV_PAGE));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));
	EXPECT_EQ(s, vm.ver.start);
	ASSERT_EQ((size_t)1, vm.n);
	EXPECT_STREQ("anon", vm.v[0].kind);
	EXPECT_EQ(s, vm.v[0].start);
	EXPECT_EQ(s + 2 * VMV_PAGE, vm.v[0].end);
	EXPECT_EQ(2ULL, vm.v[0].vsize);
	EXPECT_EQ(2ULL, vm.v[0].rss);
	EXPECT_EQ(2ULL, vm.v[0].dirty);
	for (i = 0; i < vm.n; i++)
		EXPECT_TRUE(vm.v[i].start < s + 2 * VMV_PAGE && vm.v[i].end > s);
	vmv_vmas_free(&vm);
	vmv_buf_free(&b);
}

/* Control characters in a path are printed as '?'. */
TEST(control_chars_in_path)
{
	char path[128], want[128];
	struct vmv_buf b = { 0 };
	const struct vmv_vma *v;
	struct vmv_vmas vm;
	char *p;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vmview\tctl\nname.XXXXXX");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, VMV_PAGE));
	p = mmap(NULL, VMV_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; path[i]; i++)
		want[i] = (path[i] == '\t' || path[i] == '\n') ? '?' : path[i];
	want[i] = '\0';
	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));
	v = vmv_vma_at(&vm, (uintptr_t)p);
	ASSERT_NE(NULL, v);
	EXPECT_STREQ(want, v->file);
	vmv_vmas_free(&vm);
	vmv_buf_free(&b);
	munmap(p, VMV_PAGE);
	close(fd);
	unlink(path);
}

TEST(swap_count)
{
	struct vmv_vmas vm;
	struct vmv_buf b = { 0 };
	const struct vmv_vma *v;
	char *p = guarded_anon();
	long swapped;

	if (!vmv_swap_active())
		SKIP(return, "no active swap in /proc/swaps");
	ASSERT_NE(NULL, p);
	vmv_touch_write(p, 16);
	swapped = vmv_pageout(p, 8 * VMV_PAGE, 20);
	if (swapped <= 0)
		SKIP(return, "MADV_PAGEOUT swapped nothing out");
	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));
	v = vmv_vma_at(&vm, (uintptr_t)p);
	ASSERT_NE(NULL, v);
	EXPECT_EQ((uint64_t)swapped, v->swap);
	EXPECT_EQ(16 - (uint64_t)swapped, v->rss);
	vmv_vmas_free(&vm);
	vmv_buf_free(&b);
}

TEST(huge_counts)
{
	struct vmv_buf b = { 0 };
	struct vmv_vmas vm;
	const struct vmv_vma *v;
	uint64_t kpf = 0;
	char *t, *h;

	t = vmv_mmap_aligned(VMV_PMD_SIZE, VMV_PMD_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, t);
	madvise(t, VMV_PMD_SIZE, MADV_HUGEPAGE);
	t[0] = 1;
	h = mmap(NULL, VMV_PMD_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (h != MAP_FAILED)
		h[0] = 1;
	ASSERT_EQ(0, vmv_query("vmas", &b, "pid=%d", getpid()));
	ASSERT_VMV(vmv_parse_vmas(b.data, &vm));

	kpageflags_get(pagemap_pfn(pagemap_get(0, (uintptr_t)t)), &kpf);
	v = vmv_vma_at(&vm, (uintptr_t)t);
	ASSERT_NE(NULL, v);
	if (!vmv_thp_never() && (kpf >> KPF_THP & 1))
		EXPECT_LE(512ULL, v->huge);
	if (h != MAP_FAILED) {
		v = vma_of(_metadata, &vm, h, "hugetlb", "rw-p");
		ASSERT_NE(NULL, v);
		EXPECT_EQ(512ULL, v->huge);
		EXPECT_EQ(512ULL, v->rss);
	}
	vmv_vmas_free(&vm);
	vmv_buf_free(&b);
	if (h == MAP_FAILED)
		SKIP(return, "no hugetlb page: %s", strerror(errno));
}

TEST_HARNESS_MAIN
