// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the translate file, one address walked level by level.
 *
 * The same locking as walk.c: mmap read lock, the VMA checked first,
 * leaves re-read under their lock.  The frame's bytes are copied through
 * the direct map while the leaf's lock keeps the frame mapped, with a
 * non-faulting copy (a frame may be missing from the direct map, e.g.
 * secretmem).
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/mmap_lock.h>
#include <linux/hugetlb.h>
#include <linux/huge_mm.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "vmview.h"

struct vmv_tr_state {
	struct vmv_leaf l;
	const char *stop;	/* NULL: a leaf */
	int stop_level;
	u64 phys;
	unsigned int nbytes;
	bool unreadable;
	u8 bytes[VMV_BYTES_MAX];
};

static void vmv_tr_entry(struct vmv_file *f, int level, unsigned long index,
			 u64 val)
{
	char flags[VMV_F_NFLAGS + 1];
	int kind = VMV_E_TABLE;

	if (level == VMV_L_PTE)
		kind = VMV_E_PTE;
	else if ((level == VMV_L_PMD || level == VMV_L_PUD) &&
		 (val & _PAGE_PSE))
		kind = VMV_E_HUGE;
	vmv_flags_str(flags, vmv_entry_flags(val, kind));
	vmv_printf(f, "level=%s index=%lu entry=0x%016llx flags=%s",
		   vmv_level_name(level), index, val, flags);
	if (level == VMV_L_PMD || level == VMV_L_PUD)
		vmv_printf(f, " pse=%d", !!(val & _PAGE_PSE));
}

static void vmv_tr_stop(struct vmv_tr_state *t, const char *why, int level)
{
	t->stop = why;
	t->stop_level = level;
}

static bool vmv_tr_is_frame(const struct vmv_leaf *l)
{
	return l->type == VMV_T_PAGE || l->type == VMV_T_ZERO ||
	       l->type == VMV_T_PFNMAP;
}

/* A leaf was found (under its lock): keep it, and the bytes asked for. */
static void vmv_tr_leaf(struct vmv_file *f, struct vmv_tr_state *t)
{
	unsigned long addr = f->req.addr;
	struct vmv_leaf *l = &t->l;
	unsigned int n;

	t->stop = NULL;
	if (!vmv_tr_is_frame(l))
		return;
	t->phys = ((u64)l->pfn << PAGE_SHIFT) + (addr - l->addr);
	if (!f->req.bytes || l->type == VMV_T_PFNMAP)
		return;
	n = min_t(unsigned long, f->req.bytes, l->end - addr);
	t->unreadable = copy_from_kernel_nofault(t->bytes, __va(t->phys), n);
	t->nbytes = t->unreadable ? 0 : n;
}

static void vmv_tr_pte(struct vmv_file *f, struct vmv_tr_state *t,
		       struct vm_area_struct *vma, pmd_t *pmdp, u32 up)
{
	unsigned long addr = f->req.addr;
	spinlock_t *ptl;	/* the entry's page table lock */
	pte_t *ptep, pte;

	ptep = vmv_pte_map_lock(f->mm, pmdp, addr, &ptl);
	if (!ptep) {
		vmv_tr_stop(t, "none", VMV_L_PMD);
		return;
	}
	pte = ptep_get(ptep);
	vmv_tr_entry(f, VMV_L_PTE, pte_index(addr), pte_val(pte));
	vmv_printf(f, "\n");
	if (pte_none(pte)) {
		vmv_tr_stop(t, "none", VMV_L_PTE);
	} else {
		t->l.addr = addr & PAGE_MASK;
		t->l.end = t->l.addr + PAGE_SIZE;
		vmv_leaf_pte(&t->l, vma, pte, up);
		vmv_tr_leaf(f, t);
	}
	pte_unmap_unlock(ptep, ptl);
}

/* Returns true when the PMD was a leaf (decoded), false for a table. */
static bool vmv_tr_pmd_leaf(struct vmv_file *f, struct vmv_tr_state *t,
			    struct vm_area_struct *vma, pmd_t *pmdp, u32 up)
{
	spinlock_t *ptl = pmd_lock(f->mm, pmdp);	/* keeps the leaf */
	pmd_t pmd = vmv_pmdp_get(pmdp);
	bool leaf = pmd_none(pmd) || vmv_pmd_is_leaf(vma, pmd);

	if (pmd_none(pmd)) {
		vmv_tr_stop(t, "none", VMV_L_PMD);
	} else if (leaf) {
		t->l.addr = f->req.addr & PMD_MASK;
		t->l.end = t->l.addr + PMD_SIZE;
		vmv_leaf_huge(&t->l, vma, pmd_val(pmd), up, VMV_L_PMD);
		vmv_tr_leaf(f, t);
	}
	spin_unlock(ptl);
	return leaf;
}

static void vmv_tr_pmd(struct vmv_file *f, struct vmv_tr_state *t,
		       struct vm_area_struct *vma, pud_t *pudp, u32 up)
{
	unsigned long addr = f->req.addr;
	pmd_t *pmdp = pmd_offset(pudp, addr);
	pmd_t pmd = vmv_pmdp_get(pmdp);

	vmv_tr_entry(f, VMV_L_PMD, pmd_index(addr), pmd_val(pmd));
	vmv_printf(f, "\n");
	if (pmd_none(pmd)) {
		vmv_tr_stop(t, "none", VMV_L_PMD);
		return;
	}
	if (vmv_pmd_is_leaf(vma, pmd) && vmv_tr_pmd_leaf(f, t, vma, pmdp, up))
		return;
	pmd = vmv_pmdp_get(pmdp);
	if (pmd_none(pmd) || pmd_bad(pmd) || vmv_pmd_is_leaf(vma, pmd)) {
		vmv_tr_stop(t, "none", VMV_L_PMD);
		return;
	}
	vmv_tr_pte(f, t, vma, pmdp, vmv_eff(up, pmd_val(pmd)));
}

static void vmv_tr_pud(struct vmv_file *f, struct vmv_tr_state *t,
		       struct vm_area_struct *vma, p4d_t *p4dp, u32 up)
{
	unsigned long addr = f->req.addr;
	pud_t *pudp = pud_offset(p4dp, addr);
	pud_t pud = READ_ONCE(*pudp);
	spinlock_t *ptl;	/* the entry's page table lock */

	vmv_tr_entry(f, VMV_L_PUD, pud_index(addr), pud_val(pud));
	vmv_printf(f, "\n");
	if (pud_none(pud) || (!vmv_pud_is_leaf(vma, pud) && pud_bad(pud))) {
		vmv_tr_stop(t, "none", VMV_L_PUD);
		return;
	}
	if (!vmv_pud_is_leaf(vma, pud)) {
		vmv_tr_pmd(f, t, vma, pudp, vmv_eff(up, pud_val(pud)));
		return;
	}
	ptl = pud_lock(f->mm, pudp);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !vmv_pud_is_leaf(vma, pud)) {
		vmv_tr_stop(t, "none", VMV_L_PUD);	/* changed: ask again */
	} else {
		t->l.addr = addr & PUD_MASK;
		t->l.end = t->l.addr + PUD_SIZE;
		vmv_leaf_huge(&t->l, vma, pud_val(pud), up, VMV_L_PUD);
		vmv_tr_leaf(f, t);
	}
	spin_unlock(ptl);
}

static void vmv_tr_top(struct vmv_file *f, struct vmv_tr_state *t,
		       struct vm_area_struct *vma)
{
	unsigned long addr = f->req.addr;
	pgd_t *pgdp = pgd_offset(f->mm, addr);
	pgd_t pgd = READ_ONCE(*pgdp);
	u64 user = vmv_user_pgd_val(pgdp);
	p4d_t *p4dp, p4d;
	u32 up;

	vmv_tr_entry(f, VMV_L_PGD, pgd_index(addr), pgd_val(pgd));
	if (user != pgd_val(pgd))
		vmv_printf(f, " user=0x%016llx", user);
	vmv_printf(f, "\n");
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (pgtable_l5_enabled()) {
		if (pgd_none(pgd) || pgd_bad(pgd)) {
			vmv_tr_stop(t, "none", VMV_L_PGD);
			return;
		}
		vmv_tr_entry(f, VMV_L_P4D, p4d_index(addr), p4d_val(p4d));
		vmv_printf(f, "\n");
	} else {
		vmv_printf(f, "level=p4d folded=1\n");
	}
	if (p4d_none(p4d) || p4d_bad(p4d)) {
		vmv_tr_stop(t, "none", pgtable_l5_enabled() ?
			    VMV_L_P4D : VMV_L_PGD);
		return;
	}
	up = vmv_top_eff(pgdp);
	if (pgtable_l5_enabled())
		up = vmv_eff(up, p4d_val(p4d));
	vmv_tr_pud(f, t, vma, p4dp, up);
}

/* Under the mmap read lock: the walk, printed as it goes. */
static void vmv_tr_walk(struct vmv_file *f, struct vmv_tr_state *t)
{
	struct vm_area_struct *vma = find_vma(f->mm, f->req.addr);
	struct address_space *mapping = NULL;

	if (!vma || vma->vm_start > f->req.addr) {
		vmv_tr_stop(t, "novma", VMV_L_PGD);
		return;
	}
	if (is_vm_hugetlb_page(vma) && vma->vm_file) {
		mapping = vma->vm_file->f_mapping;
		i_mmap_lock_read(mapping);
	}
	vmv_tr_top(f, t, vma);
	if (mapping)
		i_mmap_unlock_read(mapping);
}

static void vmv_tr_result(struct vmv_file *f, struct vmv_tr_state *t)
{
	const struct vmv_leaf *l = &t->l;
	char flags[VMV_F_NFLAGS + 1];
	unsigned int i;

	if (t->stop && !l->type) {
		vmv_printf(f, "result stop=%s level=%s\n", t->stop,
			   vmv_level_name(t->stop_level));
		return;
	}
	vmv_flags_str(flags, l->flags);
	vmv_printf(f, "result stop=%s level=%s type=%s flags=%s",
		   vmv_tr_is_frame(l) ? "leaf" : vmv_type_name(l->type),
		   vmv_level_name(l->level), vmv_type_name(l->type), flags);
	vmv_leaf_print_tail(f, l, (l->end - l->addr) >> PAGE_SHIFT);
	if (vmv_tr_is_frame(l))
		vmv_printf(f, " phys=0x%llx directmap=0x%lx", t->phys,
			   (unsigned long)__va(t->phys));
	vmv_printf(f, "\n");
	if (!f->req.bytes || (l->type != VMV_T_PAGE && l->type != VMV_T_ZERO))
		return;
	vmv_printf(f, "bytes=%u", t->nbytes);
	for (i = 0; i < t->nbytes; i++)
		vmv_printf(f, " %02x", t->bytes[i]);
	vmv_printf(f, t->unreadable ? " unreadable=1\n" : "\n");
}

static int vmv_translate_begin(struct vmv_file *f)
{
	int ret = vmv_mm_begin(f);

	if (ret)
		return ret;
	vmv_printf(f, "# vmview translate %d pid=%d addr=0x%lx levels=%d pti=%s\n",
		   VMVIEW_FORMAT_VERSION, pid_vnr(f->req.pid), f->req.addr,
		   vmv_levels(), vmv_pti());
	return 0;
}

static int vmv_translate_fill(struct vmv_file *f)
{
	struct vmv_tr_state *t = f->state;
	unsigned long addr = f->req.addr;

	if (!mmget_not_zero(f->mm))
		return -ESRCH;
	if (mmap_read_lock_killable(f->mm)) {
		mmput(f->mm);
		return -EINTR;
	}
	vmv_printf(f, "va=0x%lx vpn=0x%lx offset=0x%lx pgd_phys=0x%llx\n",
		   addr, addr >> PAGE_SHIFT, addr & ~PAGE_MASK,
		   (u64)__pa(f->mm->pgd));
	vmv_tr_walk(f, t);
	mmap_read_unlock(f->mm);
	mmput(f->mm);
	vmv_tr_result(f, t);
	return 1;
}

const struct vmv_view vmv_translate_view = {
	.name = "translate",
	.mode = 0600,
	.keys = VMV_K_PID | VMV_K_ADDR | VMV_K_BYTES,
	.begin = vmv_translate_begin,
	.fill = vmv_translate_fill,
	.end = vmv_mm_end,
	.state_size = sizeof(struct vmv_tr_state),
};
