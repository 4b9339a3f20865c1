// SPDX-License-Identifier: GPL-2.0
/*
 * vmbench: time vmview against the pagemap route to the same information,
 * in one run, on workloads it builds itself.
 *
 * Each workload is built by a forked child, which then waits.  Three
 * contenders read the same target and range into the same in-memory
 * result, a list of (VPN, frame) runs where a frame is a PFN or a swap
 * slot:
 *   pagemap  /proc/PID/maps, then /proc/PID/pagemap over every VMA (the
 *            documented efficient use of pagemap)
 *   text     vmview's pages file, text form
 *   bin      vmview's pages file, format=bin
 * Before timing, the three results must be equal (the correctness gate).
 *
 * Output: one line per measurement, KEY=VALUE, for scripts/bench/run.
 *
 * Usage: vmbench WORKLOAD [-r RUNS] [-s SIZE_MIB] [-p PAGES] [-v VIRT_GIB] [-F]
 *        vmbench WORKLOAD -l CONTENDER -t SECONDS [...]
 *                                       one contender in a loop, for a
 *                                       profiler (scripts/bench/profile)
 *        vmbench fault [-s SIZE_MIB]    fault latency, with and without a
 *                                       concurrent vmview reader
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vmview.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE		4096UL
#define VMV_PAGES	"/sys/kernel/debug/vmview/pages"
#define SWAP_BIT	(1ULL << 63)
#define SWAP_ENC(t, o)	(SWAP_BIT | ((uint64_t)(t) << 56) | (o))
#define MAX_RUNS	31
#define PAGEMAP_CAP_S	20.0	/* longer pagemap walks are extrapolated */

struct opts {
	const char *workload;
	int runs;
	unsigned long size_mib;
	unsigned long pages;
	unsigned long virt_gib;
	bool fixed;		/* reserve: the same 64 pages whatever the size */
	const char *loop;	/* -l: only this contender, in a loop */
	double seconds;		/* -t: for this long */
};

struct run {
	uint64_t vpn;
	uint64_t frame;
	uint64_t n;
};

struct result {
	struct run *r;
	size_t n, cap;
	uint64_t pages;		/* pages with a frame or a swap slot */
	uint64_t bytes;		/* bytes read from the kernel */
	uint64_t covered_end;	/* pagemap: end of what it covered */
	uint64_t span;		/* pagemap: virtual pages in all VMAs */
	uint64_t covered;	/* pagemap: virtual pages it read */
	bool partial;		/* pagemap: stopped at the time cap */
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void res_reset(struct result *res)
{
	res->n = 0;
	res->pages = 0;
	res->bytes = 0;
	res->covered_end = 0;
	res->span = 0;
	res->covered = 0;
	res->partial = false;
}

/* Append n pages at vpn mapping frame.. on; merge with the last run. */
static void res_add(struct result *res, uint64_t vpn, uint64_t frame,
		    uint64_t n)
{
	struct run *last = res->n ? &res->r[res->n - 1] : NULL;

	res->pages += n;
	if (last && last->vpn + last->n == vpn &&
	    last->frame + last->n == frame) {
		last->n += n;
		return;
	}
	if (res->n == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 4096;
		res->r = realloc(res->r, res->cap * sizeof(*res->r));
		if (!res->r)
			die("realloc");
	}
	res->r[res->n++] = (struct run){ vpn, frame, n };
}

/* ---- contender 1: maps-guided pagemap ---- */

static void pagemap_vma(int fd, uint64_t start, uint64_t end,
			struct result *res, double deadline)
{
	static uint64_t buf[65536];
	uint64_t vpn = start / PAGE, last = end / PAGE;

	while (vpn < last) {
		size_t n = last - vpn < 65536 ? last - vpn : 65536, i;
		ssize_t got = pread(fd, buf, n * 8, vpn * 8);

		if (got <= 0)
			break;
		n = got / 8;
		res->bytes += got;
		for (i = 0; i < n; i++) {
			uint64_t e = buf[i];

			if (e & (1ULL << 63))
				res_add(res, vpn + i, e & ((1ULL << 55) - 1), 1);
			else if (e & (1ULL << 62))
				res_add(res, vpn + i, SWAP_ENC(e & 0x1f,
					(e >> 5) & ((1ULL << 50) - 1)), 1);
		}
		vpn += n;
		res->covered += n;
		if (now() > deadline) {
			res->partial = true;
			break;
		}
	}
	res->covered_end = vpn * PAGE;
}

static void pagemap_route(pid_t pid, struct result *res, double cap)
{
	static uint64_t vma[2 * 70000];
	char path[64], line[4096];
	double deadline = now() + cap;
	size_t n = 0, i;
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (!maps || fd < 0)
		die("pagemap open");
	res_reset(res);
	while (n < 70000 && fgets(line, sizeof(line), maps)) {
		res->bytes += strlen(line);
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &vma[2 * n],
			   &vma[2 * n + 1]) != 2)
			continue;
		res->span += (vma[2 * n + 1] - vma[2 * n]) / PAGE;
		n++;
	}
	fclose(maps);
	for (i = 0; i < n && !res->partial; i++)
		pagemap_vma(fd, vma[2 * i], vma[2 * i + 1], res, deadline);
	if (!res->partial)
		res->covered_end = UINT64_MAX;
	close(fd);
}

/* ---- contenders 2 and 3: vmview ---- */

static int vmv_open(pid_t pid, bool bin)
{
	char req[96];
	int fd = open(VMV_PAGES, O_RDWR);

	if (fd < 0)
		die(VMV_PAGES);
	snprintf(req, sizeof(req), "pid=%d%s", pid, bin ? " format=bin" : "");
	if (write(fd, req, strlen(req)) < 0)
		die("vmview request");
	return fd;
}

static void text_line(struct result *res, char *l)
{
	uint64_t start, end, pfn = 0, type = 0, off = 0;
	char *p, *tok;
	bool swap = false, frame = false;

	if (*l != '0')
		return;
	start = strtoull(l, &p, 16);
	end = strtoull(p + 1, &p, 16);
	for (tok = strtok(p, " "); tok; tok = strtok(NULL, " ")) {
		if (!strncmp(tok, "pfn=", 4)) {
			pfn = strtoull(tok + 4, NULL, 16);
			frame = true;
		} else if (!strncmp(tok, "swap=", 5)) {
			type = strtoull(tok + 5, &p, 10);
			off = strtoull(p + 1, NULL, 16);
			swap = true;
		} else if (!strcmp(tok, "zero") || !strcmp(tok, "pfnmap") ||
			   !strcmp(tok, "migration") ||
			   !strcmp(tok, "marker") || !strcmp(tok, "hwpoison") ||
			   !strcmp(tok, "devpriv") || !strcmp(tok, "devexcl")) {
			return;	/* pagemap shows no frame for these */
		}
	}
	if (swap)
		res_add(res, start / PAGE, SWAP_ENC(type, off),
			(end - start) / PAGE);
	else if (frame)
		res_add(res, start / PAGE, pfn, (end - start) / PAGE);
}

static void text_route(pid_t pid, struct result *res)
{
	static char buf[1 << 17];
	size_t have = 0;
	ssize_t n;
	int fd = vmv_open(pid, false);

	res_reset(res);
	while ((n = read(fd, buf + have, sizeof(buf) - have - 1)) > 0) {
		char *l = buf, *nl;

		res->bytes += n;
		have += n;
		buf[have] = '\0';
		while ((nl = memchr(l, '\n', buf + have - l))) {
			*nl = '\0';
			text_line(res, l);
			l = nl + 1;
		}
		have = buf + have - l;
		memmove(buf, l, have);
	}
	if (n < 0)
		die("vmview read");
	res->covered_end = UINT64_MAX;
	close(fd);
}

static void bin_rec(struct result *res, const struct vmv_bin_rec *r)
{
	switch (r->type) {
	case VMV_T_PAGE:	/* pagemap skips VM_PFNMAP VMAs: so do we */
		res_add(res, r->start / PAGE, r->pfn, r->pages);
		break;
	case VMV_T_SWAP:
		res_add(res, r->start / PAGE, SWAP_ENC(r->swap_type, r->pfn),
			r->pages);
		break;
	}
}

static void bin_route(pid_t pid, struct result *res)
{
	static char buf[1 << 17];
	size_t have = 0, off, rs = sizeof(struct vmv_bin_rec);
	bool header = false;
	ssize_t n;
	int fd = vmv_open(pid, true);

	res_reset(res);
	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		res->bytes += n;
		have += n;
		off = 0;
		if (!header && have >= sizeof(struct vmv_bin_header)) {
			struct vmv_bin_header *h = (void *)buf;

			if (h->magic != VMV_BIN_MAGIC || h->rec_size < rs) {
				fprintf(stderr, "vmbench: bad binary header\n");
				exit(1);
			}
			rs = h->rec_size;
			off = h->hdr_size;
			header = true;
		}
		for (; header && have - off >= rs; off += rs)
			bin_rec(res, (void *)(buf + off));
		have -= off;
		memmove(buf, buf + off, have);
	}
	if (n < 0)
		die("vmview read");
	res->covered_end = UINT64_MAX;
	close(fd);
}

/* ---- the correctness gate ---- */

/* Pages of a below @limit, as a list of single pages, compared with b's. */
static bool res_equal(const struct result *a, const struct result *b,
		      uint64_t limit)
{
	size_t i = 0, j = 0;
	uint64_t ia = 0, jb = 0;

	for (;;) {
		while (i < a->n && ia == a->r[i].n) {
			i++;
			ia = 0;
		}
		while (j < b->n && jb == b->r[j].n) {
			j++;
			jb = 0;
		}
		bool ea = i == a->n || (a->r[i].vpn + ia) * PAGE >= limit;
		bool eb = j == b->n || (b->r[j].vpn + jb) * PAGE >= limit;

		if (ea || eb)
			return ea && eb;
		if (a->r[i].vpn + ia != b->r[j].vpn + jb ||
		    a->r[i].frame + ia != b->r[j].frame + jb) {
			fprintf(stderr, "vmbench: mismatch at vpn 0x%" PRIx64
				": 0x%" PRIx64 " vs vpn 0x%" PRIx64 ": 0x%" PRIx64 "\n",
				a->r[i].vpn + ia, a->r[i].frame + ia,
				b->r[j].vpn + jb, b->r[j].frame + jb);
			return false;
		}
		ia++;
		jb++;
	}
}

/* ---- workloads ---- */

static void *map_anon(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE | flags, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static char *map_aligned(size_t len, size_t align)
{
	char *p = map_anon(len + align, PROT_READ | PROT_WRITE, 0);
	char *a = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));

	return a;
}

static void touch(char *p, size_t len, size_t stride)
{
	size_t i;

	for (i = 0; i < len; i += stride)
		p[i] = 1;
}

static void build_dense4k(const struct opts *o)
{
	size_t len = (o->pages ? o->pages * PAGE : o->size_mib << 20);
	char *p = map_anon(len, PROT_READ | PROT_WRITE, 0);

	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, PAGE);
}

static void build_thp(const struct opts *o)
{
	size_t len = o->size_mib << 20;
	char *p = map_aligned(len, 2UL << 20);

	madvise(p, len, MADV_HUGEPAGE);
	touch(p, len, PAGE);
}

static void build_sparse2m(const struct opts *o)
{
	size_t len = (o->virt_gib ? o->virt_gib : 8) << 30;
	char *p = map_anon(len, PROT_READ | PROT_WRITE, 0);

	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, 2UL << 20);
}

/*
 * A PROT_NONE reservation with 64 pages made writable and touched: spread
 * over all of it (each needs its own tables), or with -F at a fixed 16 MiB
 * stride from its start (the same page tables whatever its size: only the
 * virtual size varies).
 */
static void build_reserve(const struct opts *o)
{
	size_t len = (o->virt_gib ? o->virt_gib : 65536) << 30;
	size_t stride = o->fixed ? 16UL << 20 : len / 64, i;
	char *p = map_anon(len, PROT_NONE, 0);

	for (i = 0; i < 64; i++) {
		if (mprotect(p + i * stride, PAGE, PROT_READ | PROT_WRITE))
			die("mprotect");
		p[i * stride] = 1;
	}
}

static void build_vmas(const struct opts *o)
{
	size_t n = o->pages ? o->pages : 10000, i;
	char *p = map_anon(n * 2 * PAGE, PROT_READ | PROT_WRITE, 0);

	for (i = 0; i < n; i++) {	/* alternate protections: no merging */
		p[i * 2 * PAGE] = 1;
		if (mprotect(p + (i * 2 + 1) * PAGE, PAGE, PROT_READ))
			die("mprotect");
	}
}

static void build_file(const struct opts *o)
{
	size_t len = o->size_mib << 20;
	char name[] = "/tmp/vmbench-XXXXXX";
	int fd = mkstemp(name);
	volatile char sum = 0;
	char *p;
	size_t i;

	if (fd < 0 || ftruncate(fd, len))
		die("file");
	unlink(name);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap file");
	for (i = 0; i < len; i += PAGE)
		sum += p[i];
}

static void build_swapped(const struct opts *o)
{
	size_t len = o->size_mib << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE, 0);

	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, PAGE);
	if (madvise(p, len, MADV_PAGEOUT))
		die("MADV_PAGEOUT");
}

static const struct {
	const char *name;
	void (*build)(const struct opts *o);
	unsigned long size_mib;
} workloads[] = {
	{ "dense4k", build_dense4k, 512 },
	{ "thp", build_thp, 512 },
	{ "sparse2m", build_sparse2m, 0 },
	{ "reserve", build_reserve, 0 },
	{ "vmas", build_vmas, 0 },
	{ "file", build_file, 64 },
	{ "swapped", build_swapped, 64 },
};

static pid_t spawn(const struct opts *o, int w)
{
	int pfd[2];
	char c = 0;
	pid_t pid;

	if (pipe(pfd))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(pfd[0]);
		workloads[w].build(o);
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		fprintf(stderr, "vmbench: workload %s failed\n", o->workload);
		exit(1);
	}
	close(pfd[0]);
	return pid;
}

/* ---- measurement ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long kernel_mem_kib(void)
{
	char line[256];
	long v, sum = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld", &v) == 1 ||
		    sscanf(line, "VmallocUsed: %ld", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

static void report(const char *w, const char *who, double *t, int runs,
		   const struct result *res, double scale)
{
	qsort(t, runs, sizeof(*t), cmp_double);
	printf("workload=%s contender=%s runs=%d median_s=%.6f min_s=%.6f max_s=%.6f pages=%" PRIu64 " runs_out=%zu bytes=%" PRIu64 " extrapolated=%s\n",
	       w, who, runs, t[runs / 2] * scale, t[0] * scale,
	       t[runs - 1] * scale, res->pages, res->n, res->bytes,
	       scale != 1.0 ? "yes" : "no");
}

/* Kernel memory (slab + vmalloc) while a walk is half done, against before. */
static long walk_mem_delta(pid_t pid)
{
	char buf[4096];
	long mem0 = kernel_mem_kib(), mem1;
	int fd = vmv_open(pid, false);

	if (read(fd, buf, sizeof(buf)) < 0)
		die("read");
	mem1 = kernel_mem_kib();
	close(fd);
	return mem1 - mem0;
}

static int bench(const struct opts *o, int w)
{
	struct result pm = { 0 }, tx = { 0 }, bn = { 0 };
	double tp[MAX_RUNS], tt[MAX_RUNS], tb[MAX_RUNS], t0, scale = 1.0;
	pid_t pid = spawn(o, w);
	int i;

	/* The gate: all three agree (pagemap over what it covered). */
	pagemap_route(pid, &pm, PAGEMAP_CAP_S);
	text_route(pid, &tx);
	bin_route(pid, &bn);
	if (!res_equal(&tx, &bn, UINT64_MAX) ||
	    !res_equal(&pm, &bn, pm.covered_end)) {
		printf("workload=%s gate=FAIL\n", o->workload);
		if (getenv("VMBENCH_DUMP")) {
			char cmd[128];

			for (i = 0; i < (int)pm.n; i++)
				printf("pm %lx %lx %lu\n", pm.r[i].vpn, pm.r[i].frame, pm.r[i].n);
			for (i = 0; i < (int)bn.n; i++)
				printf("bn %lx %lx %lu\n", bn.r[i].vpn, bn.r[i].frame, bn.r[i].n);
			snprintf(cmd, sizeof(cmd), "cat /proc/%d/maps", pid);
			system(cmd);
		}
		kill(pid, SIGKILL);
		return 1;
	}
	printf("workload=%s gate=ok pages=%" PRIu64 " span_pages=%" PRIu64 " pagemap_covered=%" PRIu64 "\n",
	       o->workload, bn.pages, pm.span, pm.covered);
	/*
	 * Each contender's runs back to back, after the gate's untimed one:
	 * each is timed in its own steady state.  Interleaved, vmview's times
	 * followed the memory pagemap's run before had touched.
	 */
	for (i = 0; i < o->runs; i++) {
		t0 = now();
		pagemap_route(pid, &pm, PAGEMAP_CAP_S / 4);
		tp[i] = now() - t0;
	}
	for (i = 0; i < o->runs; i++) {
		t0 = now();
		text_route(pid, &tx);
		tt[i] = now() - t0;
	}
	for (i = 0; i < o->runs; i++) {
		t0 = now();
		bin_route(pid, &bn);
		tb[i] = now() - t0;
	}
	/* pagemap's cost is linear in virtual size: scale a capped walk. */
	if (pm.partial)
		scale = (double)pm.span / pm.covered;
	report(o->workload, "pagemap", tp, o->runs, &pm, scale);
	report(o->workload, "text", tt, o->runs, &tx, 1.0);
	report(o->workload, "bin", tb, o->runs, &bn, 1.0);
	printf("workload=%s kernel_mem_delta_kib=%ld\n", o->workload,
	       walk_mem_delta(pid));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(pm.r);
	free(tx.r);
	free(bn.r);
	return 0;
}

/* One contender, again and again: what a sampling profiler looks at. */
static int loop(const struct opts *o, int w)
{
	struct result res = { 0 };
	pid_t pid = spawn(o, w);
	double t0 = now(), end = t0 + o->seconds;
	unsigned long n = 0;

	printf("loop=%s contender=%s ready\n", o->workload, o->loop);
	do {
		if (!strcmp(o->loop, "pagemap"))
			pagemap_route(pid, &res, PAGEMAP_CAP_S);
		else if (!strcmp(o->loop, "text"))
			text_route(pid, &res);
		else
			bin_route(pid, &res);
		n++;
	} while (now() < end);
	printf("loop=%s contender=%s passes=%lu mean_s=%.6f pages=%" PRIu64 "\n",
	       o->workload, o->loop, n, (now() - t0) / n, res.pages);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(res.r);
	return 0;
}

/* Fault latency of a process, alone and while vmview walks it. */
static void fault_pass(const char *label, size_t len)
{
	char *p = map_anon(len, PROT_READ | PROT_WRITE, 0);
	size_t n = len / PAGE, i;
	double *t = malloc(n * sizeof(*t)), t0;

	if (!t)
		die("malloc");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		t0 = now();
		p[i * PAGE] = 1;
		t[i] = now() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_double);
	printf("fault=%s pages=%zu median_us=%.2f p99_us=%.2f max_us=%.2f\n",
	       label, n, t[n / 2] * 1e6, t[n * 99 / 100] * 1e6,
	       t[n - 1] * 1e6);
	munmap(p, len);
	free(t);
}

static int fault_bench(const struct opts *o)
{
	size_t len = o->size_mib << 20;
	struct result res = { 0 };
	pid_t self = getpid(), reader;

	fault_pass("alone", len);
	reader = fork();
	if (!reader) {
		for (;;)
			bin_route(self, &res);
	}
	usleep(100000);
	fault_pass("walked", len);
	kill(reader, SIGKILL);
	waitpid(reader, NULL, 0);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmbench WORKLOAD [-r RUNS] [-s SIZE_MIB] [-p PAGES] [-v VIRT_GIB] [-F]\n"
		"       vmbench WORKLOAD -l pagemap|text|bin -t SECONDS [options]\n"
		"       vmbench fault [-s SIZE_MIB]\n"
		"workloads: dense4k thp sparse2m reserve vmas file swapped\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .runs = 5 };
	int c, w;

	while ((c = getopt(argc, argv, "r:s:p:v:Fl:t:")) != -1) {
		switch (c) {
		case 'l':
			o.loop = optarg;
			break;
		case 't':
			o.seconds = atof(optarg);
			break;
		case 'F':
			o.fixed = true;
			break;
		case 'r':
			o.runs = atoi(optarg);
			break;
		case 's':
			o.size_mib = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o.pages = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			o.virt_gib = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || o.runs < 1 || o.runs > MAX_RUNS)
		usage();
	if (o.loop && (o.seconds <= 0 || (strcmp(o.loop, "pagemap") &&
			strcmp(o.loop, "text") && strcmp(o.loop, "bin"))))
		usage();
	o.workload = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(o.workload, "fault")) {
		if (!o.size_mib)
			o.size_mib = 64;
		return fault_bench(&o);
	}
	for (w = 0; w < (int)(sizeof(workloads) / sizeof(workloads[0])); w++) {
		if (strcmp(workloads[w].name, o.workload))
			continue;
		if (!o.size_mib)
			o.size_mib = workloads[w].size_mib;
		return o.loop ? loop(&o, w) : bench(&o, w);
	}
	usage();
	return 2;
}
