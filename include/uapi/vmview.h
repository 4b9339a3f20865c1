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

#include <linux/types.h>

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

/*
 * Binary form of the pages file (request "format=bin"): one header, then
 * one record per line the text form would print, all little-endian, no
 * padding between records.  Readers must check magic, version and
 * rec_size, and skip rec_size - sizeof(struct vmv_bin_rec) trailing bytes
 * of records from a later, larger revision.
 */
#define VMV_BIN_MAGIC		0x42564d56U	/* "VMVB" */

struct vmv_bin_header {
	__u32 magic;		/* VMV_BIN_MAGIC */
	__u16 version;		/* VMVIEW_FORMAT_VERSION */
	__u16 rec_size;		/* sizeof(struct vmv_bin_rec) */
	__s32 pid;		/* in the reader's pid namespace */
	__u8 levels;		/* 4 or 5 */
	__u8 per_page;		/* 1: mode=pages */
	__u16 hdr_size;		/* sizeof(struct vmv_bin_header) */
	__u64 start;		/* range walked */
	__u64 end;
	__u64 reserved[2];
};

#define VMV_B_EXCL		(1U << 0)	/* anonymous, exclusive */
#define VMV_B_WRITE		(1U << 1)	/* writable migration/device */

struct vmv_bin_rec {
	__u64 start;		/* first virtual address */
	__u64 pages;		/* base pages covered */
	__u64 pfn;		/* first frame, or first swap offset */
	__u64 off;		/* byte offset in the file (src == FILE) */
	__u32 flags;		/* VMV_F_* */
	__s32 mapcount;		/* -1: no struct page */
	__u8 level;		/* enum vmv_level */
	__u8 type;		/* enum vmv_type */
	__u8 src;		/* enum vmv_src_kind */
	__u8 swap_type;
	__u8 marker;		/* enum vmv_marker_kind */
	__u8 bits;		/* VMV_B_* */
	__u16 reserved;
};

/* Where a page's contents come from. */
enum vmv_src_kind {
	VMV_SRC_NONE = 0,	/* no struct page (zero page, pfnmap) */
	VMV_SRC_ANON,		/* anonymous memory: swap is its backing */
	VMV_SRC_FILE,		/* page cache of the mapped file */
};

/* What a marker entry marks. */
enum vmv_marker_kind {
	VMV_MARKER_NONE = 0,
	VMV_MARKER_UFFD_WP,
	VMV_MARKER_POISON,
};

#endif /* _UAPI_VMVIEW_H */
