// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump layout [PID]: the whole 64-bit address space as a ladder, top of
 * the address space first, one row per region with a log2(size) bar; with a
 * PID, user space is broken down into the process's mappings, grouped.
 */
#include <stdlib.h>
#include <string.h>

#include "vmdump.h"

#define MAX_GROUPS	24

struct group {
	uint64_t start, end;
	uint64_t rss, nvma;
	char label[48];
};

static int log2u(uint64_t v)
{
	int n = 0;

	while (v >>= 1)
		n++;
	return n;
}

/* size of [start, end) where end 0 means 2^64 */
static uint64_t span(uint64_t start, uint64_t end)
{
	return end - start;	/* wraps correctly for end == 0 */
}

static void bar(uint64_t size, const char *color)
{
	int n = size ? log2u(size) - 11 : 0, i;

	if (size && n < 1)
		n = 1;
	printf(" %s", color);
	for (i = 0; i < n; i++)
		fputc('#', stdout);
	printf("%s", col(C_RESET));
}

static void row(uint64_t start, uint64_t end, const char *name,
		const char *extra, const char *color, int indent)
{
	char b[16];
	uint64_t size = span(start, end);

	/* Long names are cut to the column: the bars stay aligned. */
	printf("%016llx %016llx %6s %*s%s%-*.*s%s", (unsigned long long)start,
	       (unsigned long long)(end - 1),
	       size ? human(size, b, sizeof(b)) : "16E", indent, "", color,
	       22 - indent, 22 - indent, name, col(C_RESET));
	if (extra)
		printf(" %-12s", extra);
	else
		printf(" %-12s", "");
	bar(size ? size : UINT64_MAX, color);
	fputc('\n', stdout);
}

static const char *region_color(const char *name)
{
	if (!strcmp(name, "user"))
		return col(C_GREEN);
	if (!strcmp(name, "noncanonical") || !strcmp(name, "guard_hole"))
		return col(C_DIM);
	if (!strcmp(name, "direct_map"))
		return col(C_YELLOW);
	if (!strcmp(name, "kernel_text") || !strcmp(name, "modules"))
		return col(C_RED);
	if (!strcmp(name, "vmalloc") || !strcmp(name, "vmemmap"))
		return col(C_BLUE);
	return col(C_MAGENTA);
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

/* Group the VMAs: same file (and its bss), or same kind; collapse if many. */
static size_t group_vmas(const struct vma_table *vt, struct group *g)
{
	struct group tmp;
	size_t n = 0, i, ng = 0;
	struct group *all = NULL;

	for (i = 0; i < vt->n; i++) {
		const struct vma_ent *v = &vt->v[i];
		char lab[48];

		if (v->path)
			snprintf(lab, sizeof(lab), "%s", basename_of(v->path));
		else
			snprintf(lab, sizeof(lab), "[%s]", v->kind);
		/* an anonymous VMA right after a file's last one: its bss */
		if (n && (!strcmp(all[n - 1].label, lab) ||
			  (!v->path && !strcmp(v->kind, "anon") && i &&
			   vt->v[i - 1].path && all[n - 1].end == v->start))) {
			all[n - 1].end = v->end;
			all[n - 1].rss += v->rss;
			all[n - 1].nvma++;
			continue;
		}
		all = xrealloc(all, (n + 1) * sizeof(*all));
		all[n].start = v->start;
		all[n].end = v->end;
		all[n].rss = v->rss;
		all[n].nvma = 1;
		memcpy(all[n].label, lab, sizeof(lab));
		n++;
	}
	/* Too many for one screen: keep the special ones, merge the rest. */
	for (i = 0; i < n; i++) {
		bool keep = n <= MAX_GROUPS || i == 0 || all[i].label[0] == '[';

		if (!keep && ng && g[ng - 1].label[0] == '*') {
			g[ng - 1].end = all[i].end;
			g[ng - 1].rss += all[i].rss;
			g[ng - 1].nvma += all[i].nvma;
			snprintf(tmp.label, sizeof(tmp.label), "*mmap area (%llu VMAs)",
				 (unsigned long long)g[ng - 1].nvma);
			memcpy(g[ng - 1].label, tmp.label, sizeof(tmp.label));
			continue;
		}
		if (ng == MAX_GROUPS * 2)
			break;
		g[ng] = all[i];
		if (!keep)
			snprintf(g[ng].label, sizeof(g[ng].label), "*mmap area (%llu VMAs)",
				 (unsigned long long)all[i].nvma);
		ng++;
	}
	free(all);
	return ng;
}

static void json_ladder(const struct kinfo *k, const struct group *g, size_t ng)
{
	size_t i;

	printf("{\"type\":\"kernel\",\"levels\":%d,\"pti\":%s,\"task_size\":\"0x%llx\","
	       "\"page_offset_base\":\"0x%llx\",\"vmalloc_base\":\"0x%llx\","
	       "\"vmemmap_base\":\"0x%llx\"}\n", k->levels,
	       k->pti == 1 ? "true" : "false", (unsigned long long)k->task_size,
	       (unsigned long long)k->page_offset_base,
	       (unsigned long long)k->vmalloc_base,
	       (unsigned long long)k->vmemmap_base);
	for (i = 0; i < k->nreg; i++) {
		uint64_t sz = span(k->reg[i].start, k->reg[i].end);

		printf("{\"type\":\"region\",\"name\":");
		json_str(stdout, k->reg[i].name, strlen(k->reg[i].name));
		printf(",\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"size\":\"0x%llx\","
		       "\"log2_size\":%d}\n",
		       (unsigned long long)k->reg[i].start,
		       (unsigned long long)k->reg[i].end, (unsigned long long)sz,
		       sz ? log2u(sz) : 64);
	}
	for (i = 0; i < ng; i++) {
		printf("{\"type\":\"segment\",\"label\":");
		json_str(stdout, g[i].label, strlen(g[i].label));
		printf(",\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"vmas\":%llu,"
		       "\"rss\":%llu}\n", (unsigned long long)g[i].start,
		       (unsigned long long)g[i].end, (unsigned long long)g[i].nvma,
		       (unsigned long long)g[i].rss);
	}
	if (k->target_pid >= 0) {
		printf("{\"type\":\"target\",\"pid\":%ld", k->target_pid);
		if (k->target_gone)
			printf(",\"gone\":true");
		else
			printf(",\"pgd_phys\":\"0x%llx\"",
			       (unsigned long long)k->pgd_phys);
		if (k->has_user_pgd)
			printf(",\"user_pgd_phys\":\"0x%llx\"",
			       (unsigned long long)k->user_pgd_phys);
		printf("}\n");
	}
}

int cmd_layout(void)
{
	struct vma_table vt = { 0 };
	struct group g[MAX_GROUPS * 2];
	struct kinfo k;
	size_t ng = 0, i, j;
	char comm[64], b[16];
	int r;

	r = kinfo_load(&k, opt.pid, false);
	if (r)
		return r;
	if (opt.pid > 0) {
		r = vma_load(&vt, opt.pid);
		if (r)
			goto out;
		ng = group_vmas(&vt, g);
	}
	if (opt.json) {
		json_begin("layout");
		json_ladder(&k, g, ng);
		goto out;
	}
	printf("%sthe 64-bit address space: %d-level paging, PTI %s", col(C_BOLD),
	       k.levels, k.pti == 1 ? "on" : k.pti == 0 ? "off" : "?");
	if (opt.pid > 0) {
		proc_comm(opt.pid, comm, sizeof(comm));
		printf(", process %ld (", opt.pid);
		safe_print(stdout, comm, strlen(comm));
		printf(")");
	}
	printf("%s\n", col(C_RESET));
	printf("%s%-16s %-16s %6s %-22s %-12s %s%s\n", col(C_BOLD), "START", "LAST",
	       "SIZE", "REGION", "", "log2(size), one # per doubling above 4K",
	       col(C_RESET));
	/* Top of the address space first. */
	for (i = k.nreg; i-- > 0;) {
		const struct kregion *rg = &k.reg[i];

		row(rg->start, rg->end, rg->name, NULL, region_color(rg->name), 0);
		if (strcmp(rg->name, "user") || !ng)
			continue;
		for (j = ng; j-- > 0;) {
			char extra[24];
			const char *lab = g[j].label[0] == '*' ? g[j].label + 1 : g[j].label;

			snprintf(extra, sizeof(extra), "rss %s",
				 human(g[j].rss * VMV_PAGE_SIZE, b, sizeof(b)));
			row(g[j].start, g[j].end, lab, extra,
			    g[j].label[0] == '[' ? col(C_CYAN) : col(C_GREEN), 2);
		}
	}
	printf("%spage_offset_base %llx  vmalloc_base %llx  vmemmap_base %llx  "
	       "task_size %llx%s\n", col(C_DIM),
	       (unsigned long long)k.page_offset_base,
	       (unsigned long long)k.vmalloc_base,
	       (unsigned long long)k.vmemmap_base,
	       (unsigned long long)k.task_size, col(C_RESET));
	if (k.target_pid >= 0 && k.target_gone) {
		printf("%starget %ld: exited%s\n", col(C_DIM), k.target_pid,
		       col(C_RESET));
	} else if (k.target_pid >= 0) {
		printf("%starget %ld: top-level table at phys %llx", col(C_DIM),
		       k.target_pid, (unsigned long long)k.pgd_phys);
		if (k.has_user_pgd)
			printf(" (user copy with PTI: %llx)",
			       (unsigned long long)k.user_pgd_phys);
		printf("%s\n", col(C_RESET));
	}
out:
	vma_free(&vt);
	kinfo_free(&k);
	return r;
}
