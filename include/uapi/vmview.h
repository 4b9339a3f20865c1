/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmview: the interface shared by vmview.ko and its user-space readers.
 *
 * Everything here describes what the debugfs files under
 * /sys/kernel/debug/vmview/ produce; docs/interface.md is the prose version.
 * Values never change meaning once released: new bits and types are only
 * ever added, and the version line of every file says which revision a
 * reader is looking at.
 */
#ifndef _UAPI_VMVIEW_H
#define _UAPI_VMVIEW_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* Revision of the text formats; printed in every file's version line. */
#define VMVIEW_FORMAT_VERSION	1

/* Directory under debugfs and the files in it. */
#define VMVIEW_DIR		"vmview"

/*
 * Leaf flags.  W, U and NX are effective: combined over every level of the
 * walk the way the MMU combines them (W and U need every level, NX any
 * level; with PTI the user copy of the top level is the one that counts).
 * The other hardware bits are the leaf entry's own.  For entries that are
 * not present (swap, migration, markers) only SOFT_DIRTY and UFFD_WP, which
 * live in the swap entry, can be set.
 */
#define VMV_F_PRESENT		(1U << 0)	/* hardware P bit of the leaf */
#define VMV_F_WRITE		(1U << 1)	/* effective R/W */
#define VMV_F_USER		(1U << 2)	/* effective U/S */
#define VMV_F_ACCESSED		(1U << 3)	/* A */
#define VMV_F_DIRTY		(1U << 4)	/* D */
#define VMV_F_NX		(1U << 5)	/* effective XD/NX */
#define VMV_F_GLOBAL		(1U << 6)	/* G */
#define VMV_F_PWT		(1U << 7)	/* write-through */
#define VMV_F_PCD		(1U << 8)	/* cache disable */
#define VMV_F_PAT		(1U << 9)	/* PAT (bit 7 of a PTE, 12 of a huge) */
#define VMV_F_SOFT_DIRTY	(1U << 10)	/* software soft-dirty */
#define VMV_F_UFFD_WP		(1U << 11)	/* userfaultfd write-protect */
#define VMV_F_SPECIAL		(1U << 12)	/* pte_special / devmap: no struct page use */
#define VMV_F_NFLAGS		13

/*
 * One letter per flag, in bit order, as the text formats print them;
 * a clear bit prints as '-'.
 */
#define VMV_FLAG_LETTERS	"PWUADNGTCHSFX"

/* What a leaf is. */
enum vmv_type {
	VMV_T_PAGE = 1,		/* present, backed by a struct page */
	VMV_T_ZERO,		/* present, the shared zero page */
	VMV_T_PFNMAP,		/* present, VM_PFNMAP/VM_IO or special: no struct page */
	VMV_T_SWAP,		/* swapped out: swap type + offset */
	VMV_T_MIGRATION,	/* being migrated: target pfn */
	VMV_T_DEVPRIV,		/* device-private memory */
	VMV_T_DEVEXCL,		/* device-exclusive */
	VMV_T_MARKER,		/* PTE marker (uffd-wp, poisoned) */
	VMV_T_HWPOISON,		/* hardware-poisoned page */
	VMV_T_MAX
};

/* Level at which a leaf sits, i.e. its size. */
enum vmv_level {
	VMV_L_PTE = 1,		/* 4 KiB */
	VMV_L_PMD,		/* 2 MiB */
	VMV_L_PUD,		/* 1 GiB */
	VMV_L_P4D,		/* upper levels: only in translate */
	VMV_L_PGD,
};

#endif /* _UAPI_VMVIEW_H */
