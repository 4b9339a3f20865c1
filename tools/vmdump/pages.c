// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump pages PID: the leaves, streamed from `pages` (binary records, or
 * text lines with --text-pages), each with its frame,
 * the frame's direct-map alias and the kernel mapping that covers it, and
 * the VMA it belongs to.
 */
#include <string.h>

#include "vmdump.h"

static bool has_frame(const struct vmv_leaf *l)
{
	return (l->type == VMV_T_PAGE || l->type == VMV_T_ZERO ||
		l->type == VMV_T_PFNMAP) && (l->has & HAS_PFN);
}

static bool selected(const struct vmv_leaf *l)
{
	unsigned o = opt.only;

	if ((o & ONLY_PRESENT) && !(l->flags & VMV_F_PRESENT))
		return false;
	if ((o & ONLY_DIRTY) && !(l->flags & VMV_F_DIRTY))
		return false;
	if ((o & ONLY_ACCESSED) && !(l->flags & VMV_F_ACCESSED))
		return false;
	if ((o & ONLY_SWAPPED) && l->type != VMV_T_SWAP)
		return false;
	if ((o & ONLY_HUGE) && l->level == VMV_L_PTE)
		return false;
	if ((o & ONLY_FILE) && l->src != SRC_FILE)
		return false;
	if ((o & ONLY_ANON) && l->src != SRC_ANON)
		return false;
	if ((o & ONLY_SHARED) && !((l->has & HAS_MAP) && l->map > 1))
		return false;
	return true;
}

static const char *size_of_level(int level)
{
	switch (level) {
	case VMV_L_PTE: return "4K";
	case VMV_L_PMD: return "2M";
	case VMV_L_PUD: return "1G";
	case VMV_L_P4D: return "512G";
	default: return "?";
	}
}

static void print_row(const struct vmv_leaf *l, const struct kinfo *k,
		      const struct vma_table *vt)
{
	const struct vma_ent *v = vma_find(vt, l->start);
	char fs[VMV_F_NFLAGS + 1], b[16], lab[32], tmp[32];
	const char *c = "";

	flags_string(l->flags, fs);
	if (l->type == VMV_T_SWAP)
		c = col(C_MAGENTA);
	else if (l->flags & VMV_F_DIRTY)
		c = col(C_YELLOW);
	else if (l->flags & VMV_F_PRESENT)
		c = col(C_GREEN);
	printf("%016llx-%016llx %-12llx %6s %s %s%-9s%s %s",
	       (unsigned long long)l->start, (unsigned long long)l->end,
	       (unsigned long long)(l->start >> VMV_PAGE_SHIFT),
	       human(l->end - l->start, b, sizeof(b)), level_name(l->level),
	       c, type_name(l->type), col(C_RESET), fs);
	if (l->has & HAS_PFN) {
		uint64_t phys = l->pfn << VMV_PAGE_SHIFT;

		printf(" %10llx %13llx", (unsigned long long)l->pfn,
		       (unsigned long long)phys);
		if (has_frame(l)) {
			uint64_t kva = k->page_offset_base + phys;
			const struct kleaf *dm = kinfo_directmap(k, kva);

			printf(" %016llx", (unsigned long long)kva);
			if (dm)
				snprintf(tmp, sizeof(tmp), "%s/%s",
					 size_of_level(dm->level), level_name(dm->level));
			else
				snprintf(tmp, sizeof(tmp), "unmapped");
			printf(" %-8s", tmp);
		} else {
			printf(" %16s %-8s", "-", "-");
		}
	} else {
		printf(" %10s %13s %16s %-8s", "-", "-", "-", "-");
	}
	if (l->has & HAS_SWAP)
		snprintf(tmp, sizeof(tmp), "swap=%u:%llx", l->swap_type,
			 (unsigned long long)l->swap_off);
	else if (l->src == SRC_ANON)
		snprintf(tmp, sizeof(tmp), "anon%s%s",
			 (l->has & HAS_MAP) && l->map > 1 ? " shared" : "",
			 l->has & HAS_EXCL ? " excl" : "");
	else if (l->src && (l->has & HAS_OFF))	/* backing store: file+offset */
		snprintf(tmp, sizeof(tmp), "file+%llx%s",
			 (unsigned long long)l->off,
			 (l->has & HAS_MAP) && l->map > 1 ? " shared" : "");
	else if (l->src)
		snprintf(tmp, sizeof(tmp), "file%s",
			 (l->has & HAS_MAP) && l->map > 1 ? " shared" : "");
	else if (l->has & HAS_MARKER)
		snprintf(tmp, sizeof(tmp), "marker=%s", l->marker);
	else
		snprintf(tmp, sizeof(tmp), "-");
	printf(" %-16s ", tmp);
	if (v) {
		const char *label = vma_label(v, lab, sizeof(lab));

		safe_print(stdout, label, strlen(label));
	} else {
		printf("?");
	}
	fputc('\n', stdout);
}

static void json_row(const struct vmv_leaf *l, const struct kinfo *k,
		     const struct vma_table *vt)
{
	const struct vma_ent *v = vma_find(vt, l->start);
	char fs[VMV_F_NFLAGS + 1];

	flags_string(l->flags, fs);
	printf("{\"type\":\"%s\",\"start\":\"0x%llx\",\"end\":\"0x%llx\","
	       "\"vpn\":\"0x%llx\",\"pages\":%llu,\"level\":\"%s\",\"leaf\":\"%s\","
	       "\"flags\":\"%s\",\"flag_names\":",
	       opt.per_page ? "page" : "run",
	       (unsigned long long)l->start, (unsigned long long)l->end,
	       (unsigned long long)(l->start >> VMV_PAGE_SHIFT),
	       (unsigned long long)l->pages, level_name(l->level),
	       type_name(l->type), fs);
	json_flags(stdout, l->flags);
	if (l->has & HAS_PFN) {
		uint64_t phys = l->pfn << VMV_PAGE_SHIFT;

		printf(",\"pfn\":\"0x%llx\",\"phys\":\"0x%llx\"",
		       (unsigned long long)l->pfn, (unsigned long long)phys);
		if (has_frame(l)) {
			uint64_t kva = k->page_offset_base + phys;
			const struct kleaf *dm = kinfo_directmap(k, kva);

			printf(",\"directmap\":\"0x%llx\"", (unsigned long long)kva);
			if (dm)
				printf(",\"directmap_level\":\"%s\",\"directmap_page\":%llu",
				       level_name(dm->level),
				       (unsigned long long)(level_pages(dm->level) *
							    VMV_PAGE_SIZE));
		}
	}
	if (l->has & HAS_SWAP)
		printf(",\"swap_type\":%u,\"swap_offset\":\"0x%llx\"",
		       l->swap_type, (unsigned long long)l->swap_off);
	if (l->src)
		printf(",\"src\":\"%s\"", l->src == SRC_ANON ? "anon" : "file");
	if (l->has & HAS_OFF)
		printf(",\"file_offset\":\"0x%llx\"", (unsigned long long)l->off);
	if (l->has & HAS_MAP)
		printf(",\"mapcount\":%ld", l->map);
	if (l->has & HAS_EXCL)
		printf(",\"exclusive\":true");
	if (l->has & HAS_MARKER) {
		printf(",\"marker\":");
		json_str(stdout, l->marker, strlen(l->marker));
	}
	if (l->has & HAS_WRITE)
		printf(",\"write\":true");
	if (v) {
		char lab[32];
		const char *label = vma_label(v, lab, sizeof(lab));

		printf(",\"vma_start\":\"0x%llx\",\"vma\":", (unsigned long long)v->start);
		json_str(stdout, label, strlen(label));
	}
	printf("}\n");
}

int cmd_pages(void)
{
	struct vma_table vt;
	struct kinfo k;
	struct vsrc s;
	struct vmv_leaf l;
	uint64_t rows = 0, npages = 0, bad = 0;
	char b[16];
	int r;

	r = vma_load(&vt, opt.pid);
	if (r)
		return r;
	r = kinfo_load(&k, opt.pid, true);
	if (r) {
		vma_free(&vt);
		return r;
	}
	r = vsrc_open(&s, "pages", opt.pid);
	if (r)
		goto out2;
	if (opt.has_range)
		r = vsrc_request(&s, "pid=%ld start=0x%llx end=0x%llx mode=%s",
				 opt.pid, (unsigned long long)opt.start,
				 (unsigned long long)opt.end,
				 opt.per_page ? "pages" : "runs");
	else
		r = vsrc_request(&s, "pid=%ld mode=%s", opt.pid,
				 opt.per_page ? "pages" : "runs");
	if (r)
		goto out;
	if (opt.json) {
		json_begin("pages");
	} else {
		char comm[64];

		proc_comm(opt.pid, comm, sizeof(comm));
		printf("%sprocess %ld (", col(C_BOLD), opt.pid);
		safe_print(stdout, comm, strlen(comm));
		printf("), page_offset_base %llx, %d-level paging%s\n",
		       (unsigned long long)k.page_offset_base, k.levels, col(C_RESET));
		printf("%s%-33s %-12s %6s %-3s %-9s %-13s %10s %13s %-16s %-8s %-16s %s%s\n",
		       col(C_BOLD), "RANGE (hex)", "VPN", "SIZE", "LVL", "TYPE",
		       "FLAGS", "PFN", "PHYS", "DIRECTMAP", "KMAP", "BACKING",
		       "VMA", col(C_RESET));
	}
	progress_begin("pages");
	while ((r = vsrc_next_leaf(&s, &l)) > 0) {
		progress_tick("%lu lines", s.lines);
		if (r == VSRC_BAD) {
			if (bad++ < 5)
				vsrc_report_bad(&s);
			continue;
		}
		if (!selected(&l))
			continue;
		rows++;
		npages += l.pages;
		if (opt.json)
			json_row(&l, &k, &vt);
		else
			print_row(&l, &k, &vt);
	}
	progress_end();
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = 0;
	if (opt.json) {
		printf("{\"type\":\"totals\",\"rows\":%llu,\"pages\":%llu}\n",
		       (unsigned long long)rows, (unsigned long long)npages);
	} else {
		printf("%s%llu %s%s, %llu page%s (%s)%s\n", col(C_BOLD),
		       (unsigned long long)rows, opt.per_page ? "lea" : "run",
		       rows == 1 ? (opt.per_page ? "f" : "") :
		       (opt.per_page ? "ves" : "s"),
		       (unsigned long long)npages, npages == 1 ? "" : "s",
		       human(npages * VMV_PAGE_SIZE, b, sizeof(b)), col(C_RESET));
		printf("%sflags: P present W writable U user A accessed D dirty "
		       "N no-exec G global T write-through C cache-disabled "
		       "H PAT S soft-dirty F uffd-wp X special%s\n",
		       col(C_DIM), col(C_RESET));
	}
	if (bad)
		r = EX_FORMAT;
out:
	vsrc_close(&s);
out2:
	kinfo_free(&k);
	vma_free(&vt);
	return r;
}
