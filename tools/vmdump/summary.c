// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump summary PID: the VMAs, streamed from `vmas`, with the gaps between
 * them and totals.
 */
#include <string.h>

#include "vmdump.h"

struct totals {
	uint64_t n, vsize, rss, dirty, swap, huge;
};

static const char *kind_color(const char *kind)
{
	if (!strcmp(kind, "code"))
		return col(C_RED);
	if (!strcmp(kind, "heap") || !strcmp(kind, "stack"))
		return col(C_GREEN);
	if (!strcmp(kind, "anon"))
		return col(C_CYAN);
	if (!strcmp(kind, "data") || !strcmp(kind, "rodata"))
		return col(C_BLUE);
	if (!strcmp(kind, "shared") || !strcmp(kind, "shm"))
		return col(C_MAGENTA);
	return col(C_YELLOW);
}

static void pages_col(uint64_t pages, const char *color)
{
	char b[16];

	if (!pages)
		printf(" %s%7s%s", col(C_DIM), "-", col(C_RESET));
	else
		printf(" %s%7s%s", color, human(pages * VMV_PAGE_SIZE, b, sizeof(b)),
		       col(C_RESET));
}

static void print_vma(const struct vmv_vma *v)
{
	char b[16];

	printf("%016llx-%016llx %s %s%-7s%s %7s",
	       (unsigned long long)v->start, (unsigned long long)v->end,
	       v->perms, kind_color(v->kind), v->kind, col(C_RESET),
	       human(v->vsize * VMV_PAGE_SIZE, b, sizeof(b)));
	pages_col(v->rss, col(C_GREEN));
	pages_col(v->dirty, col(C_YELLOW));
	pages_col(v->swap, col(C_MAGENTA));
	pages_col(v->huge, col(C_CYAN));
	fputc(' ', stdout);
	if (v->path) {
		safe_print(stdout, v->path, v->path_len);
	} else {
		printf("%s[%s]%s", col(C_DIM), v->kind, col(C_RESET));
	}
	fputc('\n', stdout);
}

static void json_vma(const struct vmv_vma *v)
{
	printf("{\"type\":\"vma\",\"start\":\"0x%llx\",\"end\":\"0x%llx\","
	       "\"perms\":\"%s\",\"kind\":\"%s\",\"vsize\":%llu,\"rss\":%llu,"
	       "\"dirty\":%llu,\"swap\":%llu,\"huge\":%llu",
	       (unsigned long long)v->start, (unsigned long long)v->end,
	       v->perms, v->kind, (unsigned long long)v->vsize,
	       (unsigned long long)v->rss, (unsigned long long)v->dirty,
	       (unsigned long long)v->swap, (unsigned long long)v->huge);
	if (v->has_off)
		printf(",\"off\":\"0x%llx\"", (unsigned long long)v->off);
	if (v->path) {
		printf(",\"file\":");
		json_str(stdout, v->path, v->path_len);
	}
	printf("}\n");
}

int cmd_summary(void)
{
	struct totals t = { 0 };
	struct vsrc s;
	const char *line;
	uint64_t prev_end = 0;
	char comm[64], b1[16], b2[16], b3[16], b4[16], b5[16];
	int r;

	r = vsrc_open(&s, "vmas", opt.pid);
	if (r)
		return r;
	r = vsrc_request(&s, "pid=%ld", opt.pid);
	if (r)
		goto out;
	proc_comm(opt.pid, comm, sizeof(comm));
	if (opt.json) {
		json_begin("summary");
	} else {
		printf("%sprocess %ld (", col(C_BOLD), opt.pid);
		safe_print(stdout, comm, strlen(comm));
		printf(")%s\n", col(C_RESET));
		printf("%s%-33s %-4s %-7s %7s %7s %7s %7s %7s %s%s\n", col(C_BOLD),
		       "RANGE", "PERM", "KIND", "SIZE", "RSS", "DIRTY", "SWAP",
		       "HUGE", "MAPPING", col(C_RESET));
	}
	progress_begin("vmas");
	while ((r = vsrc_next(&s, &line)) > 0) {
		struct vmv_vma v;

		if (parse_vma(line, &v)) {
			fprintf(stderr, "%s: vmas: unparseable line skipped: "
				"\"%.100s\"\n", prog, line);
			continue;
		}
		progress_tick("%lu VMAs", s.lines);
		if (opt.json) {
			json_vma(&v);
		} else {
			if (t.n && v.start > prev_end)
				printf("%s%33s %-12s %7s%s\n", col(C_DIM), "",
				       "  (gap)", human(v.start - prev_end, b1,
							sizeof(b1)), col(C_RESET));
			print_vma(&v);
		}
		prev_end = v.end;
		t.n++;
		t.vsize += v.vsize;
		t.rss += v.rss;
		t.dirty += v.dirty;
		t.swap += v.swap;
		t.huge += v.huge;
	}
	progress_end();
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = 0;
	if (opt.json) {
		printf("{\"type\":\"totals\",\"vmas\":%llu,\"vsize\":%llu,"
		       "\"rss\":%llu,\"dirty\":%llu,\"swap\":%llu,\"huge\":%llu}\n",
		       (unsigned long long)t.n, (unsigned long long)t.vsize,
		       (unsigned long long)t.rss, (unsigned long long)t.dirty,
		       (unsigned long long)t.swap, (unsigned long long)t.huge);
		goto out;
	}
	printf("%stotal: %llu VMAs, virtual %s, resident %s (%.1f%% of virtual), "
	       "dirty %s, swapped %s, huge %s%s\n", col(C_BOLD),
	       (unsigned long long)t.n,
	       human(t.vsize * VMV_PAGE_SIZE, b1, sizeof(b1)),
	       human(t.rss * VMV_PAGE_SIZE, b2, sizeof(b2)),
	       t.vsize ? 100.0 * t.rss / t.vsize : 0.0,
	       human(t.dirty * VMV_PAGE_SIZE, b3, sizeof(b3)),
	       human(t.swap * VMV_PAGE_SIZE, b4, sizeof(b4)),
	       human(t.huge * VMV_PAGE_SIZE, b5, sizeof(b5)), col(C_RESET));
	if (t.vsize > t.rss + t.swap)
		printf("%s%s of it has neither a frame nor a swap slot: never "
		       "touched, or freed (demand paging)%s\n", col(C_DIM),
		       human((t.vsize - t.rss - t.swap) * VMV_PAGE_SIZE, b1,
			     sizeof(b1)), col(C_RESET));
out:
	vsrc_close(&s);
	return r;
}
