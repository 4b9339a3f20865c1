// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: decoding page table entries into struct vmv_leaf.
 *
 * Decoding works on a snapshot of the entry's value.  The struct page of a
 * present entry is looked at only under the lock that keeps it mapped
 * (the caller's), never for VM_PFNMAP/VM_IO or special entries.
 */
#include <linux/mm.h>
#include <linux/hugetlb.h>
#include <linux/huge_mm.h>
#include <linux/page-flags.h>
#include <linux/swapops.h>
#include "compat.h"
#include "vmview.h"

#define VMV_EFF_MASK	(VMV_F_WRITE | VMV_F_USER | VMV_F_NX)

/**
 * vmv_eff() - combine permissions down one level, as the MMU does
 * @up: effective VMV_F_WRITE/USER/NX of the levels above
 * @val: this level's entry
 *
 * Context: any.
 * Return: effective VMV_F_WRITE/USER/NX including this level.
 */
u32 vmv_eff(u32 up, u64 val)
{
	u32 e = up & VMV_F_NX;

	if ((up & VMV_F_WRITE) && (val & _PAGE_RW))
		e |= VMV_F_WRITE;
	if ((up & VMV_F_USER) && (val & _PAGE_USER))
		e |= VMV_F_USER;
	if (val & _PAGE_NX)
		e |= VMV_F_NX;
	return e;
}

/**
 * vmv_top_eff() - effective permissions of a user top-level entry
 * @pgdp: entry in a user page table's top level
 *
 * With PTI, user mode runs on the user copy of the top level, whose entries
 * lack the NX bit the kernel copy adds to user entries.
 *
 * Context: any; the caller keeps the table alive.
 * Return: VMV_F_WRITE/USER/NX as user mode sees them at this level.
 */
u32 vmv_top_eff(pgd_t *pgdp)
{
	return vmv_eff(VMV_F_WRITE | VMV_F_USER, vmv_user_pgd_val(pgdp));
}

/**
 * vmv_entry_flags() - an entry's own bits as VMV_F_* flags
 * @val: the entry
 * @kind: VMV_E_PTE, VMV_E_HUGE (PMD/PUD leaf: PAT in bit 12, devmap as
 *	special) or VMV_E_TABLE (points to a table: the MMU uses only P, R/W,
 *	U/S, PWT, PCD, A and XD there; bit 12 is an address bit).  A leaf
 *	that is neither present nor PROT_NONE is in swap format: only its
 *	soft-dirty and uffd-wp bits are flags.
 *
 * Context: any.
 * Return: the VMV_F_* bits of @val, not combined with other levels.
 */
u32 vmv_entry_flags(u64 val, int kind)
{
	u64 mapped = _PAGE_PRESENT | _PAGE_PROTNONE |
		     (kind == VMV_E_HUGE ? _PAGE_PSE : 0);
	u32 f = 0;

	if (val && kind != VMV_E_TABLE && !(val & mapped)) {
		/* Swap format: the other bits are type and offset. */
		f |= pte_swp_soft_dirty(__pte(val)) ? VMV_F_SOFT_DIRTY : 0;
		f |= pte_swp_uffd_wp(__pte(val)) ? VMV_F_UFFD_WP : 0;
		return f;
	}
	f |= val & _PAGE_PRESENT ? VMV_F_PRESENT : 0;
	f |= val & _PAGE_RW ? VMV_F_WRITE : 0;
	f |= val & _PAGE_USER ? VMV_F_USER : 0;
	f |= val & _PAGE_ACCESSED ? VMV_F_ACCESSED : 0;
	f |= val & _PAGE_NX ? VMV_F_NX : 0;
	f |= val & _PAGE_PWT ? VMV_F_PWT : 0;
	f |= val & _PAGE_PCD ? VMV_F_PCD : 0;
	if (kind == VMV_E_TABLE)
		return f;
	/* _PAGE_GLOBAL is _PAGE_PROTNONE when the entry is not present. */
	f |= (val & _PAGE_PRESENT) && (val & _PAGE_GLOBAL) ? VMV_F_GLOBAL : 0;
	f |= val & _PAGE_DIRTY ? VMV_F_DIRTY : 0;
	f |= val & _PAGE_SOFT_DIRTY ? VMV_F_SOFT_DIRTY : 0;
	f |= val & _PAGE_UFFD_WP ? VMV_F_UFFD_WP : 0;
	if (kind == VMV_E_HUGE) {
		f |= val & _PAGE_PAT_LARGE ? VMV_F_PAT : 0;
		f |= val & _PAGE_DEVMAP ? VMV_F_SPECIAL : 0;
	} else {
		f |= val & _PAGE_PAT ? VMV_F_PAT : 0;
		f |= val & _PAGE_SPECIAL ? VMV_F_SPECIAL : 0;
	}
	return f;
}

/**
 * vmv_leaf_flags() - a leaf's flags, W/U/NX combined with the levels above
 * @val: the leaf entry
 * @kind: VMV_E_PTE or VMV_E_HUGE
 * @up: effective permissions of the levels above
 *
 * Context: any.
 * Return: VMV_F_* flags as the MMU applies them to this leaf.
 */
u32 vmv_leaf_flags(u64 val, int kind, u32 up)
{
	return (vmv_entry_flags(val, kind) & ~VMV_EFF_MASK) | vmv_eff(up, val);
}

static void vmv_leaf_clear(struct vmv_leaf *l, int level)
{
	l->pfn = 0;
	l->off = 0;
	l->flags = 0;
	l->mapcount = -1;
	l->level = level;
	l->type = 0;
	l->swap_type = 0;
	l->src = VMV_SRC_NONE;
	l->marker = VMV_MARKER_NONE;
	l->excl = false;
	l->write = false;
}

/* Who owns the page: anonymous memory or a file's page cache, and how shared. */
static void vmv_leaf_page(struct vmv_leaf *l, struct vm_area_struct *vma,
			  struct page *head)
{
	l->mapcount = page_mapcount(head);
	if (PageAnon(head)) {
		l->src = VMV_SRC_ANON;
		l->excl = PageAnonExclusive(head);
	} else if (vma->vm_file) {
		l->src = VMV_SRC_FILE;
		l->off = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
			 (l->addr - vma->vm_start);
	}
}

/*
 * A present entry: the zero page, a frame without a struct page we may
 * use, or a real page.  @base is the frame of the leaf's first page.
 */
static void vmv_leaf_frame(struct vmv_leaf *l, struct vm_area_struct *vma,
			   unsigned long base, bool special)
{
	struct page *head;

	if (is_zero_pfn(base)) {
		l->type = VMV_T_ZERO;
		return;
	}
	if (special || (vma->vm_flags & (VM_PFNMAP | VM_IO)) ||
	    !pfn_valid(base)) {
		l->type = VMV_T_PFNMAP;
		return;
	}
	head = pfn_to_page(base);
	/*
	 * The huge zero page is the only page without an anon_vma that a
	 * private anonymous VMA maps at PMD level; 6.1 does not export it.
	 */
	if (l->level != VMV_L_PTE && vma_is_anonymous(vma) && !PageAnon(head)) {
		l->type = VMV_T_ZERO;
		return;
	}
	l->type = VMV_T_PAGE;
	vmv_leaf_page(l, vma, head);
}

/* A non-present, non-empty entry: swap, migration, device, marker. */
static void vmv_leaf_swap(struct vmv_leaf *l, pte_t pte, unsigned long delta)
{
	swp_entry_t e = pte_to_swp_entry(pte);

	l->flags |= pte_swp_soft_dirty(pte) ? VMV_F_SOFT_DIRTY : 0;
	l->flags |= pte_swp_uffd_wp(pte) ? VMV_F_UFFD_WP : 0;
	if (vmv_swp_is_uffd_wp_marker(e)) {
		/* The marker is the write protection of a page not there. */
		l->type = VMV_T_MARKER;
		l->marker = VMV_MARKER_UFFD_WP;
		l->flags |= VMV_F_UFFD_WP;
	} else if (vmv_swp_is_poison_marker(e)) {
		l->type = VMV_T_MARKER;
		l->marker = VMV_MARKER_POISON;
	} else if (is_migration_entry(e)) {
		l->type = VMV_T_MIGRATION;
		l->write = is_writable_migration_entry(e);
	} else if (is_device_private_entry(e)) {
		l->type = VMV_T_DEVPRIV;
		l->write = is_writable_device_private_entry(e);
	} else if (is_device_exclusive_entry(e)) {
		l->type = VMV_T_DEVEXCL;
		l->write = is_writable_device_exclusive_entry(e);
	} else if (is_hwpoison_entry(e)) {
		l->type = VMV_T_HWPOISON;
	} else if (non_swap_entry(e)) {
		l->type = VMV_T_MARKER;
	} else {
		l->type = VMV_T_SWAP;
		l->swap_type = swp_type(e);
		l->pfn = swp_offset(e) + delta;
		return;
	}
	if (is_pfn_swap_entry(e))
		l->pfn = swp_offset_pfn(e) + delta;
}

/**
 * vmv_leaf_pte() - decode a non-empty PTE
 * @l: leaf; ->addr and ->end set by the caller
 * @vma: the VMA mapping ->addr
 * @pte: snapshot of the entry
 * @up: effective permissions of the levels above
 *
 * Context: the PTE table's lock held.
 */
void vmv_leaf_pte(struct vmv_leaf *l, struct vm_area_struct *vma,
		  pte_t pte, u32 up)
{
	vmv_leaf_clear(l, VMV_L_PTE);
	if (!pte_present(pte)) {
		vmv_leaf_swap(l, pte, 0);
		return;
	}
	l->flags = vmv_leaf_flags(pte_val(pte), VMV_E_PTE, up);
	l->pfn = pte_pfn(pte);
	vmv_leaf_frame(l, vma, l->pfn, pte_special(pte));
}

/**
 * vmv_leaf_huge() - decode a non-empty PMD or PUD leaf
 * @l: leaf; ->addr and ->end set by the caller, within one huge page
 * @vma: the VMA mapping ->addr
 * @val: snapshot of the entry
 * @up: effective permissions of the levels above
 * @level: VMV_L_PMD or VMV_L_PUD
 *
 * ->pfn is the frame of ->addr, which need not be the huge page's first.
 *
 * Context: the entry's page table lock held.
 */
void vmv_leaf_huge(struct vmv_leaf *l, struct vm_area_struct *vma,
		   u64 val, u32 up, int level)
{
	unsigned long size = level == VMV_L_PUD ? PUD_SIZE : PMD_SIZE;
	unsigned long delta = (l->addr & (size - 1)) >> PAGE_SHIFT;
	unsigned long base;
	bool present;

	vmv_leaf_clear(l, level);
	if (level == VMV_L_PUD) {
		/* hugetlb's PROT_NONE leaves: pud_present() misses them. */
		present = val & (_PAGE_PRESENT | _PAGE_PROTNONE);
		base = present ? pud_pfn(__pud(val)) : 0;
	} else {
		present = pmd_present(__pmd(val));
		base = present ? pmd_pfn(__pmd(val)) : 0;
	}
	if (!present) {
		/* Huge swap-format entries share the PTE layout on x86. */
		vmv_leaf_swap(l, __pte(val), delta);
		return;
	}
	l->flags = vmv_leaf_flags(val, VMV_E_HUGE, up);
	vmv_leaf_frame(l, vma, base, val & _PAGE_DEVMAP);
	l->pfn = base + delta;
}

/**
 * vmv_flags_str() - VMV_F_* flags as the text formats print them
 * @s: at least VMV_F_NFLAGS + 1 bytes
 * @flags: VMV_F_* bits
 *
 * Context: any.
 */
void vmv_flags_str(char *s, u32 flags)
{
	int i;

	for (i = 0; i < VMV_F_NFLAGS; i++)
		s[i] = flags & BIT(i) ? VMV_FLAG_LETTERS[i] : '-';
	s[i] = '\0';
}

/**
 * vmv_type_name() - text name of an enum vmv_type
 * @type: the type
 *
 * Context: any.
 * Return: a static string, "?" for an unknown type.
 */
const char *vmv_type_name(unsigned int type)
{
	static const char * const names[VMV_T_MAX] = {
		[VMV_T_PAGE] = "page",
		[VMV_T_ZERO] = "zero",
		[VMV_T_PFNMAP] = "pfnmap",
		[VMV_T_SWAP] = "swap",
		[VMV_T_MIGRATION] = "migration",
		[VMV_T_DEVPRIV] = "devpriv",
		[VMV_T_DEVEXCL] = "devexcl",
		[VMV_T_MARKER] = "marker",
		[VMV_T_HWPOISON] = "hwpoison",
	};

	return type < VMV_T_MAX && names[type] ? names[type] : "?";
}

/**
 * vmv_level_name() - text name of an enum vmv_level
 * @level: the level
 *
 * Context: any.
 * Return: a static string, "?" for an unknown level.
 */
const char *vmv_level_name(unsigned int level)
{
	static const char * const names[] = {
		[VMV_L_PTE] = "pte",
		[VMV_L_PMD] = "pmd",
		[VMV_L_PUD] = "pud",
		[VMV_L_P4D] = "p4d",
		[VMV_L_PGD] = "pgd",
	};

	return level < ARRAY_SIZE(names) && names[level] ? names[level] : "?";
}

static bool vmv_type_has_pfn(unsigned int type)
{
	return type != VMV_T_SWAP && type != VMV_T_MARKER;
}

/**
 * vmv_leaf_print_tail() - print a leaf's KEY=VALUE fields
 * @f: open file with room for VMV_LINE_MAX bytes
 * @l: the leaf
 * @pages: base pages the line covers
 *
 * Context: any; does not sleep.
 */
void vmv_leaf_print_tail(struct vmv_file *f, const struct vmv_leaf *l,
			 unsigned long pages)
{
	static const char * const markers[] = {
		[VMV_MARKER_NONE] = "other",
		[VMV_MARKER_UFFD_WP] = "uffd-wp",
		[VMV_MARKER_POISON] = "poison",
	};

	vmv_puts(f, " pages=");
	vmv_putdec(f, pages);
	if (vmv_type_has_pfn(l->type)) {
		vmv_puts(f, " pfn=");
		vmv_puthex(f, l->pfn, 0);
	}
	if (l->type == VMV_T_SWAP) {
		vmv_puts(f, " swap=");
		vmv_putdec(f, l->swap_type);
		vmv_puts(f, ":");
		vmv_puthex(f, l->pfn, 0);
	}
	if (l->src == VMV_SRC_ANON) {
		vmv_puts(f, " src=anon");
	} else if (l->src == VMV_SRC_FILE) {
		vmv_puts(f, " src=file off=");
		vmv_puthex(f, l->off, 0);
	}
	if (l->mapcount >= 0) {
		vmv_puts(f, " map=");
		vmv_putdec(f, l->mapcount);
	}
	if (l->excl)
		vmv_puts(f, " excl=1");
	if (l->type == VMV_T_MARKER) {
		vmv_puts(f, " marker=");
		vmv_puts(f, markers[l->marker]);
	}
	if (l->write)
		vmv_puts(f, " write=1");
}
