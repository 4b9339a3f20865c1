// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the walker over a user address space's page tables.
 *
 * Locking argument (6.1)
 * ======================
 *
 * What could go wrong while we read another process's page tables, and why
 * it cannot:
 *
 * 1. The mm is freed.  A pass pins the mm_struct with mmgrab() (the struct
 *    stays) and every chunk takes mmget_not_zero() (the address space and
 *    its page tables stay: exit_mmap() runs only when mm_users drops to 0).
 *    If the target has exited, mmget_not_zero() fails and the read reports
 *    -ESRCH.
 *
 * 2. A page table is freed under us.  We walk only inside VMAs found with
 *    the mmap lock held for read.  Tables are freed by free_pgtables(),
 *    which runs with the mmap lock held for write, or (munmap) after the
 *    VMAs were detached under the write lock and the lock downgraded: the
 *    range it frees belongs to VMAs that are no longer in the tree, and its
 *    floor/ceiling stop at the neighbouring live VMAs.  mremap moves tables
 *    under the write lock; khugepaged and MADV_COLLAPSE retract PTE tables
 *    under the write lock (6.1).  So every table reachable through a live
 *    VMA stays allocated while we hold the read lock.
 *
 * 3. An entry changes under us.  Entries are read with READ_ONCE()
 *    (ptep_get(), vmv_pmdp_get()), and each decision about an entry (decode
 *    it, or compare it with the run it may continue) is made from one
 *    snapshot: the MMU may set A and D under any lock.  Upper levels (PGD,
 *    P4D, PUD table entries) only go from none to a table under a read
 *    lock.  A PMD can also go from none to huge, huge to none (zap) and
 *    huge to table (THP split): a PMD that looks huge is re-read under
 *    pmd_lock() and decoded there; if it has become a table we walk the
 *    table.  The leaves after it in the same table that continue its run
 *    are read under the same lock (pmd_lock() is one lock per PMD table),
 *    at most the chunk's budget of them.  PTEs are read under the PTE
 *    table's lock (pte_offset_map_lock()), so the struct page behind a
 *    present PTE stays mapped, and so referenced, while we look at it (as
 *    pagemap does).  A PUD leaf is re-read under pud_lock().
 *
 * 4. hugetlb PMD sharing.  huge_pmd_unshare() can drop a PMD table from a
 *    live hugetlb VMA under a read-locked mmap; it requires the mapping's
 *    i_mmap_rwsem held for write.  We hold it for read while walking a
 *    hugetlb VMA (order: mmap_lock, then i_mmap_rwsem, as in rmap.c), and
 *    never descend below the hugetlb leaf level.
 *
 * 5. We sleep in atomic context or stall the target.  The sink runs under
 *    a page table spinlock and only formats into a preallocated buffer.
 *    Nothing copies to or from user memory while any of the target's locks
 *    is held: output is copied out after the chunk has dropped them.  A
 *    chunk visits at most VMV_BUDGET entries, then drops every lock; the
 *    reader calls cond_resched() and checks for fatal signals between
 *    chunks; the mmap lock is taken killable.  After relocking, the walk
 *    resumes at an address, looking the VMA up again (it may have changed).
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/mmap_lock.h>
#include <linux/hugetlb.h>
#include <linux/huge_mm.h>
#include <linux/pid.h>
#include <linux/indirect_call_wrapper.h>
#include "compat.h"
#include "vmview.h"

#define VMV_AGAIN	2	/* a huge entry turned into a table: walk it */

static bool vmv_out_of_budget(struct vmv_walk *w, unsigned long addr)
{
	if (w->budget <= 0) {
		w->next = addr;
		return true;
	}
	w->budget--;
	return false;
}

static bool vmv_run_continues(const struct vmv_leaf *r,
			      const struct vmv_leaf *l)
{
	u64 n = (r->end - r->addr) >> PAGE_SHIFT;

	if (!r->type || l->addr != r->end || l->vma_start != r->vma_start ||
	    l->type != r->type || l->level != r->level ||
	    l->flags != r->flags || l->src != r->src || l->excl != r->excl ||
	    l->mapcount != r->mapcount || l->swap_type != r->swap_type ||
	    l->marker != r->marker || l->write != r->write)
		return false;
	if (l->src == VMV_SRC_FILE && l->off != r->off + (n << PAGE_SHIFT))
		return false;
	switch (l->type) {
	case VMV_T_ZERO:		/* one frame, mapped again and again */
	case VMV_T_MARKER:
		return true;
	default:			/* frames or swap slots in sequence */
		return l->pfn == r->pfn + n;
	}
}

/* The pages file's sink is the hot one: a direct call under retpolines. */
static int vmv_emit(struct vmv_walk *w, const struct vmv_leaf *run)
{
	return INDIRECT_CALL_1(w->emit, vmv_pages_emit, w, run);
}

/* A decoded leaf: extend the pending run with it, or emit the run. */
static int vmv_walk_leaf(struct vmv_walk *w, struct vmv_leaf *l)
{
	struct vmv_leaf *r = w->run;
	int ret;

	w->fast = 0;
	l->vma_start = w->vma->vm_start;
	if (w->merge && vmv_run_continues(r, l)) {
		r->end = l->end;
		return 0;
	}
	if (r->type) {
		ret = vmv_emit(w, r);
		if (ret) {
			w->next = l->addr;
			return ret;
		}
	}
	*r = *l;
	return 0;
}

/**
 * vmv_walk_flush() - emit the pending run
 * @w: walk state
 *
 * Context: any; the sink may be called.
 * Return: 0, or VMV_STOP when the sink cannot take it now (it stays
 * pending).
 */
int vmv_walk_flush(struct vmv_walk *w)
{
	int ret;

	w->fast = 0;
	if (!w->run->type)
		return 0;
	ret = vmv_emit(w, w->run);
	if (!ret)
		w->run->type = 0;
	return ret;
}

/*
 * Does @page record what the pending run records: mapcount, owner,
 * exclusivity?  The run's values come in as arguments so that the loops
 * below keep them in registers.
 */
static __always_inline bool vmv_page_matches(struct page *page,
					     int mapcount, bool anon,
					     bool excl)
{
	if (page_mapcount(page) != mapcount || PageAnon(page) != anon)
		return false;
	return !anon || PageAnonExclusive(page) == excl;
}

/* A swap PTE holding the next slot of the pending swap run @r? */
static bool vmv_swap_extends_run(const struct vmv_leaf *r, pte_t pte)
{
	swp_entry_t e;
	u32 f;

	if (pte_present(pte))
		return false;
	e = pte_to_swp_entry(pte);
	if (non_swap_entry(e) || swp_type(e) != r->swap_type ||
	    swp_offset(e) != r->pfn + ((r->end - r->addr) >> PAGE_SHIFT))
		return false;
	f = (pte_swp_soft_dirty(pte) ? VMV_F_SOFT_DIRTY : 0) |
	    (pte_swp_uffd_wp(pte) ? VMV_F_UFFD_WP : 0);
	return f == r->flags;
}

/*
 * A swap PTE that continues the pending swap run, without a full decode
 * (page runs are continued by vmv_pte_page_run()).
 */
static bool vmv_pte_extends_swap_run(struct vmv_walk *w, pte_t pte,
				     unsigned long addr, u32 up)
{
	struct vmv_leaf *r = w->run;

	if (w->fast != VMV_L_PTE || r->type != VMV_T_SWAP || r->end != addr ||
	    up != w->fast_up || !vmv_swap_extends_run(r, pte))
		return false;
	r->end += PAGE_SIZE;
	return true;
}

/*
 * After a leaf was decoded and given to the run: may the entries after it
 * be compared with it instead of decoded?  Present PTEs and PMD leaves of
 * page runs (a PROT_NONE entry's frame bits are inverted), and swap PTEs.
 */
static void vmv_fast_set(struct vmv_walk *w, const struct vmv_leaf *l,
			 u64 val, u32 up)
{
	bool page = l->type == VMV_T_PAGE && (val & _PAGE_PRESENT) &&
		    (l->level == VMV_L_PTE || l->level == VMV_L_PMD);
	bool swap = l->type == VMV_T_SWAP && l->level == VMV_L_PTE;

	w->fast = w->merge && (page || swap) ? l->level : 0;
	w->fast_val = val;
	w->fast_up = up;
}

/* The pending run is a page run that @level entries at @addr may continue. */
static bool vmv_fast_page_run(struct vmv_walk *w, int level,
			      unsigned long addr, u32 up)
{
	const struct vmv_leaf *r = w->run;

	return w->fast == level && r->type == VMV_T_PAGE && r->end == addr &&
	       up == w->fast_up;
}

/*
 * The dense case in one tight loop, without a full decode: consume the
 * PTEs from @ptep on that map the next frame of the pending page run with
 * the same bits under the same permissions above.  Such a PTE is present
 * and its value is the last one's plus PAGE_SIZE: one comparison checks
 * frame and bits.  What may still differ page by page is what the run
 * records from struct page.  The loop stays within the subsection of the
 * run's last frame, whose struct pages are contiguous in every memory
 * model, and stops short of the zero page.  Returns how many were
 * consumed.
 */
static unsigned long vmv_pte_page_run(struct vmv_walk *w, pte_t *ptep,
				      unsigned long addr, unsigned long end,
				      u32 up)
{
	struct vmv_leaf *r = w->run;
	unsigned long next, max, n, zero = my_zero_pfn(0);
	u64 val = w->fast_val;
	struct page *page;
	int mapcount = r->mapcount;
	bool anon = r->src == VMV_SRC_ANON, excl = r->excl;

	if (!vmv_fast_page_run(w, VMV_L_PTE, addr, up))
		return 0;
	next = r->pfn + ((r->end - r->addr) >> PAGE_SHIFT);
	if (!(next & (PAGES_PER_SUBSECTION - 1)))
		return 0;
	max = min((end - addr) >> PAGE_SHIFT,
		  PAGES_PER_SUBSECTION - (next & (PAGES_PER_SUBSECTION - 1)));
	if (zero >= next && zero - next < max)
		max = zero - next;
	page = pfn_to_page(next);
	for (n = 0; n < max; n++) {
		val += PAGE_SIZE;
		if (pte_val(ptep_get(ptep + n)) != val ||
		    !vmv_page_matches(page + n, mapcount, anon, excl))
			break;
	}
	r->end += n << PAGE_SHIFT;
	w->fast_val += n << PAGE_SHIFT;
	return n;
}

static int walk_pte_range(struct vmv_walk *w, pmd_t *pmdp, unsigned long addr,
			  unsigned long end, u32 up)
{
	struct vmv_leaf l;
	spinlock_t *ptl;	/* the entry's page table lock */
	pte_t *start, *ptep;
	int ret = 0;

	start = vmv_pte_map_lock(w->mm, pmdp, addr, &ptl);
	if (!start)
		return 0;
	w->budget -= (end - addr) >> PAGE_SHIFT;
	for (ptep = start; addr < end; ptep++, addr += PAGE_SIZE) {
		pte_t pte = ptep_get(ptep);
		unsigned long n;

		if (pte_none(pte))
			continue;
		n = vmv_pte_page_run(w, ptep, addr, end, up);
		if (n) {
			ptep += n - 1;
			addr += (n - 1) << PAGE_SHIFT;
			continue;
		}
		if (vmv_pte_extends_swap_run(w, pte, addr, up))
			continue;
		l.addr = addr;
		l.end = addr + PAGE_SIZE;
		vmv_leaf_pte(&l, w->vma, pte, up);
		ret = vmv_walk_leaf(w, &l);
		if (ret)
			break;
		vmv_fast_set(w, &l, pte_val(pte), up);
	}
	pte_unmap_unlock(start, ptl);
	return ret;
}

/*
 * Huge PMD leaves from @pmdp on that continue the pending page run, under
 * the lock already held for the one before: as in vmv_pte_page_run(),
 * each one's value is the last one's plus PMD_SIZE, and only its struct
 * page is looked at.  Takes them from *@next up to @end within the budget,
 * and advances *@next past them.  Returns how many it took.
 */
static unsigned long vmv_pmd_page_run(struct vmv_walk *w, pmd_t *pmdp,
				      unsigned long *next, unsigned long end,
				      u32 up)
{
	struct vmv_leaf *r = w->run;
	unsigned long pfn, n;
	u64 val = w->fast_val;
	int mapcount = r->mapcount;
	bool anon = r->src == VMV_SRC_ANON, excl = r->excl;

	if (!vmv_fast_page_run(w, VMV_L_PMD, *next, up))
		return 0;
	pfn = r->pfn + ((r->end - r->addr) >> PAGE_SHIFT);
	for (n = 0; *next < end && w->budget > 0; n++, pfn += PTRS_PER_PMD) {
		val += PMD_SIZE;
		if (pmd_val(vmv_pmdp_get(pmdp + n)) != val || !pfn_valid(pfn) ||
		    !vmv_page_matches(pfn_to_page(pfn), mapcount, anon, excl))
			break;
		*next = pmd_addr_end(*next, end);
		r->end = *next;
		w->budget--;
	}
	w->fast_val += n * PMD_SIZE;
	return n;
}

/* One huge PMD leaf, not none, under its table's lock: decode it. */
static int vmv_pmd_leaf(struct vmv_walk *w, pmd_t pmd, unsigned long addr,
			unsigned long end, u32 up)
{
	struct vmv_leaf l;
	int ret;

	l.addr = addr;
	l.end = end;
	vmv_leaf_huge(&l, w->vma, pmd_val(pmd), up, VMV_L_PMD);
	ret = vmv_walk_leaf(w, &l);
	if (!ret)
		vmv_fast_set(w, &l, pmd_val(pmd), up);
	return ret;
}

/*
 * The huge PMD leaf at @addr, and the huge leaves after it in the same
 * table up to @end, all under the table's lock (one lock per PMD table)
 * and within the budget: those that continue a run in a tight loop, the
 * others decoded.  Advances *@next past the last one it took.
 */
static int walk_pmd_leaves(struct vmv_walk *w, pmd_t *pmdp,
			   unsigned long addr, unsigned long *next,
			   unsigned long end, u32 up)
{
	spinlock_t *ptl;	/* the table's page table lock */
	pmd_t pmd;
	int ret = 0;

	ptl = pmd_lock(w->mm, pmdp);
	pmd = vmv_pmdp_get(pmdp);
	if (!pmd_none(pmd) && !vmv_pmd_is_leaf(w->vma, pmd)) {
		spin_unlock(ptl);
		return VMV_AGAIN;
	}
	while (!pmd_none(pmd)) {
		ret = vmv_pmd_leaf(w, pmd, addr, *next, up);
		if (ret)
			break;
		pmdp += vmv_pmd_page_run(w, pmdp + 1, next, end, up);
		if (*next == end || w->budget <= 0)
			break;
		pmd = vmv_pmdp_get(++pmdp);
		if (pmd_none(pmd) || !vmv_pmd_is_leaf(w->vma, pmd))
			break;
		addr = *next;
		*next = pmd_addr_end(addr, end);
		w->budget--;
	}
	spin_unlock(ptl);
	return ret;
}

static int walk_pmd_entry(struct vmv_walk *w, pmd_t *pmdp, unsigned long addr,
			  unsigned long *next, unsigned long end, u32 up)
{
	pmd_t pmd = vmv_pmdp_get(pmdp);
	int ret;

	if (pmd_none(pmd))
		return 0;
	if (vmv_pmd_is_leaf(w->vma, pmd)) {
		ret = walk_pmd_leaves(w, pmdp, addr, next, end, up);
		if (ret != VMV_AGAIN)
			return ret;
		/* Split under us: a table now, and it stays one. */
		pmd = vmv_pmdp_get(pmdp);
		if (pmd_none(pmd) || vmv_pmd_is_leaf(w->vma, pmd))
			return 0;
	}
	if (pmd_bad(pmd))
		return 0;
	return walk_pte_range(w, pmdp, addr, *next, vmv_eff(up, pmd_val(pmd)));
}

static int walk_pmd_range(struct vmv_walk *w, pud_t *pudp, unsigned long addr,
			  unsigned long end, u32 up)
{
	pmd_t *pmdp = pmd_offset(pudp, addr);
	unsigned long next;
	int ret;

	do {
		next = pmd_addr_end(addr, end);
		if (vmv_out_of_budget(w, addr))
			return VMV_STOP;
		ret = walk_pmd_entry(w, pmdp, addr, &next, end, up);
		if (ret)
			return ret;
		/* Entries spanned by [addr, next): a run of leaves, or one. */
		pmdp += ((next - 1) >> PMD_SHIFT) - (addr >> PMD_SHIFT) + 1;
	} while (addr = next, addr != end);
	return 0;
}

/**
 * vmv_pud_is_leaf() - does this PUD map memory itself?
 * @vma: the VMA it belongs to
 * @pud: snapshot of the entry, not none
 *
 * Context: any.
 * Return: true for a 1 GiB leaf (hugetlb or devmap), or any entry of a
 * 1 GiB hugetlb VMA; false for a PMD table.
 */
bool vmv_pud_is_leaf(struct vm_area_struct *vma, pud_t pud)
{
	if (pud_large(pud) || pud_devmap(pud))
		return true;
	return is_vm_hugetlb_page(vma) && vma_kernel_pagesize(vma) == PUD_SIZE;
}

static int walk_pud_leaf(struct vmv_walk *w, pud_t *pudp, unsigned long addr,
			 unsigned long end, u32 up)
{
	struct vmv_leaf l;
	spinlock_t *ptl;	/* the entry's page table lock */
	pud_t pud;
	int ret = 0;

	ptl = pud_lock(w->mm, pudp);
	pud = READ_ONCE(*pudp);
	if (!pud_none(pud) && !vmv_pud_is_leaf(w->vma, pud)) {
		spin_unlock(ptl);
		return VMV_AGAIN;
	}
	if (!pud_none(pud)) {
		l.addr = addr;
		l.end = end;
		vmv_leaf_huge(&l, w->vma, pud_val(pud), up, VMV_L_PUD);
		ret = vmv_walk_leaf(w, &l);
	}
	spin_unlock(ptl);
	return ret;
}

static int walk_pud_entry(struct vmv_walk *w, pud_t *pudp, unsigned long addr,
			  unsigned long end, u32 up)
{
	pud_t pud = READ_ONCE(*pudp);
	int ret;

	if (pud_none(pud))
		return 0;
	if (vmv_pud_is_leaf(w->vma, pud)) {
		ret = walk_pud_leaf(w, pudp, addr, end, up);
		if (ret != VMV_AGAIN)
			return ret;
		pud = READ_ONCE(*pudp);
		if (pud_none(pud) || vmv_pud_is_leaf(w->vma, pud))
			return 0;
	}
	if (pud_bad(pud))
		return 0;
	return walk_pmd_range(w, pudp, addr, end, vmv_eff(up, pud_val(pud)));
}

static int walk_pud_range(struct vmv_walk *w, p4d_t *p4dp, unsigned long addr,
			  unsigned long end, u32 up)
{
	pud_t *pudp = pud_offset(p4dp, addr);
	unsigned long next;
	int ret;

	do {
		next = pud_addr_end(addr, end);
		if (vmv_out_of_budget(w, addr))
			return VMV_STOP;
		ret = walk_pud_entry(w, pudp, addr, next, up);
		if (ret)
			return ret;
	} while (pudp++, addr = next, addr != end);
	return 0;
}

static int walk_p4d_range(struct vmv_walk *w, pgd_t *pgdp, unsigned long addr,
			  unsigned long end, u32 up)
{
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	unsigned long next;
	p4d_t p4d;
	int ret;

	do {
		next = p4d_addr_end(addr, end);
		if (vmv_out_of_budget(w, addr))
			return VMV_STOP;
		p4d = READ_ONCE(*p4dp);
		if (p4d_none(p4d) || p4d_bad(p4d))
			continue;
		/* With 4 levels the P4D is the PGD entry, already counted. */
		ret = walk_pud_range(w, p4dp, addr, next,
				     pgtable_l5_enabled() ?
				     vmv_eff(up, p4d_val(p4d)) : up);
		if (ret)
			return ret;
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

static int walk_pgd_range(struct vmv_walk *w, unsigned long addr,
			  unsigned long end)
{
	pgd_t *pgdp = pgd_offset(w->mm, addr);
	unsigned long next;
	pgd_t pgd;
	int ret;

	do {
		next = pgd_addr_end(addr, end);
		if (vmv_out_of_budget(w, addr))
			return VMV_STOP;
		pgd = READ_ONCE(*pgdp);
		if (pgd_none(pgd) || pgd_bad(pgd))
			continue;
		ret = walk_p4d_range(w, pgdp, addr, next, vmv_top_eff(pgdp));
		if (ret)
			return ret;
	} while (pgdp++, addr = next, addr != end);
	return 0;
}

/**
 * vmv_walk_vma() - walk the page tables of part of one VMA
 * @w: walk state; ->mm, ->emit, ->run and ->budget set
 * @vma: a VMA of @w->mm
 * @start: first address, inside @vma, page-aligned
 * @end: end address, inside @vma, page-aligned, above @start
 *
 * Context: process context; mmget() and the mmap read lock of @w->mm held.
 * Takes the mapping's i_mmap_rwsem for a hugetlb VMA, page table spinlocks
 * around each leaf.  The sink may run under a spinlock.  The last run
 * stays pending: vmv_walk_flush() emits it.
 * Return: 0 when @end was reached, VMV_STOP when the sink or the budget
 * stopped the walk (resume at @w->next).
 */
int vmv_walk_vma(struct vmv_walk *w, struct vm_area_struct *vma,
		 unsigned long start, unsigned long end)
{
	struct address_space *mapping = NULL;
	int ret;

	if (is_vm_hugetlb_page(vma) && vma->vm_file) {
		mapping = vma->vm_file->f_mapping;
		i_mmap_lock_read(mapping);
	}
	w->vma = vma;
	w->fast = 0;
	ret = walk_pgd_range(w, start, end);
	if (mapping)
		i_mmap_unlock_read(mapping);
	return ret;
}

static int vmv_walk_vmas(struct vmv_file *f, struct vmv_walk *w,
			 unsigned long end,
			 int (*vma_begin)(struct vmv_file *f,
					  struct vm_area_struct *vma),
			 int (*vma_done)(struct vmv_file *f,
					 struct vm_area_struct *vma))
{
	struct vm_area_struct *vma;
	int ret;

	while (f->cursor < end) {
		if (vmv_out_of_budget(w, f->cursor))
			return VMV_STOP;
		vma = find_vma(w->mm, f->cursor);
		if (!vma || vma->vm_start >= end) {
			f->cursor = end;
			break;
		}
		if (vma_begin) {
			ret = vma_begin(f, vma);
			if (ret)
				return ret;
		}
		ret = vmv_walk_vma(w, vma, max(f->cursor, vma->vm_start),
				   min(vma->vm_end, end));
		if (ret) {
			f->cursor = w->next;
			return ret;
		}
		f->cursor = min(vma->vm_end, end);
		ret = vmv_walk_flush(w);	/* runs stay within a VMA */
		if (ret)
			return ret;
		if (vma_done) {
			ret = vma_done(f, vma);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * vmv_walk_chunk() - walk the target from f->cursor towards @end, one lock hold
 * @f: open file; ->mm set by vmv_mm_begin(), ->cursor where to start
 * @w: walk state with ->emit, ->priv, ->run and ->merge set
 * @end: end of the range
 * @vma_begin: called before each VMA is walked (or resumed); may be NULL
 * @vma_done: called after each VMA is complete; may be NULL
 *
 * Pins the address space, takes its mmap lock (killable), walks at most
 * VMV_BUDGET entries, and drops both.  Advances f->cursor.
 *
 * Context: process context, may sleep; no locks held.
 * Return: 0 when @end was reached, VMV_STOP when there is more to walk,
 * -ESRCH if the target's address space is gone, -EINTR on a fatal signal,
 * or an error from the callbacks.
 */
int vmv_walk_chunk(struct vmv_file *f, struct vmv_walk *w, unsigned long end,
		   int (*vma_begin)(struct vmv_file *f,
				    struct vm_area_struct *vma),
		   int (*vma_done)(struct vmv_file *f,
				   struct vm_area_struct *vma))
{
	struct mm_struct *mm = f->mm;
	int ret;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	w->mm = mm;
	w->budget = VMV_BUDGET;
	ret = vmv_walk_vmas(f, w, end, vma_begin, vma_done);
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/**
 * vmv_mm_begin() - resolve the request's process to its mm for one pass
 * @f: open file with a request
 *
 * Context: process context, may sleep.
 * Return: 0 with f->mm pinned by mmgrab(); -ESRCH when there is no target
 * or it has exited; -ENXIO when it has no user address space.
 */
int vmv_mm_begin(struct vmv_file *f)
{
	struct task_struct *task;
	struct mm_struct *mm;

	if (!f->req.pid)
		return -ESRCH;
	task = get_pid_task(f->req.pid, PIDTYPE_PID);
	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ENXIO;
	mmgrab(mm);
	mmput(mm);
	f->mm = mm;
	return 0;
}

/**
 * vmv_mm_end() - drop the mm pinned by vmv_mm_begin()
 * @f: open file
 *
 * Context: process context.
 */
void vmv_mm_end(struct vmv_file *f)
{
	if (f->mm) {
		mmdrop(f->mm);
		f->mm = NULL;
	}
}
