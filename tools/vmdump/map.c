// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump map PID: every VMA as a strip of cells, each cell a power-of-two
 * group of pages shown by state.  The VMAs are loaded first; the `pages`
 * runs are streamed once, in address order, and folded into the cells of
 * the VMA they fall in: memory is one VMA's cells.
 */
#include <string.h>

#include "vmdump.h"

#define MAX_LINES	4

enum state { ST_NONE, ST_CLEAN, ST_DIRTY, ST_SWAP, ST_HUGE, ST_OTHER, ST_N };

static const char st_char[ST_N] = { '.', 'r', 'D', 's', 'H', 'x' };
static const char *const st_color[ST_N] = {
	C_DIM, C_GREEN, C_YELLOW, C_MAGENTA, C_CYAN, C_RED };
static const char *const st_name[ST_N] = {
	"not present", "present, clean", "present, dirty", "swapped",
	"huge (2M/1G leaf)", "other (migration, marker, device, poison)" };

struct strip {
	const struct vma_ent *v;
	uint64_t ppc;			/* pages per cell */
	size_t ncells;
	uint64_t cnt[MAX_LINES * 1024][ST_N];
};

static enum state leaf_state(const struct vmv_leaf *l)
{
	switch (l->type) {
	case VMV_T_PAGE:
	case VMV_T_ZERO:
	case VMV_T_PFNMAP:
		if (l->level != VMV_L_PTE)
			return ST_HUGE;
		return l->flags & VMV_F_DIRTY ? ST_DIRTY : ST_CLEAN;
	case VMV_T_SWAP:
		return ST_SWAP;
	default:
		return ST_OTHER;
	}
}

static void strip_start(struct strip *s, const struct vma_ent *v, int width)
{
	uint64_t pages = (v->end - v->start) >> VMV_PAGE_SHIFT;
	uint64_t max = (uint64_t)width * MAX_LINES;

	s->v = v;
	s->ppc = 1;
	while ((pages + s->ppc - 1) / s->ppc > max)
		s->ppc <<= 1;
	s->ncells = (size_t)((pages + s->ppc - 1) / s->ppc);
	memset(s->cnt, 0, s->ncells * sizeof(s->cnt[0]));
}

/* Add [start, end) (inside the VMA) in state st. */
static void strip_add(struct strip *s, uint64_t start, uint64_t end, enum state st)
{
	uint64_t p = (start - s->v->start) >> VMV_PAGE_SHIFT;
	uint64_t e = (end - s->v->start) >> VMV_PAGE_SHIFT;

	while (p < e) {
		uint64_t cell = p / s->ppc;
		uint64_t cend = (cell + 1) * s->ppc;
		uint64_t n = (cend < e ? cend : e) - p;

		if (cell >= s->ncells)
			break;
		s->cnt[cell][st] += n;
		p += n;
	}
}

static enum state cell_state(const uint64_t *cnt)
{
	enum state best = ST_NONE;
	int i;

	for (i = ST_CLEAN; i < ST_N; i++)
		if (cnt[i] && (best == ST_NONE || cnt[i] > cnt[best]))
			best = i;
	return best;
}

static void strip_print(const struct strip *s, int width)
{
	const struct vma_ent *v = s->v;
	char b[16], lab[32];
	const char *label = vma_label(v, lab, sizeof(lab));
	size_t i;

	if (opt.json) {
		printf("{\"type\":\"vma\",\"start\":\"0x%llx\",\"end\":\"0x%llx\","
		       "\"perms\":\"%s\",\"kind\":\"%s\",\"pages_per_cell\":%llu,"
		       "\"cells\":\"", (unsigned long long)v->start,
		       (unsigned long long)v->end, v->perms, v->kind,
		       (unsigned long long)s->ppc);
		for (i = 0; i < s->ncells; i++)
			fputc(st_char[cell_state(s->cnt[i])], stdout);
		printf("\"");
		if (v->path) {
			printf(",\"file\":");
			json_str(stdout, v->path, strlen(v->path));
		}
		printf("}\n");
		return;
	}
	printf("%s%016llx-%016llx %s %-7s %6s%s  %llu page%s/cell  ", col(C_BOLD),
	       (unsigned long long)v->start, (unsigned long long)v->end, v->perms,
	       v->kind, human(v->end - v->start, b, sizeof(b)), col(C_RESET),
	       (unsigned long long)s->ppc, s->ppc == 1 ? "" : "s");
	safe_print(stdout, label, strlen(label));
	fputc('\n', stdout);
	for (i = 0; i < s->ncells; i++) {
		enum state st = cell_state(s->cnt[i]);
		static enum state last;

		if (i % (size_t)width == 0) {
			printf("  ");
			last = ST_N;
		}
		if (st != last)
			printf("%s", col(st_color[st]));
		last = st;
		fputc(st_char[st], stdout);
		if (i % (size_t)width == (size_t)width - 1 || i == s->ncells - 1)
			printf("%s\n", col(C_RESET));
	}
}

int cmd_map(void)
{
	static struct strip strip;
	struct vma_table vt;
	struct vsrc s;
	struct vmv_leaf l;
	size_t cur = 0;
	int width = opt.width ? opt.width : 64, r, i;
	bool started = false;

	r = vma_load(&vt, opt.pid);
	if (r)
		return r;
	r = vsrc_open(&s, "pages", opt.pid);
	if (r)
		goto out2;
	r = vsrc_request(&s, "pid=%ld mode=runs", opt.pid);
	if (r)
		goto out;
	if (opt.json) {
		json_begin("map");
	} else {
		char comm[64];

		proc_comm(opt.pid, comm, sizeof(comm));
		printf("%sprocess %ld (", col(C_BOLD), opt.pid);
		safe_print(stdout, comm, strlen(comm));
		printf(")%s   legend:", col(C_RESET));
		for (i = 0; i < ST_N; i++)
			printf(" %s%c%s %s%s", col(st_color[i]), st_char[i],
			       col(C_RESET), st_name[i], i < ST_N - 1 ? "," : "");
		printf("\n%sa cell shows the most frequent state among its mapped "
		       "pages; '.' only if none is mapped%s\n", col(C_DIM), col(C_RESET));
	}
	if (vt.n) {
		strip_start(&strip, &vt.v[0], width);
		started = true;
	}
	progress_begin("pages");
	while ((r = vsrc_next_leaf(&s, &l)) > 0) {
		enum state st;
		uint64_t a;

		progress_tick("%lu runs", s.lines);
		if (r == VSRC_BAD) {
			vsrc_report_bad(&s);
			continue;
		}
		st = leaf_state(&l);
		a = l.start;
		while (cur < vt.n && a < l.end) {
			const struct vma_ent *v = &vt.v[cur];

			if (a >= v->end) {
				strip_print(&strip, width);
				if (++cur < vt.n)
					strip_start(&strip, &vt.v[cur], width);
				continue;
			}
			if (l.end <= v->start)
				break;
			if (a < v->start)
				a = v->start;
			strip_add(&strip, a, l.end < v->end ? l.end : v->end, st);
			a = l.end < v->end ? l.end : v->end;
		}
	}
	progress_end();
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = 0;
	while (started && cur < vt.n) {
		strip_print(&strip, width);
		if (++cur < vt.n)
			strip_start(&strip, &vt.v[cur], width);
	}
out:
	vsrc_close(&s);
out2:
	vma_free(&vt);
	return r;
}
