// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's workload: one process with every kind of memory vmdump can
 * show.  It prints KEY=0xADDR lines, then "ready", and waits to be killed.
 *
 *   heap     malloc'ed: half of it touched, half never (demand paging)
 *   stack    a large local array, partly touched
 *   file     a private mapping of a file: read pages (clean, page cache)
 *            and one written page (copied on write into anonymous memory)
 *   shared   a MAP_SHARED anonymous region, also mapped by a forked child
 *   dirty    anonymous pages, written
 *   swapped  anonymous pages pushed to swap with MADV_PAGEOUT
 *   thp      a 2 MiB transparent huge page
 *   hugetlb  a 2 MiB hugetlb page (when huge pages are reserved)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PG	4096UL
#define HUGE	(2UL << 20)

static char *map(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void show(const char *key, const void *addr)
{
	printf("%s=%p\n", key, addr);
}

static char *heap_pages(void)
{
	char *heap = malloc(64 * PG);
	int i;

	for (i = 0; i < 32; i++)
		heap[i * PG] = 1;
	return heap;
}

static char *file_pages(const char *path)
{
	volatile char sink;
	char *p;
	int fd = open(path, O_RDONLY), i;

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap file");
		exit(1);
	}
	for (i = 0; i < 8; i++)
		sink = p[i * PG];
	(void)sink;
	p[8 * PG] = 1;		/* copy-on-write: now anonymous */
	return p;
}

static char *thp_page(void)
{
	char *p = map(2 * HUGE, MAP_PRIVATE);

	p = (char *)(((unsigned long)p + HUGE - 1) & ~(HUGE - 1));
	madvise(p, HUGE, MADV_HUGEPAGE);
	memset(p, 0x5a, HUGE);
	return p;
}

int main(int argc, char **argv)
{
	char stack[64 * PG];
	char *dirty, *shared, *swapped, *hugetlb;
	int i;

	memset(stack, 1, sizeof(stack) / 2);
	show("heap", heap_pages());
	show("stack", stack);
	show("file", file_pages(argc > 1 ? argv[1] : "/bin/busybox"));

	dirty = map(32 * PG, MAP_PRIVATE);
	madvise(dirty, 32 * PG, MADV_NOHUGEPAGE);
	for (i = 0; i < 32; i++)
		dirty[i * PG] = (char)i;
	strcpy(dirty, "hello from user space");
	show("dirty", dirty);

	shared = map(16 * PG, MAP_SHARED);
	memset(shared, 7, 16 * PG);
	show("shared", shared);

	swapped = map(32 * PG, MAP_PRIVATE);
	madvise(swapped, 32 * PG, MADV_NOHUGEPAGE);
	memset(swapped, 3, 32 * PG);
	if (madvise(swapped, 32 * PG, MADV_PAGEOUT))
		perror("MADV_PAGEOUT");
	show("swapped", swapped);

	show("thp", thp_page());
	hugetlb = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (hugetlb != MAP_FAILED) {
		hugetlb[0] = 1;
		show("hugetlb", hugetlb);
	}

	/*
	 * A child keeps the private pages mapped twice (copy-on-write, until
	 * one side writes).  fork() does not copy the page tables of shared
	 * mappings, the child would fault them in: it reads the shared
	 * region, and then that is mapped twice too.
	 */
	if (!fork()) {
		volatile char sink = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; i < 16; i++)
			sink += shared[i * PG];
		(void)sink;
		for (;;)
			pause();
	}
	usleep(200000);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
