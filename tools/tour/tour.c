// SPDX-License-Identifier: GPL-2.0
/*
 * tour: the small programs of docs/tour.md, one subcommand per section.
 *
 *   tour segments | vpn | demand | dirty | backing | cow | swap | huge | directmap
 *
 * Each prints "pid=N" and the addresses it uses as "KEY=0xADDR" lines,
 * then does its steps.  Before each step it prints "waiting" and reads one
 * line from stdin: scripts/tour (tools/tour/guest.sh in the guest) runs
 * vmdump, then writes a line to go on.  At end of input it exits.
 *
 * Regions the tour looks at with 4K pages are MADV_NOHUGEPAGE: the guest
 * runs with THP=always, and the flag also keeps each mapping its own VMA.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

#define PG 4096UL
#define HUGE (2UL << 20)

static volatile char sink;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Print "waiting" and block until the driver sends a line; exit at EOF. */
static void wait_go(void)
{
	char line[64];

	printf("waiting\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(0);
}

static void addr(const char *key, const void *p)
{
	printf("%s=%p\n", key, p);
}

/* An anonymous private mapping of n 4K pages, kept out of THP. */
static char *anon4k(size_t n)
{
	char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, n * PG, MADV_NOHUGEPAGE);
	return p;
}

/* A 2M-aligned anonymous region of 2M inside a 4M mapping. */
static char *anon2m(void)
{
	char *p = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	p = (char *)(((unsigned long)p + HUGE - 1) & ~(HUGE - 1));
	return p;
}

/* Section 1: code, data, bss, heap, stack, vdso. */
int tour_data = 42;			/* initialized: .data */
static char tour_bss[3 * PG];		/* zero-initialized: .bss */
static const char tour_rodata[] = "a read-only string";

static int cmd_segments(void)
{
	int on_stack = 7;
	char *heap = malloc(100);

	if (!heap)
		die("malloc");
	strcpy(heap, "on the heap");
	tour_bss[0] = 1;
	addr("code", (void *)cmd_segments);
	addr("rodata", tour_rodata);
	addr("data", &tour_data);
	addr("bss", tour_bss);
	addr("heap", heap);
	addr("stack", &on_stack);
	addr("vdso", (void *)getauxval(AT_SYSINFO_EHDR));
	wait_go();
	return 0;
}

/* Sections 2 and 3: two pages, a string at an offset inside the first. */
static int cmd_vpn(void)
{
	char *p = anon4k(2);

	strcpy(p + 0x5a8, "hello, offset 0x5a8");
	strcpy(p + PG + 0x5a8, "the next page");
	addr("page", p);
	addr("addr", p + 0x5a8);
	addr("addr_end", p + 0xff0);
	addr("addr_next", p + PG + 0x5a8);
	wait_go();
	return 0;
}

/* Section 4: 64 untouched pages; write every 4th; read the ones after. */
static int cmd_demand(void)
{
	char *p = anon4k(64);
	int i;

	addr("area", p);
	addr("area_5", p + 5 * PG);
	wait_go();				/* step 1: untouched */
	for (i = 0; i < 64; i += 4)
		p[i * PG] = 1;
	wait_go();				/* step 2: written */
	for (i = 1; i < 64; i += 4)
		sink = p[i * PG];
	wait_go();				/* step 3: read */
	return 0;
}

/* Section 5: a shared file mapping: read one page, write another. */
static int cmd_dirty(void)
{
	const char *path = "/tmp/tour-dirty";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *p;

	if (fd < 0 || ftruncate(fd, 4 * PG))
		die(path);
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	addr("file", p);
	sink = p[0];				/* read page 0 */
	p[PG] = 'w';				/* write page 1 */
	wait_go();				/* step 1: read vs write */
	wait_go();				/* step 2: the driver cleared A */
	sink = p[0];				/* read page 0 again */
	wait_go();				/* step 3: read again */
	p[0] = 'w';				/* write page 0: no fault, D set */
	wait_go();				/* step 4: written */
	return 0;
}

/* Section 6: a private file mapping at an offset, and anonymous memory. */
static int cmd_backing(void)
{
	const char *path = "/tmp/tour-file";
	char page[PG];
	char *f, *a;
	int fd, i;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	for (i = 0; i < 8; i++) {
		memset(page, 0, sizeof(page));
		snprintf(page, sizeof(page), "this is page %d of %s", i, path);
		if (write(fd, page, PG) != (ssize_t)PG)
			die("write");
	}
	/* file pages 4..7 at f */
	f = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4 * PG);
	if (f == MAP_FAILED)
		die("mmap");
	a = anon4k(4);
	for (i = 0; i < 4; i++) {
		sink = f[i * PG];
		a[i * PG] = 'a';
	}
	addr("file", f);
	addr("file_1", f + PG);
	addr("anon", a);
	wait_go();				/* step 1: file vs anon */
	memcpy(f + PG, "changed by the process", 23);
	wait_go();				/* step 2: wrote a private file page */
	return 0;
}

/* Section 7: fork; both share the page; the child writes, then the parent. */
static int cmd_cow(void)
{
	char *p = anon4k(1);
	int to_child[2], from_child[2];
	pid_t child;
	char c;

	strcpy(p, "written before fork");
	if (pipe(to_child) || pipe(from_child))
		die("pipe");
	addr("page", p);
	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(to_child[1]);
		close(from_child[0]);
		if (read(to_child[0], &c, 1) != 1)	/* step 2: write */
			_exit(0);
		strcpy(p, "the child wrote this");
		if (write(from_child[1], "d", 1) != 1)	/* done */
			_exit(1);
		if (read(to_child[0], &c, 1) != 1)	/* until the parent ends */
			_exit(0);
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	printf("child=%d\n", (int)child);
	wait_go();				/* step 1: after fork */
	if (write(to_child[1], "w", 1) != 1 || read(from_child[0], &c, 1) != 1)
		die("child");
	wait_go();				/* step 2: the child wrote */
	strcpy(p, "the parent wrote this");
	wait_go();				/* step 3: the parent wrote */
	close(to_child[1]);
	waitpid(child, NULL, 0);
	return 0;
}

/* Section 8: write 8 pages, page them out, read half of them back. */
static int cmd_swap(void)
{
	char *p = anon4k(8);
	int i;

	for (i = 0; i < 8; i++)
		snprintf(p + i * PG, PG, "swap page %d", i);
	addr("area", p);
	wait_go();				/* step 1: in memory */
	if (madvise(p, 8 * PG, MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	wait_go();				/* step 2: paged out */
	for (i = 0; i < 4; i++)
		sink = p[i * PG];
	wait_go();				/* step 3: read 4 back */
	return 0;
}

/* Section 9: one byte into a THP region, a 4K region and a hugetlb page. */
static int cmd_huge(void)
{
	char *thp = anon2m(), *small = anon2m(), *htlb;

	madvise(thp, HUGE, MADV_HUGEPAGE);
	madvise(small, HUGE, MADV_NOHUGEPAGE);
	thp[0x1234] = 1;
	small[0x1234] = 1;
	htlb = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (htlb == MAP_FAILED)
		die("mmap(MAP_HUGETLB)");
	htlb[0x1234] = 1;
	addr("thp", thp);
	addr("thp_byte", thp + 0x1234);
	addr("small", small);
	addr("small_byte", small + 0x1234);
	addr("hugetlb", htlb);
	wait_go();
	return 0;
}

/* Section 10: bytes the process writes, read back through the direct map. */
static int cmd_directmap(void)
{
	char *p = anon4k(1);

	snprintf(p, PG, "hello from pid %d", (int)getpid());
	addr("page", p);
	wait_go();				/* step 1: written */
	snprintf(p, PG, "and now something else");
	wait_go();				/* step 2: rewritten */
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} cmds[] = {
	{ "segments", cmd_segments }, { "vpn", cmd_vpn },
	{ "demand", cmd_demand }, { "dirty", cmd_dirty },
	{ "backing", cmd_backing }, { "cow", cmd_cow }, { "swap", cmd_swap },
	{ "huge", cmd_huge }, { "directmap", cmd_directmap },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc == 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		printf("pid=%d\n", (int)getpid());
		return cmds[i].fn();
	}
	fprintf(stderr, "usage: tour segments|vpn|demand|dirty|backing|cow|"
		"swap|huge|directmap\n");
	return 2;
}
