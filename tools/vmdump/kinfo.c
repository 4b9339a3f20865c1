// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump: the kernel side: `layout` (bases and regions) and the leaves of
 * the `kernel` file inside `region direct_map` (few: loaded once, then
 * binary-searched to tell which kernel mapping covers a frame's alias).
 */
#include <stdlib.h>
#include <string.h>

#include "vmdump.h"

static int load_layout(struct kinfo *k, long pid)
{
	struct vsrc s;
	const char *line;
	int r;

	r = vsrc_open(&s, "layout", pid);
	if (r)
		return r;
	if (pid > 0)
		r = vsrc_request(&s, "pid=%ld", pid);
	if (r)
		goto out;
	while ((r = vsrc_next(&s, &line)) > 0) {
		struct vmv_lline l;

		if (parse_layout_line(line, &l)) {
			fprintf(stderr, "%s: layout: unparseable line skipped: "
				"\"%.100s\"\n", prog, line);
			continue;
		}
		switch (l.kind) {
		case LL_VALUE:
			if (!strcmp(l.name, "task_size"))
				k->task_size = l.value;
			else if (!strcmp(l.name, "page_offset_base")) {
				k->page_offset_base = l.value;
				k->has_pob = true;
			} else if (!strcmp(l.name, "vmalloc_base"))
				k->vmalloc_base = l.value;
			else if (!strcmp(l.name, "vmemmap_base"))
				k->vmemmap_base = l.value;
			break;
		case LL_REGION:
			if (k->nreg >= 256)
				break;
			k->reg = xrealloc(k->reg, (k->nreg + 1) * sizeof(*k->reg));
			memcpy(k->reg[k->nreg].name, l.name, sizeof(l.name));
			k->reg[k->nreg].start = l.start;
			k->reg[k->nreg].end = l.end;
			k->nreg++;
			break;
		case LL_TARGET:
			k->target_pid = l.pid;
			k->pgd_phys = l.pgd_phys;
			k->user_pgd_phys = l.user_pgd_phys;
			k->has_user_pgd = l.has_user_pgd;
			k->target_gone = l.gone;
			break;
		}
	}
	r = r < 0 ? -r : 0;
	k->levels = s.hdr.levels;
	k->pti = s.hdr.pti;
	if (!r && !k->has_pob) {
		fprintf(stderr, "%s: layout: no page_offset_base line\n", prog);
		r = EX_FORMAT;
	}
out:
	vsrc_close(&s);
	return r;
}

static int load_directmap(struct kinfo *k)
{
	struct vsrc s;
	const char *line;
	bool in_dm = false;
	size_t cap = 0;
	int r;

	r = vsrc_open(&s, "kernel", -1);
	if (r)
		return r;
	progress_begin("kernel page tables");
	while ((r = vsrc_next(&s, &line)) > 0) {
		struct vmv_lline l;

		progress_tick("%lu lines", s.lines);
		if (parse_kernel_line(line, &l)) {
			fprintf(stderr, "%s: kernel: unparseable line skipped: "
				"\"%.100s\"\n", prog, line);
			continue;
		}
		if (l.kind == LL_REGION) {
			in_dm = !strcmp(l.name, "direct_map");
			continue;
		}
		if (!in_dm || l.end == 0)
			continue;
		if (k->ndm && l.start < k->dm[k->ndm - 1].end)
			continue;	/* not sorted: ignore */
		if (k->ndm == cap) {
			cap = cap ? cap * 2 : 64;
			k->dm = xrealloc(k->dm, cap * sizeof(*k->dm));
		}
		k->dm[k->ndm].start = l.start;
		k->dm[k->ndm].end = l.end;
		k->dm[k->ndm].level = l.level;
		k->dm[k->ndm].flags = l.flags;
		k->ndm++;
	}
	progress_end();
	vsrc_close(&s);
	return r < 0 ? -r : 0;
}

int kinfo_load(struct kinfo *k, long pid, bool directmap)
{
	int r;

	memset(k, 0, sizeof(*k));
	k->target_pid = -1;
	r = load_layout(k, pid);
	if (!r && directmap)
		r = load_directmap(k);
	if (r)
		kinfo_free(k);
	return r;
}

void kinfo_free(struct kinfo *k)
{
	free(k->reg);
	free(k->dm);
	k->reg = NULL;
	k->dm = NULL;
	k->nreg = k->ndm = 0;
}

const struct kleaf *kinfo_directmap(const struct kinfo *k, uint64_t kva)
{
	size_t lo = 0, hi = k->ndm;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kva < k->dm[mid].start)
			hi = mid;
		else if (kva >= k->dm[mid].end)
			lo = mid + 1;
		else
			return &k->dm[mid];
	}
	return NULL;
}
