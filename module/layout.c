// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the kernel's address-space layout, and the layout file.
 *
 * Region starts are the kernel's own (KASLR-randomized) bases, read at run
 * time.  Where the kernel exports no end (the RAM the direct map covers,
 * the vmemmap in use, the kernel image), the end is measured from the page
 * tables: the end of the last leaf in the region, found by bisection.
 */
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <asm/fixmap.h>
#include <asm/cpu_entry_area.h>
#include <asm/pgtable_areas.h>
#include "vmview.h"

/**
 * vmv_levels() - paging levels the kernel runs with
 *
 * Context: any.
 * Return: 4 or 5.
 */
int vmv_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/**
 * vmv_pti() - whether page table isolation is on
 *
 * Context: any.
 * Return: "on" or "off".
 */
const char *vmv_pti(void)
{
	return boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off";
}

static int vmv_first_leaf(struct vmv_kwalk *kw, unsigned long addr,
			  unsigned long end, int level, u32 flags)
{
	*(unsigned long *)kw->priv = addr;
	return VMV_STOP;
}

/*
 * The first leaf at or above @start, below @end: its address, or @end.
 * Stops at the first leaf; empty upper levels are skipped whole.  A task
 * being killed gets @end: the layout it will never see is not worth the
 * wait.
 */
static unsigned long vmv_next_leaf(unsigned long start, unsigned long end)
{
	unsigned long found = end, addr = start;
	struct vmv_kwalk kw = { .leaf = vmv_first_leaf, .priv = &found };

	for (;;) {
		kw.budget = VMV_BUDGET;
		if (!vmv_kwalk_range(&kw, addr, end) || found != end)
			return found;
		if (fatal_signal_pending(current))
			return end;
		addr = kw.next;
		cond_resched();
	}
}

/*
 * The mapped part of [start, end): from its first leaf to the end of its
 * last.  The end is found by bisection on "is anything mapped in [x, end)"
 * (a leaf straddling x counts), so the cost grows with the log of the
 * range, not with the number of leaves.
 */
static void vmv_extent(unsigned long start, unsigned long end,
		       struct vmv_region *r)
{
	unsigned long lo, hi, mid;

	r->start = vmv_next_leaf(start, end);
	if (r->start == end) {
		r->start = start;
		r->end = start;
		return;
	}
	lo = r->start >> PAGE_SHIFT;	/* something mapped at or above */
	hi = end >> PAGE_SHIFT;		/* nothing mapped at or above */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (vmv_next_leaf(mid << PAGE_SHIFT, end) != end)
			lo = mid;
		else
			hi = mid;
	}
	r->end = hi << PAGE_SHIFT;
}

static void vmv_region_add(struct vmv_region *r, int *n, const char *name,
			   unsigned long start, unsigned long end)
{
	if (*n >= VMV_REGIONS_MAX)
		return;
	r[*n].name = name;
	r[*n].start = start;
	r[*n].end = end;
	r[*n].max_lines = 0;
	(*n)++;
}

static int vmv_region_cmp(const void *a, const void *b)
{
	const struct vmv_region *ra = a, *rb = b;

	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

/* Regions whose end is measured from the page tables. */
static void vmv_regions_measured(struct vmv_region *r, int *n, bool measure)
{
	unsigned long vmemmap_limit = CPU_ENTRY_AREA_BASE;
	struct vmv_region m;

#ifdef CONFIG_KASAN
	vmemmap_limit = KASAN_SHADOW_START;
#endif
	m.start = page_offset_base;
	m.end = page_offset_base;
	if (measure)
		vmv_extent(page_offset_base, VMALLOC_START, &m);
	vmv_region_add(r, n, "direct_map", page_offset_base, m.end);
	m.end = VMEMMAP_START;
	if (measure)
		vmv_extent(VMEMMAP_START, vmemmap_limit, &m);
	vmv_region_add(r, n, "vmemmap", VMEMMAP_START, m.end);
	m.start = __START_KERNEL_map;
	m.end = __START_KERNEL_map;
	if (measure)
		vmv_extent(__START_KERNEL_map, MODULES_VADDR, &m);
	vmv_region_add(r, n, "kernel_text", m.start, m.end);
}

/**
 * vmv_regions() - the address-space regions, in address order
 * @r: room for VMV_REGIONS_MAX regions
 * @measure: measure the ends of direct_map, vmemmap and kernel_text from
 *	the page tables (else they are empty)
 *
 * Context: process context, may sleep when @measure.
 * Return: the number of regions filled in.
 */
int vmv_regions(struct vmv_region *r, bool measure)
{
	unsigned long canon = 1UL << __VIRTUAL_MASK_SHIFT;
	int n = 0;

	vmv_region_add(r, &n, "user", 0, TASK_SIZE_MAX);
	vmv_region_add(r, &n, "noncanonical", canon, -canon);
	vmv_region_add(r, &n, "guard_hole", GUARD_HOLE_BASE_ADDR,
		       GUARD_HOLE_END_ADDR);
	vmv_region_add(r, &n, "ldt_remap", LDT_BASE_ADDR, LDT_END_ADDR);
	vmv_region_add(r, &n, "vmalloc", VMALLOC_START, VMALLOC_END + 1);
#ifdef CONFIG_KASAN
	vmv_region_add(r, &n, "kasan_shadow", KASAN_SHADOW_START,
		       KASAN_SHADOW_END);
#endif
	vmv_region_add(r, &n, "cpu_entry_area", CPU_ENTRY_AREA_BASE,
		       CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_MAP_SIZE);
	vmv_region_add(r, &n, "espfix", ESPFIX_BASE_ADDR,
		       ESPFIX_BASE_ADDR + P4D_SIZE);
	/* One page aliased tens of thousands of times: show a few. */
	r[n - 1].max_lines = 16;
	vmv_region_add(r, &n, "efi", EFI_VA_END, EFI_VA_START);
	vmv_region_add(r, &n, "modules", MODULES_VADDR, MODULES_END);
	vmv_region_add(r, &n, "fixmap", FIXADDR_START, FIXADDR_TOP + PAGE_SIZE);
	vmv_regions_measured(r, &n, measure);
	sort(r, n, sizeof(*r), vmv_region_cmp, NULL);
	return n;
}

static void vmv_layout_target(struct vmv_file *f)
{
	phys_addr_t pgd;
	pid_t nr = pid_vnr(f->req.pid);

	if (vmv_mm_begin(f)) {
		vmv_printf(f, "target pid=%d state=gone\n", nr);
		return;
	}
	pgd = __pa(f->mm->pgd);
	vmv_printf(f, "target pid=%d pgd_phys=0x%llx", nr, (u64)pgd);
	if (boot_cpu_has(X86_FEATURE_PTI))
		vmv_printf(f, " user_pgd_phys=0x%llx", (u64)pgd + PAGE_SIZE);
	vmv_printf(f, "\n");
	vmv_mm_end(f);
}

static int vmv_layout_begin(struct vmv_file *f)
{
	vmv_printf(f, "# vmview layout %d levels=%d pti=%s\n",
		   VMVIEW_FORMAT_VERSION, vmv_levels(), vmv_pti());
	return 0;
}

static int vmv_layout_fill(struct vmv_file *f)
{
	struct vmv_region *r = f->state;
	int i, n;

	vmv_printf(f, "task_size 0x%lx\n", TASK_SIZE_MAX);
	vmv_printf(f, "page_offset_base 0x%lx\n", page_offset_base);
	vmv_printf(f, "vmalloc_base 0x%lx\n", vmalloc_base);
	vmv_printf(f, "vmemmap_base 0x%lx\n", vmemmap_base);
	vmv_printf(f, "vsyscall 0x%lx\n", (unsigned long)VSYSCALL_ADDR);
	n = vmv_regions(r, true);
	for (i = 0; i < n; i++)
		if (!strcmp(r[i].name, "kernel_text"))
			vmv_printf(f, "kernel_phys 0x%lx\n",
				   r[i].start - __START_KERNEL_map + phys_base);
	for (i = 0; i < n; i++)
		vmv_printf(f, "region %s 0x%016lx 0x%016lx\n", r[i].name,
			   r[i].start, r[i].end);
	if (f->req.pid)
		vmv_layout_target(f);
	return 1;
}

const struct vmv_view vmv_layout_view = {
	.name = "layout",
	.mode = 0600,
	.keys = VMV_K_PID,
	.begin = vmv_layout_begin,
	.fill = vmv_layout_fill,
	.state_size = sizeof(struct vmv_region) * VMV_REGIONS_MAX,
};
