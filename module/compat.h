/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmview: the one place for kernel-version shims.
 *
 * vmview is written against 6.1 (Debian 12).  Everything that differs in
 * other kernels goes here, nowhere else.
 */
#ifndef _VMVIEW_COMPAT_H
#define _VMVIEW_COMPAT_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swapops.h>

/*
 * A lockless snapshot of a PMD.  6.1 has no pmdp_get_lockless(); on x86-64
 * a PMD is one machine word, so READ_ONCE() is a single untorn load.
 */
static inline pmd_t vmv_pmdp_get(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

/*
 * Map and lock the PTE table under @pmdp.  Before 6.5 this cannot fail:
 * the caller has checked that the PMD points to a table and holds the
 * mmap lock, which keeps that table in place.  From 6.5 on the table may
 * be retracted under a read-locked mmap and the call returns NULL, which
 * callers treat as "no table here any more".
 */
static inline pte_t *vmv_pte_map_lock(struct mm_struct *mm, pmd_t *pmdp,
				      unsigned long addr, spinlock_t **ptlp)
{
	return pte_offset_map_lock(mm, pmdp, addr, ptlp);
}

/* 6.1 calls a poisoned swap-in an error entry; later kernels a marker. */
static inline bool vmv_swp_is_poison_marker(swp_entry_t entry)
{
#ifdef PTE_MARKER_POISONED
	return is_pte_marker_entry(entry) &&
	       (pte_marker_get(entry) & PTE_MARKER_POISONED);
#else
	return is_swapin_error_entry(entry);
#endif
}

static inline bool vmv_swp_is_uffd_wp_marker(swp_entry_t entry)
{
	return is_pte_marker_entry(entry) &&
	       (pte_marker_get(entry) & PTE_MARKER_UFFD_WP);
}

/*
 * The value of a user top-level entry as user mode sees it: with PTI, the
 * user copy of the top level (the kernel copy sets NX on user entries).
 */
static inline u64 vmv_user_pgd_val(pgd_t *pgdp)
{
#ifdef CONFIG_PAGE_TABLE_ISOLATION
	if (boot_cpu_has(X86_FEATURE_PTI))
		return pgd_val(READ_ONCE(*kernel_to_user_pgdp(pgdp)));
#endif
	return pgd_val(READ_ONCE(*pgdp));
}

#endif /* _VMVIEW_COMPAT_H */
