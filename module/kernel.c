// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the kernel half of the page tables, and the kernel file.
 *
 * Every process's top-level table shares the kernel half (6.1 copies the
 * kernel's top-level entries into each new PGD and keeps them in sync), so
 * the reader's own table shows it; init_mm is not exported.  The kernel
 * changes its tables without any lock we can take (set_memory_*() splits,
 * vmalloc, ioremap huge mappings freeing PTE tables), so every entry below
 * the top level is read with copy_from_kernel_nofault() from a snapshot of
 * its parent: a table freed under us yields stale values or a failed read,
 * never a fault.  Each level works on a copy of the entry above it.
 *
 * Some tables are pointed to by many entries: KASAN's early shadow maps
 * terabytes through one table per level.  A table whose walk produced one
 * uniform run (one level, one set of flags, no hole) is remembered; a
 * sibling entry pointing to the same table, under the same permissions,
 * yields the same run without being walked again.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include "vmview.h"

#define VMV_KTOP	(VMV_F_WRITE | VMV_F_USER)

static bool vmv_kread(void *dst, const void *src, size_t size)
{
	return !copy_from_kernel_nofault(dst, src, size);
}

static bool vmv_kbudget(struct vmv_kwalk *kw, unsigned long addr)
{
	if (kw->budget <= 0) {
		kw->next = addr;
		return true;
	}
	kw->budget--;
	return false;
}

static int vmv_kleaf(struct vmv_kwalk *kw, unsigned long addr,
		     unsigned long end, int level, u32 flags)
{
	int ret = kw->leaf(kw, addr, end, level, flags);

	if (ret) {
		kw->next = addr;
		return ret;
	}
	if (addr == kw->seg_end && level == kw->seg_level &&
	    flags == kw->seg_flags) {
		kw->seg_end = end;
	} else {
		kw->seg_start = addr;
		kw->seg_end = end;
		kw->seg_level = level;
		kw->seg_flags = flags;
	}
	return 0;
}

/* A sibling of a table walked before: one range instead of a walk. */
static bool vmv_kmemo_hit(struct vmv_kwalk *kw, int level, unsigned long pfn,
			  u32 up, unsigned long addr, unsigned long end,
			  int *ret)
{
	const struct vmv_kmemo *m = &kw->memo[level];

	if (!m->pfn || m->pfn != pfn || m->up != up)
		return false;
	*ret = vmv_kleaf(kw, addr, end, m->level, m->flags);
	return true;
}

/* After walking the table under [addr, end): was it one uniform run? */
static void vmv_kmemo_note(struct vmv_kwalk *kw, int level, unsigned long pfn,
			   u32 up, unsigned long addr, unsigned long end)
{
	struct vmv_kmemo *m = &kw->memo[level];

	m->pfn = 0;
	if (kw->seg_start == kw->seg_end || kw->seg_start > addr ||
	    kw->seg_end != end)
		return;
	m->pfn = pfn;
	m->up = up;
	m->level = kw->seg_level;
	m->flags = kw->seg_flags;
}

static int kwalk_table(struct vmv_kwalk *kw, int level, u64 val,
		       unsigned long addr, unsigned long end, u32 up);

static int kwalk_pte(struct vmv_kwalk *kw, pmd_t pmd, unsigned long addr,
		     unsigned long end, u32 up)
{
	pte_t pte;
	int ret;

	kw->budget -= (end - addr) >> PAGE_SHIFT;
	for (; addr != end; addr += PAGE_SIZE) {
		if (!vmv_kread(&pte, pte_offset_kernel(&pmd, addr), sizeof(pte)))
			continue;
		if (!(pte_val(pte) & _PAGE_PRESENT))
			continue;
		ret = vmv_kleaf(kw, addr, addr + PAGE_SIZE, VMV_L_PTE,
				vmv_leaf_flags(pte_val(pte), VMV_E_PTE, up));
		if (ret)
			return ret;
	}
	return 0;
}

static int kwalk_pmd(struct vmv_kwalk *kw, pud_t pud, unsigned long addr,
		     unsigned long end, u32 up)
{
	unsigned long next;
	pmd_t pmd;
	int ret;

	do {
		next = pmd_addr_end(addr, end);
		if (vmv_kbudget(kw, addr))
			return VMV_STOP;
		if (!vmv_kread(&pmd, pmd_offset(&pud, addr), sizeof(pmd)) ||
		    !(pmd_val(pmd) & _PAGE_PRESENT))
			continue;
		if (pmd_large(pmd))
			ret = vmv_kleaf(kw, addr, next, VMV_L_PMD,
					vmv_leaf_flags(pmd_val(pmd), VMV_E_HUGE, up));
		else
			ret = kwalk_table(kw, VMV_L_PMD, pmd_val(pmd), addr,
					  next, up);
		if (ret)
			return ret;
	} while (addr = next, addr != end);
	return 0;
}

static int kwalk_pud(struct vmv_kwalk *kw, p4d_t p4d, unsigned long addr,
		     unsigned long end, u32 up)
{
	unsigned long next;
	pud_t pud;
	int ret;

	do {
		next = pud_addr_end(addr, end);
		if (vmv_kbudget(kw, addr))
			return VMV_STOP;
		if (!vmv_kread(&pud, pud_offset(&p4d, addr), sizeof(pud)) ||
		    !(pud_val(pud) & _PAGE_PRESENT))
			continue;
		if (pud_large(pud))
			ret = vmv_kleaf(kw, addr, next, VMV_L_PUD,
					vmv_leaf_flags(pud_val(pud), VMV_E_HUGE, up));
		else
			ret = kwalk_table(kw, VMV_L_PUD, pud_val(pud), addr,
					  next, up);
		if (ret)
			return ret;
	} while (addr = next, addr != end);
	return 0;
}

/*
 * Walk the table an entry at @level points to, or reuse what a sibling
 * pointing to the same table produced.
 */
static int kwalk_table(struct vmv_kwalk *kw, int level, u64 val,
		       unsigned long addr, unsigned long end, u32 up)
{
	unsigned long pfn = (val & PTE_PFN_MASK) >> PAGE_SHIFT;
	u32 eff = vmv_eff(up, val);
	int ret;

	if (vmv_kmemo_hit(kw, level, pfn, eff, addr, end, &ret))
		return ret;
	switch (level) {
	case VMV_L_PMD:
		ret = kwalk_pte(kw, __pmd(val), addr, end, eff);
		break;
	case VMV_L_PUD:
		ret = kwalk_pmd(kw, __pud(val), addr, end, eff);
		break;
	default:
		ret = kwalk_pud(kw, __p4d(val), addr, end, eff);
		break;
	}
	if (!ret)
		vmv_kmemo_note(kw, level, pfn, eff, addr, end);
	return ret;
}

static int kwalk_p4d(struct vmv_kwalk *kw, pgd_t pgd, unsigned long addr,
		     unsigned long end, u32 up)
{
	unsigned long next;
	p4d_t p4d;
	int ret;

	do {
		next = p4d_addr_end(addr, end);
		if (vmv_kbudget(kw, addr))
			return VMV_STOP;
		/* With 4 levels p4d_offset() points back at our copy of pgd. */
		if (!vmv_kread(&p4d, p4d_offset(&pgd, addr), sizeof(p4d)) ||
		    !(p4d_val(p4d) & _PAGE_PRESENT))
			continue;
		ret = kwalk_table(kw, VMV_L_P4D, p4d_val(p4d), addr, next, up);
		if (ret)
			return ret;
	} while (addr = next, addr != end);
	return 0;
}

/**
 * vmv_kwalk_range() - walk part of the kernel half of the page tables
 * @kw: walk state with ->leaf, ->priv and ->budget set
 * @start: first address, in the kernel half, page-aligned
 * @end: end address, page-aligned; 0 means the top of the address space
 *
 * Context: process context; no locks needed (non-faulting reads).  The sink
 * is called with no lock held.
 * Return: 0 when @end was reached, VMV_STOP when the sink or the budget
 * stopped the walk (resume at @kw->next).
 */
int vmv_kwalk_range(struct vmv_kwalk *kw, unsigned long start,
		    unsigned long end)
{
	struct mm_struct *mm = current->active_mm;
	unsigned long addr = start, next;
	pgd_t *pgdp = pgd_offset_pgd(mm->pgd, addr);
	pgd_t pgd;
	int ret;

	do {
		next = pgd_addr_end(addr, end);
		if (vmv_kbudget(kw, addr))
			return VMV_STOP;
		pgd = READ_ONCE(*pgdp);
		if (!pgd_present(pgd))
			continue;
		/* With 4 levels the PGD entry is counted as the P4D. */
		ret = kwalk_p4d(kw, pgd, addr, next, pgtable_l5_enabled() ?
				vmv_eff(VMV_KTOP, pgd_val(pgd)) : VMV_KTOP);
		if (ret)
			return ret;
	} while (pgdp++, addr = next, addr != end);
	return 0;
}

/**
 * vmv_kernel_start() - first address of the kernel half
 *
 * Context: any.
 * Return: the lowest address the kernel's top-level entries cover.
 */
unsigned long vmv_kernel_start(void)
{
	return -(1UL << __VIRTUAL_MASK_SHIFT);
}

/* The kernel file: leaves merged as ptdump does, region markers between. */
struct vmv_kernel_state {
	struct vmv_region regions[VMV_REGIONS_MAX];
	int nregions;
	int region;		/* next marker to print */
	unsigned long lines;	/* lines printed in the current region */
	unsigned long skipped;	/* lines over its max_lines */
	bool walked;		/* the walk reached the top */
	unsigned long start, end;	/* pending run; start == end: none */
	int level;
	u32 flags;
};

static void vmv_kernel_flush(struct vmv_file *f)
{
	struct vmv_kernel_state *s = f->state;
	char flags[VMV_F_NFLAGS + 1];

	const struct vmv_region *cur = s->region ? &s->regions[s->region - 1] :
				      NULL;

	if (s->start == s->end)
		return;
	if (cur && cur->max_lines && s->lines >= cur->max_lines) {
		s->skipped++;
		s->start = s->end;
		return;
	}
	s->lines++;
	vmv_flags_str(flags, s->flags);
	vmv_printf(f, "0x%016lx-0x%016lx %s %s pages=%lu\n", s->start, s->end,
		   vmv_level_name(s->level), flags,
		   (s->end - s->start) >> PAGE_SHIFT);
	s->start = s->end;
}

/* Close the current region: say how many of its lines were left out. */
static void vmv_kernel_close(struct vmv_file *f)
{
	struct vmv_kernel_state *s = f->state;

	vmv_kernel_flush(f);
	if (s->skipped)
		vmv_printf(f, "# %s: %lu more ranges not shown\n",
			   s->regions[s->region - 1].name, s->skipped);
	s->lines = 0;
	s->skipped = 0;
}

/* Print the markers of regions starting at or below @addr (0: all). */
static void vmv_kernel_markers(struct vmv_file *f, unsigned long addr)
{
	struct vmv_kernel_state *s = f->state;
	const struct vmv_region *r;

	while (s->region < s->nregions) {
		r = &s->regions[s->region];
		if (addr && r->start > addr)
			break;
		vmv_kernel_close(f);
		vmv_printf(f, "region %s 0x%016lx 0x%016lx\n", r->name,
			   r->start, r->end);
		s->region++;
	}
}

static int vmv_kernel_leaf(struct vmv_kwalk *kw, unsigned long addr,
			   unsigned long end, int level, u32 flags)
{
	struct vmv_file *f = kw->priv;
	struct vmv_kernel_state *s = f->state;

	if (vmv_room(f) < 4 * VMV_LINE_MAX)
		return VMV_STOP;
	vmv_kernel_markers(f, addr);
	if (s->start != s->end && addr == s->end && level == s->level &&
	    flags == s->flags) {
		s->end = end;
		return 0;
	}
	vmv_kernel_flush(f);
	s->start = addr;
	s->end = end;
	s->level = level;
	s->flags = flags;
	return 0;
}

static int vmv_kernel_begin(struct vmv_file *f)
{
	struct vmv_kernel_state *s = f->state;
	unsigned long kstart = vmv_kernel_start();

	s->nregions = vmv_regions(s->regions, true);
	while (s->region < s->nregions && s->regions[s->region].start < kstart)
		s->region++;
	f->cursor = kstart;
	vmv_printf(f, "# vmview kernel %d levels=%d pti=%s\n",
		   VMVIEW_FORMAT_VERSION, vmv_levels(), vmv_pti());
	return 0;
}

static int vmv_kernel_fill(struct vmv_file *f)
{
	struct vmv_kernel_state *s = f->state;
	struct vmv_kwalk kw = {
		.leaf = vmv_kernel_leaf,
		.priv = f,
		.budget = VMV_BUDGET,
	};

	if (!s->walked) {
		if (vmv_kwalk_range(&kw, f->cursor, 0)) {
			f->cursor = kw.next;
			return 0;
		}
		s->walked = true;
	}
	if (vmv_room(f) < (VMV_REGIONS_MAX + 1) * VMV_LINE_MAX)
		return 0;
	vmv_kernel_markers(f, 0);
	vmv_kernel_close(f);
	return 1;
}

const struct vmv_view vmv_kernel_view = {
	.name = "kernel",
	.mode = 0400,
	.keys = 0,
	.begin = vmv_kernel_begin,
	.fill = vmv_kernel_fill,
	.state_size = sizeof(struct vmv_kernel_state),
};
