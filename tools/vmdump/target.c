// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump-target: a process with every kind of page, for trying vmdump in
 * the guest and for tests: clean and dirty anonymous pages, the zero page,
 * a transparent huge page, a hugetlb page (if /dev/hugepages has any),
 * swapped-out pages (MADV_PAGEOUT), a file mapping, PROT_NONE, and a
 * never-touched reservation.  Prints the addresses as KEY=0xADDR lines,
 * then "ready", and sleeps (or, with "churn", keeps changing pages).
 *
 *   vmdump-target [churn | big MB]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

#define PG 4096UL
#define HUGE (2UL << 20)

int main(int argc, char **argv)
{
	int churn = argc > 1 && !strcmp(argv[1], "churn");
	long big = argc > 2 && !strcmp(argv[1], "big") ? atol(argv[2]) : 0;
	char *anon, *thp, *swp, *none, *resv, *zero, *htlb, *file;
	volatile char sink;
	int fd, i;

	anon = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 64; i += 2)
		anon[i * PG] = (char)i;			/* every other page dirty */
	memcpy(anon, "vmdump was here", 16);

	zero = mmap(NULL, 16 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 16; i++)
		sink = zero[i * PG];			/* the shared zero page */

	/* a 2M-aligned THP */
	thp = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	thp = (char *)(((unsigned long)thp + HUGE - 1) & ~(HUGE - 1));
	madvise(thp, HUGE, MADV_HUGEPAGE);
	memset(thp, 0x5a, HUGE);

	htlb = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (htlb != MAP_FAILED)
		memset(htlb, 0x11, PG);

	swp = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 32; i++)
		swp[i * PG] = (char)(i + 1);
	madvise(swp, 16 * PG, MADV_PAGEOUT);		/* first half to swap */

	none = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none[0] = 1;
	mprotect(none, 4 * PG, PROT_NONE);

	resv = mmap(NULL, 1UL << 30, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	fd = open("/proc/self/exe", O_RDONLY);
	file = fd >= 0 ? mmap(NULL, 8 * PG, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (file != MAP_FAILED)
		sink = file[0];

	if (big > 0) {		/* big MB: many 4K runs, for progress */
		char *b = mmap(NULL, big << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		madvise(b, big << 20, MADV_NOHUGEPAGE);
		for (i = 0; i < (big << 20) / (long)PG; i++)
			b[i * PG] = (char)i;
	}
	printf("anon=%p\nzero=%p\nthp=%p\nhugetlb=%p\nswap=%p\nprotnone=%p\n"
	       "reserve=%p\nfile=%p\nready\n", (void *)anon, (void *)zero,
	       (void *)thp, htlb == MAP_FAILED ? NULL : (void *)htlb, (void *)swp,
	       (void *)none, (void *)resv, file == MAP_FAILED ? NULL : (void *)file);
	fflush(stdout);
	(void)sink;
	for (i = 0;; i++) {
		sleep(1);
		if (!churn)
			continue;
		/* fault in, dirty, swap out, free: something for watch */
		anon[((i * 2 + 1) % 64) * PG] = 1;
		madvise(swp + (i % 16) * PG, PG, MADV_PAGEOUT);
		sink = swp[((i + 8) % 16) * PG];
		madvise(anon + ((i * 2 + 8) % 64) * PG, PG, MADV_DONTNEED);
	}
	return 0;
}
