// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_oracle_test: the kernel file against the kernel's own ptdump.
 *
 * Kernels built with PTDUMP_DEBUGFS (the debug guest kernel) have
 * /sys/kernel/debug/page_tables/kernel, arch/x86/mm/dump_pagetables.c's
 * view of the same tables.  At the first and last page of every range the
 * kernel file prints, ptdump must agree on: present, RW, NX, GLB and the
 * leaf's level.  Elsewhere the test SKIPs.
 *
 * ptdump lines look like
 *   0xffff888000000000-0xffff888000200000     2M     RW         PSE     GLB NX pmd
 * (USR, RW or ro, PWT, PCD, PSE, PAT, GLB, NX or x, then the level), and
 * non-present ranges have no attributes at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#define PTDUMP	"/sys/kernel/debug/page_tables/kernel"

struct span {
	unsigned long start, end;
	bool present, rw, nx, glb;
	char level[4];
};

struct spans {
	struct span *s;
	size_t n, cap;
};

static int spans_push(struct spans *v, const struct span *s)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		struct span *p = realloc(v->s, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->s = p;
		v->cap = cap;
	}
	v->s[v->n++] = *s;
	return 0;
}

static bool has_word(const char *line, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = strstr(line, w); p; p = strstr(p + 1, w))
		if ((p == line || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* One ptdump line into a span; false for headers and the like. */
static bool parse_ptdump(const char *line, struct span *s)
{
	const char *lvl;
	char *end;

	if (strncmp(line, "0x", 2))
		return false;
	s->start = strtoul(line, &end, 16);
	if (*end != '-')
		return false;
	s->end = strtoul(end + 1, &end, 16);
	lvl = strrchr(line, ' ');
	if (!lvl)
		return false;
	snprintf(s->level, sizeof(s->level), "%s", lvl + 1);
	s->rw = has_word(line, "RW");
	s->present = s->rw || has_word(line, "ro");
	s->nx = has_word(line, "NX");
	s->glb = has_word(line, "GLB");
	return true;
}

static const struct span *lookup(const struct spans *v, unsigned long a)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a < v->s[mid].start)
			hi = mid;
		else if (a >= v->s[mid].end && v->s[mid].end)
			lo = mid + 1;
		else
			return &v->s[mid];
	}
	return NULL;
}

static int load_ptdump(struct spans *v)
{
	FILE *f = fopen(PTDUMP, "r");
	char line[512];
	struct span s;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_ptdump(line, &s) && spans_push(v, &s)) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	return 0;
}

/* Does ptdump say what our line says, at address a? */
static bool agrees(const struct span *p, const char *flags, const char *lvl,
		   unsigned long a, char *why, size_t n)
{
	bool w = flags[1] == 'W', nx = flags[5] == 'N', g = flags[6] == 'G';

	if (!p || !p->present) {
		snprintf(why, n, "0x%lx: ptdump has nothing present", a);
		return false;
	}
	if (p->rw != w || p->nx != nx || p->glb != g || strcmp(p->level, lvl)) {
		snprintf(why, n, "0x%lx: vmview %s %s, ptdump %s%s%s %s", a,
			 flags, lvl, p->rw ? "RW" : "ro", p->nx ? " NX" : "",
			 p->glb ? " GLB" : "", p->level);
		return false;
	}
	return true;
}

TEST(kernel_matches_ptdump)
{
	struct spans pt = { 0 };
	struct vmv_buf b = { 0 };
	const char *pos;
	char line[512], why[256];
	long lines = 0, checked = 0, bad = 0;

	if (access(PTDUMP, R_OK))
		SKIP(return, "no %s (kernel without PTDUMP_DEBUGFS)", PTDUMP);
	ASSERT_EQ(0, load_ptdump(&pt));
	ASSERT_GT((long)pt.n, 0);
	ASSERT_EQ(0, vmv_query("kernel", &b, NULL));
	pos = b.data;
	while (vmv_next_line(&pos, line, sizeof(line))) {
		unsigned long s, e;
		char flags[32], lvl[8];
		unsigned long probe[2];
		int i;

		if (sscanf(line, "0x%lx-0x%lx %7s %31s", &s, &e, lvl, flags) != 4)
			continue;
		lines++;
		/* The ESPfix area is remapped as it is read; skip it. */
		if (s >= 0xffffff0000000000UL && s < 0xffffff8000000000UL)
			continue;
		probe[0] = s;
		probe[1] = e - VMV_PAGE;
		for (i = 0; i < 2; i++) {
			checked++;
			if (agrees(lookup(&pt, probe[i]), flags, lvl, probe[i],
				   why, sizeof(why)))
				continue;
			if (bad++ < 10)
				TH_LOG("%s", why);
		}
	}
	TH_LOG("%ld kernel lines, %ld addresses checked against ptdump, %ld disagree",
	       lines, checked, bad);
	EXPECT_GT(checked, 100);
	/* The kernel changes its own tables while we read (vmalloc, module
	 * loading): allow a handful of differences, not a pattern.
	 */
	EXPECT_LE(bad, checked / 100 + 2);
	free(pt.s);
	vmv_buf_free(&b);
}

TEST_HARNESS_MAIN
